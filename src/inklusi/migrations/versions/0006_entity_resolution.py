"""Entity resolution in the registry: a duplicate household or person record is resolved into the record
that represents its entity (temporal rows; nothing deleted), so search, counts and snapshots count each
household and person once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_resolution",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("resolved_into", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cause_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("kind IN ('household', 'person')", name=op.f("ck_record_resolution_kind")),
        sa.CheckConstraint("record_id <> resolved_into", name=op.f("ck_record_resolution_not_itself")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_record_resolution_validity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_resolution")),
    )
    op.create_index("ix_record_resolution_into", "record_resolution", ["kind", "resolved_into"], unique=False)
    op.create_index(
        "uq_record_resolution_current",
        "record_resolution",
        ["kind", "record_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("record_resolution")
