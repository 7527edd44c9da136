"""PPKS identification: runs of the rules over the registry, and flags (a person proposed for, verified in,
rejected from or retired from a PPKS category) as temporal versions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ppks_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rules", sa.String(length=60), nullable=False),
        sa.Column("rules_version", sa.String(length=80), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("registry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("welfare_run_id", sa.Uuid(), nullable=True),
        sa.Column("skipped_rules", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("new_flags", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_ppks_run_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["welfare_run_id"], ["welfare_run.id"], name=op.f("fk_ppks_run_welfare_run_id_welfare_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ppks_run")),
    )
    op.create_index("ix_ppks_run_started_at", "ppks_run", ["started_at"], unique=False)
    op.create_table(
        "ppks_flag",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_ppks_flag_person_id_person")),
        sa.ForeignKeyConstraint(["run_id"], ["ppks_run.id"], name=op.f("fk_ppks_flag_run_id_ppks_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ppks_flag")),
        sa.UniqueConstraint("person_id", "category", name=op.f("uq_ppks_flag_person_id_category")),
    )
    op.create_table(
        "ppks_flag_version",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("flag_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("area_code", sa.String(length=13), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("rule_version", sa.String(length=80), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("registry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'rejected' OR decision_note IS NOT NULL",
            name=op.f("ck_ppks_flag_version_rejection_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('candidate', 'verified', 'rejected', 'retired')",
            name=op.f("ck_ppks_flag_version_status"),
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_ppks_flag_version_validity")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_ppks_flag_version_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_ppks_flag_version_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["ppks_flag.id"], name=op.f("fk_ppks_flag_version_flag_id_ppks_flag")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ppks_run.id"], name=op.f("fk_ppks_flag_version_run_id_ppks_run")
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_ppks_flag_version")),
    )
    op.create_index("ix_ppks_flag_version_area", "ppks_flag_version", ["area_code", "status"], unique=False)
    op.create_index("ix_ppks_flag_version_flag", "ppks_flag_version", ["flag_id", "valid_from"], unique=False)
    op.create_index(
        "uq_ppks_flag_version_current",
        "ppks_flag_version",
        ["flag_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("ppks_flag_version")
    op.drop_table("ppks_flag")
    op.drop_table("ppks_run")
