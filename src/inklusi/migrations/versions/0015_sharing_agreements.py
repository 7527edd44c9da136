"""Data-sharing agreements, their approvals, partner clients and their access tokens.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sharing_agreement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("operations", sa.Text(), nullable=False),
        sa.Column("areas", sa.Text(), nullable=False),
        sa.Column("deciles", sa.Text(), nullable=False),
        sa.Column("ppks_categories", sa.Text(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("sensitivity_ceiling", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drafted_by", sa.Uuid(), nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'revoked')", name=op.f("ck_sharing_agreement_status")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_sharing_agreement_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by"], ["user_account.id"], name=op.f("fk_sharing_agreement_drafted_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["user_account.id"], name=op.f("fk_sharing_agreement_approved_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["user_account.id"], name=op.f("fk_sharing_agreement_revoked_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreement")),
    )
    op.create_index(
        "ix_sharing_agreement_organisation", "sharing_agreement", ["organisation_id"], unique=False
    )
    op.create_table(
        "sharing_client",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("jwks", sa.Text(), nullable=True),
        sa.Column("callback_url", sa.String(length=500), nullable=True),
        sa.Column("rate_window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rate_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["sharing_agreement.id"],
            name=op.f("fk_sharing_client_agreement_id_sharing_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_sharing_client_created_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_client")),
        sa.UniqueConstraint("client_id", name=op.f("uq_sharing_client_client_id")),
    )
    op.create_index("ix_sharing_client_agreement", "sharing_client", ["agreement_id"], unique=False)
    op.create_table(
        "sharing_token",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("client_pk", sa.Uuid(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["sharing_client.id"], name=op.f("fk_sharing_token_client_pk_sharing_client")
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_sharing_token")),
    )
    op.create_index("ix_sharing_token_client", "sharing_token", ["client_pk"], unique=False)
    op.create_table(
        "sharing_usage",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["sharing_agreement.id"],
            name=op.f("fk_sharing_usage_agreement_id_sharing_agreement"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", "operation", "day", name=op.f("pk_sharing_usage")),
    )
    op.create_table(
        "sharing_pseudonym",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["sharing_agreement.id"],
            name=op.f("fk_sharing_pseudonym_agreement_id_sharing_agreement"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", "token", name=op.f("pk_sharing_pseudonym")),
    )


def downgrade() -> None:
    op.drop_table("sharing_pseudonym")
    op.drop_table("sharing_usage")
    op.drop_index("ix_sharing_token_client", table_name="sharing_token")
    op.drop_table("sharing_token")
    op.drop_index("ix_sharing_client_agreement", table_name="sharing_client")
    op.drop_table("sharing_client")
    op.drop_index("ix_sharing_agreement_organisation", table_name="sharing_agreement")
    op.drop_table("sharing_agreement")
