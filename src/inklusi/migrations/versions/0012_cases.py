"""Case management: cases (``case_file``) with their categories, phase transitions, assessments and needs,
plans and their items, consents, referrals, transfers, service records, outcomes, notes and break-the-glass
grants; indexed for the worker's inbox and the case page at a million cases. The directory's service id is a
plain column (no foreign key: the directory has migrations of its own).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_file",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=13), nullable=False),
        sa.Column("owner_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_user_id", sa.Uuid(), nullable=True),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("phase_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=True),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("opened_by", sa.Uuid(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "phase IN ('intake', 'assessment', 'planning', 'intervention', 'reintegration', 'monitoring', 'termination', 'aftercare', 'closed')",
            name=op.f("ck_case_file_phase"),
        ),
        sa.CheckConstraint(
            "risk_level IS NULL OR risk_level IN ('low', 'medium', 'high', 'critical')",
            name=op.f("ck_case_file_risk_level"),
        ),
        sa.ForeignKeyConstraint(["area_code"], ["area.code"], name=op.f("fk_case_file_area_code_area")),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"], ["user_account.id"], name=op.f("fk_case_file_assigned_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["user_account.id"], name=op.f("fk_case_file_opened_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_file_owner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_case_file_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file")),
    )
    op.create_index("ix_case_file_area_phase", "case_file", ["area_code", "phase"], unique=False)
    op.create_index(
        "ix_case_file_assigned_follow_up", "case_file", ["assigned_user_id", "follow_up_on"], unique=False
    )
    op.create_index("ix_case_file_assigned_phase", "case_file", ["assigned_user_id", "phase"], unique=False)
    op.create_index("ix_case_file_owner_phase", "case_file", ["owner_organisation_id", "phase"], unique=False)
    op.create_index("ix_case_file_person_id", "case_file", ["person_id"], unique=False)
    op.create_table(
        "case_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "risk_level IN ('low', 'medium', 'high', 'critical')", name=op.f("ck_case_assessment_risk_level")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_assessment_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_assessment_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_case_assessment_recorded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_assessment")),
    )
    op.create_index("ix_case_assessment_case", "case_assessment", ["case_id", "recorded_at"], unique=False)
    op.create_table(
        "case_category",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_category_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("case_id", "category", name=op.f("pk_case_category")),
    )
    op.create_index("ix_case_category_category", "case_category", ["category"], unique=False)
    op.create_table(
        "case_consent",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("recipient_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_kind", sa.String(length=10), nullable=True),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("given_by", sa.String(length=10), nullable=False),
        sa.Column("guardian_name", sa.String(length=200), nullable=True),
        sa.Column("guardian_relationship", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.Uuid(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "given_by = 'self' OR guardian_name IS NOT NULL", name=op.f("ck_case_consent_guardian")
        ),
        sa.CheckConstraint("given_by IN ('self', 'guardian')", name=op.f("ck_case_consent_given_by")),
        sa.CheckConstraint(
            "purpose IN ('referral', 'transfer', 'data_sharing', 'assessment')",
            name=op.f("ck_case_consent_purpose"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_consent_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_case_consent_person_id_person")),
        sa.ForeignKeyConstraint(
            ["recipient_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_consent_recipient_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_case_consent_recorded_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by"], ["user_account.id"], name=op.f("fk_case_consent_withdrawn_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_consent")),
    )
    op.create_index("ix_case_consent_case", "case_consent", ["case_id"], unique=False)
    op.create_table(
        "case_glass",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("owner_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("expires_at > granted_at", name=op.f("ck_case_glass_expiry")),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], name=op.f("fk_case_glass_case_id_case_file")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_case_glass_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_glass_owner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_case_glass_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_glass")),
    )
    op.create_index(
        "ix_case_glass_case_user", "case_glass", ["case_id", "user_id", "expires_at"], unique=False
    )
    op.create_index(
        "ix_case_glass_owner", "case_glass", ["owner_organisation_id", "granted_at"], unique=False
    )
    op.create_table(
        "case_plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.Uuid(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'proposed', 'approved', 'returned', 'superseded')",
            name=op.f("ck_case_plan_status"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], name=op.f("fk_case_plan_case_id_case_file")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_case_plan_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["user_account.id"], name=op.f("fk_case_plan_proposed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_case_plan_recorded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_plan")),
        sa.UniqueConstraint("case_id", "version", name=op.f("uq_case_plan_case_id_version")),
    )
    op.create_table(
        "case_transition",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=24), nullable=False),
        sa.Column("from_phase", sa.String(length=16), nullable=True),
        sa.Column("to_phase", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_case_transition_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_transition_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_transition_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transition")),
    )
    op.create_index("ix_case_transition_case", "case_transition", ["case_id", "at"], unique=False)
    op.create_table(
        "case_need",
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("service_type", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("level IN ('none', 'low', 'medium', 'high')", name=op.f("ck_case_need_level")),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["case_assessment.id"], name=op.f("fk_case_need_assessment_id_case_assessment")
        ),
        sa.PrimaryKeyConstraint("assessment_id", "service_type", name=op.f("pk_case_need")),
    )
    op.create_table(
        "case_plan_item",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("service_type", sa.String(length=40), nullable=False),
        sa.Column("responsible_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("directory_service_id", sa.Uuid(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.CheckConstraint("due_on >= start_on", name=op.f("ck_case_plan_item_dates")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["case_plan.id"], name=op.f("fk_case_plan_item_plan_id_case_plan")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_plan_item_responsible_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("plan_id", "position", name=op.f("pk_case_plan_item")),
    )
    op.create_table(
        "case_referral",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("from_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("to_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("service_type", sa.String(length=40), nullable=False),
        sa.Column("directory_service_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("consent_id", sa.Uuid(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by", sa.Uuid(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected', 'completed', 'revoked')",
            name=op.f("ck_case_referral_status"),
        ),
        sa.CheckConstraint(
            "consent_id IS NOT NULL OR override_reason IS NOT NULL", name=op.f("ck_case_referral_consent")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["user_account.id"], name=op.f("fk_case_referral_accepted_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_referral_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["user_account.id"], name=op.f("fk_case_referral_closed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["case_consent.id"], name=op.f("fk_case_referral_consent_id_case_consent")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_case_referral_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["from_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_referral_from_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_referral_to_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_referral")),
    )
    op.create_index("ix_case_referral_case", "case_referral", ["case_id"], unique=False)
    op.create_index(
        "ix_case_referral_from_status",
        "case_referral",
        ["from_organisation_id", "status", "respond_by"],
        unique=False,
    )
    op.create_index(
        "ix_case_referral_to_status", "case_referral", ["to_organisation_id", "status"], unique=False
    )
    op.create_table(
        "case_transfer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("from_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("to_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("consent_id", sa.Uuid(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.Uuid(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'refused', 'cancelled')", name=op.f("ck_case_transfer_status")
        ),
        sa.CheckConstraint(
            "consent_id IS NOT NULL OR override_reason IS NOT NULL", name=op.f("ck_case_transfer_consent")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_transfer_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["case_consent.id"], name=op.f("fk_case_transfer_consent_id_case_consent")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_case_transfer_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["from_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_transfer_from_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["user_account.id"], name=op.f("fk_case_transfer_proposed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_transfer_to_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transfer")),
    )
    op.create_index("ix_case_transfer_case", "case_transfer", ["case_id"], unique=False)
    op.create_index(
        "ix_case_transfer_to_status", "case_transfer", ["to_organisation_id", "status"], unique=False
    )
    op.create_table(
        "case_note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("written_by", sa.Uuid(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_file.id"], name=op.f("fk_case_note_case_id_case_file")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_case_note_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["case_referral.id"], name=op.f("fk_case_note_referral_id_case_referral")
        ),
        sa.ForeignKeyConstraint(
            ["written_by"], ["user_account.id"], name=op.f("fk_case_note_written_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note")),
    )
    op.create_index("ix_case_note_case", "case_note", ["case_id"], unique=False)
    op.create_table(
        "case_outcome",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("income_before", sa.Integer(), nullable=True),
        sa.Column("income_after", sa.Integer(), nullable=True),
        sa.Column("graduated", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('training_completed', 'enterprise_support', 'income', 'employment', 'graduation', 'other')",
            name=op.f("ck_case_outcome_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_outcome_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_outcome_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_case_outcome_recorded_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["case_referral.id"], name=op.f("fk_case_outcome_referral_id_case_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_outcome")),
    )
    op.create_index("ix_case_outcome_case", "case_outcome", ["case_id"], unique=False)
    op.create_table(
        "case_service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("service_type", sa.String(length=40), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("provider_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=True),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("programme_code", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_service_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["provider_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_service_provider_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_case_service_recorded_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["case_referral.id"], name=op.f("fk_case_service_referral_id_case_referral")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["user_account.id"], name=op.f("fk_case_service_worker_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_service")),
    )
    op.create_index("ix_case_service_case", "case_service", ["case_id"], unique=False)
    op.create_index("ix_case_service_referral", "case_service", ["referral_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_service_referral", table_name="case_service")
    op.drop_index("ix_case_service_case", table_name="case_service")
    op.drop_table("case_service")
    op.drop_index("ix_case_outcome_case", table_name="case_outcome")
    op.drop_table("case_outcome")
    op.drop_index("ix_case_note_case", table_name="case_note")
    op.drop_table("case_note")
    op.drop_index("ix_case_transfer_to_status", table_name="case_transfer")
    op.drop_index("ix_case_transfer_case", table_name="case_transfer")
    op.drop_table("case_transfer")
    op.drop_index("ix_case_referral_to_status", table_name="case_referral")
    op.drop_index("ix_case_referral_from_status", table_name="case_referral")
    op.drop_index("ix_case_referral_case", table_name="case_referral")
    op.drop_table("case_referral")
    op.drop_table("case_plan_item")
    op.drop_table("case_need")
    op.drop_index("ix_case_transition_case", table_name="case_transition")
    op.drop_table("case_transition")
    op.drop_table("case_plan")
    op.drop_index("ix_case_glass_owner", table_name="case_glass")
    op.drop_index("ix_case_glass_case_user", table_name="case_glass")
    op.drop_table("case_glass")
    op.drop_index("ix_case_consent_case", table_name="case_consent")
    op.drop_table("case_consent")
    op.drop_index("ix_case_category_category", table_name="case_category")
    op.drop_table("case_category")
    op.drop_index("ix_case_assessment_case", table_name="case_assessment")
    op.drop_table("case_assessment")
    op.drop_index("ix_case_file_person_id", table_name="case_file")
    op.drop_index("ix_case_file_owner_phase", table_name="case_file")
    op.drop_index("ix_case_file_assigned_phase", table_name="case_file")
    op.drop_index("ix_case_file_assigned_follow_up", table_name="case_file")
    op.drop_index("ix_case_file_area_phase", table_name="case_file")
    op.drop_table("case_file")
