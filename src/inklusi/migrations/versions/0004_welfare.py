"""Welfare ranking: trained models, ranking runs, household ranks per run.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "welfare_model",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=120), nullable=False),
        sa.Column("spec_name", sa.String(length=60), nullable=False),
        sa.Column("spec_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("training_file", sa.Text(), nullable=False),
        sa.Column("training_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("training_households", sa.Integer(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("artifact", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_welfare_model_actor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_model")),
        sa.UniqueConstraint("version", name=op.f("uq_welfare_model_version")),
    )
    op.create_table(
        "welfare_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("ranked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("snapshot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("backend", sa.String(length=16), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("previous_run_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_welfare_run_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["welfare_model.id"], name=op.f("fk_welfare_run_model_id_welfare_model")
        ),
        sa.ForeignKeyConstraint(
            ["previous_run_id"], ["welfare_run.id"], name=op.f("fk_welfare_run_previous_run_id_welfare_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_run")),
    )
    op.create_index("ix_welfare_run_ranked_at", "welfare_run", ["ranked_at"], unique=False)
    op.create_table(
        "household_rank",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("people", sa.SmallInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("national_percentile", sa.SmallInteger(), nullable=False),
        sa.Column("national_decile", sa.SmallInteger(), nullable=False),
        sa.Column("household_decile", sa.SmallInteger(), nullable=False),
        sa.Column("province_decile", sa.SmallInteger(), nullable=False),
        sa.Column("regency_decile", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "national_percentile BETWEEN 1 AND 100", name=op.f("ck_household_rank_percentile")
        ),
        sa.CheckConstraint(
            "national_decile BETWEEN 1 AND 10 AND household_decile BETWEEN 1 AND 10"
            " AND province_decile BETWEEN 1 AND 10 AND regency_decile BETWEEN 1 AND 10",
            name=op.f("ck_household_rank_deciles"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_household_rank_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["welfare_run.id"], name=op.f("fk_household_rank_run_id_welfare_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "household_id", name=op.f("pk_household_rank")),
    )
    op.create_index(
        "ix_household_rank_household_id", "household_rank", ["household_id", "run_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_household_rank_household_id", table_name="household_rank")
    op.drop_table("household_rank")
    op.drop_index("ix_welfare_run_ranked_at", table_name="welfare_run")
    op.drop_table("welfare_run")
    op.drop_table("welfare_model")
