"""PPKS publications: each identification run's protected who/where/what figures, stored once per run
(a header and its cells, keyed by run and area so that an area's figures are one index range).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ppks_publication",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("threshold_sensitive", sa.Integer(), nullable=False),
        sa.Column("threshold_personal", sa.Integer(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("breakdowns", sa.Text(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ppks_run.id"], name=op.f("fk_ppks_publication_run_id_ppks_run")
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_ppks_publication")),
    )
    op.create_index("ix_ppks_publication_computed_at", "ppks_publication", ["computed_at"], unique=False)
    op.create_table(
        "ppks_cell",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=13), nullable=False),
        sa.Column("measure", sa.String(length=24), nullable=False),
        sa.Column("slice", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.CheckConstraint("(value IS NULL) = suppressed", name=op.f("ck_ppks_cell_suppressed_value")),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ppks_publication.run_id"], name=op.f("fk_ppks_cell_run_id_ppks_publication")
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "area_code", "measure", "slice", "category", "key", name=op.f("pk_ppks_cell")
        ),
    )


def downgrade() -> None:
    op.drop_table("ppks_cell")
    op.drop_table("ppks_publication")
