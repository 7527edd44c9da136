"""People outside households: a person registered by outreach or intake (sleeping rough, begging,
scavenging, living in a social institution) with an area and a living situation but no dwelling or family,
as temporal rows; joining a family later ends the row.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_outside",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=13), nullable=False),
        sa.Column("living_situation", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_person_outside_validity")
        ),
        sa.CheckConstraint(
            "length(area_code) IN (8, 13)", name=op.f("ck_person_outside_area_code_is_district_or_village")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_person_outside_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_outside_person_id_person")
        ),
        sa.ForeignKeyConstraint(["area_code"], ["area.code"], name=op.f("fk_person_outside_area_code_area")),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_person_outside")),
    )
    op.create_index("ix_person_outside_person", "person_outside", ["person_id", "valid_from"], unique=False)
    op.create_index("ix_person_outside_area_code", "person_outside", ["area_code"], unique=False)
    op.create_index(
        "uq_person_outside_current",
        "person_outside",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("person_outside")
