"""Released (protected) tables and the privacy-budget ledger.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sharing_privacy_budget",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=36), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=True),
        sa.Column("budget_milli", sa.Integer(), nullable=False),
        sa.Column("spent_milli", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "spent_milli >= 0 AND spent_milli <= budget_milli",
            name=op.f("ck_sharing_privacy_budget_within_budget"),
        ),
        sa.PrimaryKeyConstraint("dataset", "scope", name=op.f("pk_sharing_privacy_budget")),
    )
    op.create_table(
        "sharing_release",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=36), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=True),
        sa.Column("parameters_key", sa.String(length=64), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("epsilon_milli", sa.Integer(), nullable=False),
        sa.Column("sensitivity", sa.Integer(), nullable=False),
        sa.Column("scale", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Integer(), nullable=False),
        sa.Column("table", sa.Text(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_sharing_release_actor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_release")),
    )
    op.create_index(
        "uq_sharing_release_request", "sharing_release", ["dataset", "scope", "parameters_key"], unique=True
    )
    op.create_index("ix_sharing_release_created", "sharing_release", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sharing_release_created", table_name="sharing_release")
    op.drop_index("uq_sharing_release_request", table_name="sharing_release")
    op.drop_table("sharing_release")
    op.drop_table("sharing_privacy_budget")
