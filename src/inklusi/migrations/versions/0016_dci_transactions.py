"""DCI Social Registry API: asynchronous transactions and their callbacks.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dci_transaction",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.String(length=120), nullable=False),
        sa.Column("message_id", sa.String(length=120), nullable=False),
        sa.Column("transaction_id", sa.String(length=99), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=4), nullable=False),
        sa.Column("callback_url", sa.String(length=500), nullable=True),
        sa.Column("callback_status", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dci_transaction")),
        sa.UniqueConstraint("client_id", "message_id", name=op.f("uq_dci_transaction_client_id_message_id")),
    )
    op.create_index(
        "ix_dci_transaction_client_transaction",
        "dci_transaction",
        ["client_id", "transaction_id"],
        unique=False,
    )
    op.create_table(
        "dci_request",
        sa.Column("transaction_pk", sa.Uuid(), nullable=False),
        sa.Column("reference_id", sa.String(length=99), nullable=False),
        sa.Column("status", sa.String(length=4), nullable=False),
        sa.Column("status_reason_code", sa.String(length=60), nullable=True),
        sa.Column("page_number", sa.Integer(), nullable=True),
        sa.Column("page_size", sa.Integer(), nullable=True),
        sa.Column("total_count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_pk"],
            ["dci_transaction.id"],
            name=op.f("fk_dci_request_transaction_pk_dci_transaction"),
        ),
        sa.PrimaryKeyConstraint("transaction_pk", "reference_id", name=op.f("pk_dci_request")),
    )


def downgrade() -> None:
    op.drop_table("dci_request")
    op.drop_index("ix_dci_transaction_client_transaction", table_name="dci_transaction")
    op.drop_table("dci_transaction")
