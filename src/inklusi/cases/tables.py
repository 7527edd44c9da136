"""The cases slice's tables. A case is ``case_file`` (``case`` is a word of SQL); everything recorded about it
hangs off it by ``case_id``. Rows are added, and states move forward (a referral's, a plan's, the case's
phase, with a ``version`` counted up on every change for optimistic concurrency); nothing is deleted.

The indexes serve the worker's inbox and the case page at a million cases: cases by assigned worker and
phase or follow-up day, by owner organisation and phase, by person and by area; referrals by receiving
organisation and status and by referring organisation, status and answer day; transfers by receiving
organisation and status; break-the-glass grants by case and user, and by owner organisation and day.
The directory's service id is a plain column: the directory is another slice, with its own migrations.
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from inklusi.db import UtcDateTime, metadata
from inklusi.vault import Encrypted

PHASES = (
    "'intake', 'assessment', 'planning', 'intervention', 'reintegration', 'monitoring', 'termination', "
    "'aftercare', 'closed'"
)
RISKS = "'low', 'medium', 'high', 'critical'"


def _actor(prefix: str, *, nullable: bool = True) -> list[Column]:
    """Who did something (a user, None for the system) and when."""
    return [
        Column(f"{prefix}_by", Uuid, ForeignKey("user_account.id"), nullable=True),
        Column(f"{prefix}_at", UtcDateTime, nullable=nullable),
    ]


case_file = Table(
    "case_file",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("person.id"), nullable=False),
    Column("area_code", String(13), ForeignKey("area.code"), nullable=False),  # the person's village/district
    Column("owner_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("assigned_user_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("phase", String(16), nullable=False),
    Column("phase_since", UtcDateTime, nullable=False),
    Column("risk_level", String(10), nullable=True),
    Column("sensitive", Boolean, nullable=False),  # any category sensitive (ppks taxonomy)
    Column("follow_up_on", Date, nullable=True),
    *_actor("opened", nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint(f"phase IN ({PHASES})", name="phase"),
    CheckConstraint(f"risk_level IS NULL OR risk_level IN ({RISKS})", name="risk_level"),
    Index("ix_case_file_assigned_phase", "assigned_user_id", "phase"),
    Index("ix_case_file_assigned_follow_up", "assigned_user_id", "follow_up_on"),
    Index("ix_case_file_owner_phase", "owner_organisation_id", "phase"),
    Index("ix_case_file_person_id", "person_id"),
    Index("ix_case_file_area_phase", "area_code", "phase"),
)

case_category = Table(
    "case_category",
    metadata,
    Column("case_id", Uuid, ForeignKey("case_file.id"), primary_key=True),
    Column("category", String(60), primary_key=True),
    Index("ix_case_category_category", "category"),
)

case_transition = Table(
    "case_transition",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("name", String(24), nullable=False),
    Column("from_phase", String(16), nullable=True),  # None: the case was opened
    Column("to_phase", String(16), nullable=False),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=True),
    Index("ix_case_transition_case", "case_id", "at"),
)

case_assessment = Table(
    "case_assessment",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("risk_level", String(10), nullable=False),
    Column("categories", Text, nullable=False),  # JSON list of the categories confirmed
    Column("summary", Encrypted("sensitive", "case_assessment.summary"), nullable=True),
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=True),
    *_actor("recorded", nullable=False),
    CheckConstraint(f"risk_level IN ({RISKS})", name="risk_level"),
    Index("ix_case_assessment_case", "case_id", "recorded_at"),
)

case_need = Table(
    "case_need",
    metadata,
    Column("assessment_id", Uuid, ForeignKey("case_assessment.id"), primary_key=True),
    Column("service_type", String(40), primary_key=True),
    Column("level", String(8), nullable=False),
    Column("note", Text, nullable=True),
    CheckConstraint("level IN ('none', 'low', 'medium', 'high')", name="level"),
)

case_plan = Table(
    "case_plan",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("goals", Text, nullable=False),  # JSON list of texts
    Column("status", String(12), nullable=False),
    *_actor("recorded", nullable=False),
    *_actor("proposed"),
    *_actor("decided"),  # approved or returned
    Column("decision_reason", Text, nullable=True),
    UniqueConstraint("case_id", "version"),
    CheckConstraint("status IN ('draft', 'proposed', 'approved', 'returned', 'superseded')", name="status"),
)

case_plan_item = Table(
    "case_plan_item",
    metadata,
    Column("plan_id", Uuid, ForeignKey("case_plan.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("service_type", String(40), nullable=False),
    Column("responsible_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("directory_service_id", Uuid, nullable=True),  # the directory's service (another slice)
    Column("start_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    CheckConstraint("due_on >= start_on", name="dates"),
)

case_consent = Table(
    "case_consent",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("person_id", Uuid, ForeignKey("person.id"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("recipient_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=True),
    Column("recipient_kind", String(10), nullable=True),
    Column("scope", Text, nullable=False),
    Column("given_on", Date, nullable=False),
    Column("expires_on", Date, nullable=True),
    Column("given_by", String(10), nullable=False),
    Column("guardian_name", String(200), nullable=True),
    Column("guardian_relationship", String(200), nullable=True),
    *_actor("recorded", nullable=False),
    *_actor("withdrawn"),
    CheckConstraint("purpose IN ('referral', 'transfer', 'data_sharing', 'assessment')", name="purpose"),
    CheckConstraint("given_by IN ('self', 'guardian')", name="given_by"),
    CheckConstraint("given_by = 'self' OR guardian_name IS NOT NULL", name="guardian"),
    Index("ix_case_consent_case", "case_id"),
)

case_referral = Table(
    "case_referral",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("from_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("to_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("service_type", String(40), nullable=False),
    Column("directory_service_id", Uuid, nullable=True),  # the directory's service (another slice)
    Column("status", String(10), nullable=False),
    Column("reason", Text, nullable=False),  # why the person is referred
    Column("respond_by", Date, nullable=False),
    Column("consent_id", Uuid, ForeignKey("case_consent.id"), nullable=True),
    Column("override_reason", Text, nullable=True),  # referred without consent (cases:consent_override)
    *_actor("created", nullable=False),
    *_actor("accepted"),
    *_actor("closed"),  # completed, rejected or revoked
    Column("close_reason", Text, nullable=True),  # a rejection's or a revocation's reason
    CheckConstraint("status IN ('pending', 'accepted', 'rejected', 'completed', 'revoked')", name="status"),
    CheckConstraint("consent_id IS NOT NULL OR override_reason IS NOT NULL", name="consent"),
    Index("ix_case_referral_case", "case_id"),
    Index("ix_case_referral_to_status", "to_organisation_id", "status"),
    Index("ix_case_referral_from_status", "from_organisation_id", "status", "respond_by"),
)

case_transfer = Table(
    "case_transfer",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("from_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("to_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("consent_id", Uuid, ForeignKey("case_consent.id"), nullable=True),
    Column("override_reason", Text, nullable=True),
    *_actor("proposed", nullable=False),
    *_actor("decided"),
    Column("decision_reason", Text, nullable=True),
    CheckConstraint("status IN ('pending', 'accepted', 'refused', 'cancelled')", name="status"),
    CheckConstraint("consent_id IS NOT NULL OR override_reason IS NOT NULL", name="consent"),
    Index("ix_case_transfer_case", "case_id"),
    Index("ix_case_transfer_to_status", "to_organisation_id", "status"),
)

case_service = Table(
    "case_service",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("service_type", String(40), nullable=False),
    Column("delivered_on", Date, nullable=False),
    Column("provider_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("worker_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("referral_id", Uuid, ForeignKey("case_referral.id"), nullable=True),
    Column("programme_code", String(40), nullable=True),
    Column("note", Text, nullable=True),
    *_actor("recorded", nullable=False),
    Index("ix_case_service_case", "case_id"),
    Index("ix_case_service_referral", "referral_id"),
)

case_outcome = Table(
    "case_outcome",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("income_before", Integer, nullable=True),  # rupiah a month
    Column("income_after", Integer, nullable=True),
    Column("graduated", Boolean, nullable=False),
    Column("note", Text, nullable=True),
    Column("referral_id", Uuid, ForeignKey("case_referral.id"), nullable=True),
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=True),
    *_actor("recorded", nullable=False),
    CheckConstraint(
        "kind IN ('training_completed', 'enterprise_support', 'income', 'employment', 'graduation', 'other')",
        name="kind",
    ),
    Index("ix_case_outcome_case", "case_id"),
)

case_note = Table(
    "case_note",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("referral_id", Uuid, ForeignKey("case_referral.id"), nullable=True),  # written under a referral
    Column("text", Encrypted("sensitive", "case_note.text"), nullable=False),
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=True),
    *_actor("written", nullable=False),
    Index("ix_case_note_case", "case_id"),
)

case_glass = Table(
    "case_glass",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("case_file.id"), nullable=False),
    Column("user_id", Uuid, ForeignKey("user_account.id"), nullable=False),
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=True),  # the user's
    Column("owner_organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),  # notified
    Column("reason", Text, nullable=False),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    CheckConstraint("expires_at > granted_at", name="expiry"),
    Index("ix_case_glass_case_user", "case_id", "user_id", "expires_at"),
    Index("ix_case_glass_owner", "owner_organisation_id", "granted_at"),
)
