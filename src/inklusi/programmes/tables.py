"""The programmes slice's tables: stored programme specifications (one row per version), saved scenarios
(a simulation's outcome over the registry), frozen beneficiary lists and their entries, village
deliberation (FKP) meetings with their decisions, and grievances.

Lists and entries are immutable: the store has no update path for them. A list records what it was built
from (the scenario, the spec's key, the welfare run, the registry's snapshot moment) and each entry the
household as it stood at the freeze (its head's name included), so later registry edits change nothing."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from inklusi.db import UtcDateTime, metadata
from inklusi.vault import Encrypted

programme = Table(
    "programme",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(60), nullable=False),
    Column("version", Integer, nullable=False),
    Column("spec", Text, nullable=False),  # the ProgrammeSpec as JSON
    Column("label_id", String(200), nullable=False),
    Column("label_en", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    UniqueConstraint("name", "version"),
)

programme_scenario = Table(
    "programme_scenario",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("programme_id", Uuid, ForeignKey("programme.id"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("budget", Float, nullable=True),  # Rupiah per year; null: every eligible household
    Column("welfare_run_id", Uuid, ForeignKey("welfare_run.id"), nullable=True),
    Column("registry_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("result", Text, nullable=False),  # the Outcome as JSON
    Index("ix_programme_scenario_programme", "programme_id", "created_at"),
)

beneficiary_list = Table(
    "beneficiary_list",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("scenario_id", Uuid, ForeignKey("programme_scenario.id"), nullable=False),
    Column("programme_id", Uuid, ForeignKey("programme.id"), nullable=False),
    Column("spec_key", String(80), nullable=False),
    Column("cycle", String(60), nullable=False),
    Column("welfare_run_id", Uuid, ForeignKey("welfare_run.id"), nullable=True),
    Column("registry_at", UtcDateTime, nullable=False),
    Column("frozen_at", UtcDateTime, nullable=False),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("households", Integer, nullable=False),
    Column("people", Integer, nullable=False),
    Column("cost", Float, nullable=False),
    UniqueConstraint("programme_id", "cycle"),
)

beneficiary_entry = Table(
    "beneficiary_entry",
    metadata,
    Column("list_id", Uuid, ForeignKey("beneficiary_list.id"), nullable=False),
    Column("household_id", Uuid, ForeignKey("household.id"), nullable=False),
    Column("village_code", String(13), nullable=False),
    Column("people", Integer, nullable=False),
    Column("score", Float, nullable=True),
    Column("national_decile", Integer, nullable=True),
    Column("benefit", Float, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("head_name", String(200), nullable=True),  # as at the freeze
    PrimaryKeyConstraint("list_id", "household_id"),
    Index("ix_beneficiary_entry_village", "list_id", "village_code"),
)

fkp_meeting = Table(
    "fkp_meeting",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("list_id", Uuid, ForeignKey("beneficiary_list.id"), nullable=False),
    Column("village_code", String(13), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("place", String(200), nullable=False),
    # JSON [{"name", "role"}]
    Column("attendance", Encrypted("sensitive", "fkp_meeting.attendance"), nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("minutes", Encrypted("sensitive", "fkp_meeting.minutes"), nullable=False),
    Column("recorded_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_fkp_meeting_list", "list_id", "village_code"),
)

grievance = Table(
    "grievance",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("household_id", Uuid, ForeignKey("household.id"), nullable=False),
    Column("village_code", String(13), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("list_id", Uuid, ForeignKey("beneficiary_list.id"), nullable=True),
    Column("meeting_id", Uuid, ForeignKey("fkp_meeting.id"), nullable=True),
    Column("statement", Encrypted("sensitive", "grievance.statement"), nullable=False),
    Column("evidence", Encrypted("sensitive", "grievance.evidence"), nullable=False),
    Column("submitted_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("submitted_by_name", String(120), nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("decided_by_name", String(120), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decision_note", Encrypted("sensitive", "grievance.decision_note"), nullable=True),
    Column("reassessment", Boolean, nullable=False),
    CheckConstraint("kind IN ('ranking', 'exclusion', 'inclusion')", name="kind"),
    CheckConstraint("status IN ('submitted', 'upheld', 'dismissed')", name="status"),
    Index("ix_grievance_status", "status", "village_code"),
    Index("ix_grievance_household", "household_id"),
)

fkp_decision = Table(
    "fkp_decision",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("meeting_id", Uuid, ForeignKey("fkp_meeting.id"), nullable=False),
    Column("household_id", Uuid, ForeignKey("household.id"), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("reason", Encrypted("sensitive", "fkp_decision.reason"), nullable=False),
    Column("change_request_id", Uuid, ForeignKey("change_request.id"), nullable=True),
    Column("grievance_id", Uuid, ForeignKey("grievance.id"), nullable=True),
    CheckConstraint("decision IN ('confirm', 'remove', 'add')", name="decision"),
    Index("ix_fkp_decision_meeting", "meeting_id"),
)
