"""Social programmes: stored specifications (a row per version), saved scenarios, frozen beneficiary lists
and their entries (immutable), village deliberation (FKP) meetings and their decisions, grievances.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programme",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("label_id", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_programme_actor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_programme_name_version")),
    )
    op.create_table(
        "programme_scenario",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("budget", sa.Float(), nullable=True),
        sa.Column("welfare_run_id", sa.Uuid(), nullable=True),
        sa.Column("registry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_programme_scenario_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_programme_scenario_programme_id_programme")
        ),
        sa.ForeignKeyConstraint(
            ["welfare_run_id"],
            ["welfare_run.id"],
            name=op.f("fk_programme_scenario_welfare_run_id_welfare_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_scenario")),
    )
    op.create_index(
        "ix_programme_scenario_programme", "programme_scenario", ["programme_id", "created_at"], unique=False
    )
    op.create_table(
        "beneficiary_list",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scenario_id", sa.Uuid(), nullable=False),
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("spec_key", sa.String(length=80), nullable=False),
        sa.Column("cycle", sa.String(length=60), nullable=False),
        sa.Column("welfare_run_id", sa.Uuid(), nullable=True),
        sa.Column("registry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_beneficiary_list_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programme.id"], name=op.f("fk_beneficiary_list_programme_id_programme")
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["programme_scenario.id"],
            name=op.f("fk_beneficiary_list_scenario_id_programme_scenario"),
        ),
        sa.ForeignKeyConstraint(
            ["welfare_run_id"],
            ["welfare_run.id"],
            name=op.f("fk_beneficiary_list_welfare_run_id_welfare_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_list")),
        sa.UniqueConstraint("programme_id", "cycle", name=op.f("uq_beneficiary_list_programme_id_cycle")),
    )
    op.create_table(
        "beneficiary_entry",
        sa.Column("list_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("national_decile", sa.Integer(), nullable=True),
        sa.Column("benefit", sa.Float(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("head_name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_beneficiary_entry_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["list_id"], ["beneficiary_list.id"], name=op.f("fk_beneficiary_entry_list_id_beneficiary_list")
        ),
        sa.PrimaryKeyConstraint("list_id", "household_id", name=op.f("pk_beneficiary_entry")),
    )
    op.create_index(
        "ix_beneficiary_entry_village", "beneficiary_entry", ["list_id", "village_code"], unique=False
    )
    op.create_table(
        "fkp_meeting",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("list_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("attendance", sa.Text(), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["beneficiary_list.id"], name=op.f("fk_fkp_meeting_list_id_beneficiary_list")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_fkp_meeting_recorded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fkp_meeting")),
    )
    op.create_index("ix_fkp_meeting_list", "fkp_meeting", ["list_id", "village_code"], unique=False)
    op.create_table(
        "grievance",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("list_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("submitted_by_name", sa.String(length=120), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("reassessment", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('ranking', 'exclusion', 'inclusion')", name=op.f("ck_grievance_kind")),
        sa.CheckConstraint(
            "status IN ('submitted', 'upheld', 'dismissed')", name=op.f("ck_grievance_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_grievance_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_grievance_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["list_id"], ["beneficiary_list.id"], name=op.f("fk_grievance_list_id_beneficiary_list")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["fkp_meeting.id"], name=op.f("fk_grievance_meeting_id_fkp_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["user_account.id"], name=op.f("fk_grievance_submitted_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance")),
    )
    op.create_index("ix_grievance_household", "grievance", ["household_id"], unique=False)
    op.create_index("ix_grievance_status", "grievance", ["status", "village_code"], unique=False)
    op.create_table(
        "fkp_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("change_request_id", sa.Uuid(), nullable=True),
        sa.Column("grievance_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("decision IN ('confirm', 'remove', 'add')", name=op.f("ck_fkp_decision_decision")),
        sa.ForeignKeyConstraint(
            ["change_request_id"],
            ["change_request.id"],
            name=op.f("fk_fkp_decision_change_request_id_change_request"),
        ),
        sa.ForeignKeyConstraint(
            ["grievance_id"], ["grievance.id"], name=op.f("fk_fkp_decision_grievance_id_grievance")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_fkp_decision_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["fkp_meeting.id"], name=op.f("fk_fkp_decision_meeting_id_fkp_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fkp_decision")),
    )
    op.create_index("ix_fkp_decision_meeting", "fkp_decision", ["meeting_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_fkp_decision_meeting", table_name="fkp_decision")
    op.drop_table("fkp_decision")
    op.drop_index("ix_grievance_status", table_name="grievance")
    op.drop_index("ix_grievance_household", table_name="grievance")
    op.drop_table("grievance")
    op.drop_index("ix_fkp_meeting_list", table_name="fkp_meeting")
    op.drop_table("fkp_meeting")
    op.drop_index("ix_beneficiary_entry_village", table_name="beneficiary_entry")
    op.drop_table("beneficiary_entry")
    op.drop_table("beneficiary_list")
    op.drop_index("ix_programme_scenario_programme", table_name="programme_scenario")
    op.drop_table("programme_scenario")
    op.drop_table("programme")
