"""The sharing slice's tables: agreements and partner clients; DCI transactions; released tables and the
privacy-budget ledger; data-subject requests and restrictions."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Index, Integer, String, Table, Text, Uuid

from inklusi.db import UtcDateTime, metadata

# --- Agreements, their approvals and partner clients (and their access tokens) ---------------------------


# --- DCI: asynchronous transactions and their callbacks ---------------------------------------------------


# --- Released tables and the privacy-budget ledger ---------------------------------------------------------
# ``scope`` is "public" for public releases, else the agreement's id as text: a key without nulls, so that
# the ledger has exactly one line per dataset and agreement. Epsilon in thousandths (whole numbers: sums
# are exact). A release is immutable; the ledger line is locked (FOR UPDATE) while a release spends.

sharing_privacy_budget = Table(
    "sharing_privacy_budget",
    metadata,
    Column("dataset", String(40), primary_key=True),
    Column("scope", String(36), primary_key=True),
    Column("agreement_id", Uuid, nullable=True),
    Column("budget_milli", Integer, nullable=False),
    Column("spent_milli", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("spent_milli >= 0 AND spent_milli <= budget_milli", name="within_budget"),
)

sharing_release = Table(
    "sharing_release",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("dataset", String(40), nullable=False),
    Column("scope", String(36), nullable=False),
    Column("agreement_id", Uuid, nullable=True),
    Column("parameters_key", String(64), nullable=False),  # SHA-256 of the canonical parameters
    Column("parameters", Text, nullable=False),  # JSON: level, categories, epsilon, source
    Column("unit", String(16), nullable=False),
    Column("level", String(10), nullable=False),
    Column("source", String(80), nullable=False),  # the data read: the welfare run or the PPKS run
    Column("epsilon_milli", Integer, nullable=False),
    Column("sensitivity", Integer, nullable=False),
    Column("scale", Float, nullable=False),
    Column("accuracy", Integer, nullable=False),  # 95 % half-width of a cell's noise
    Column("table", Text, nullable=False),  # JSON: rows, columns, values (null where suppressed), thresholds
    Column("cells", Integer, nullable=False),
    Column("suppressed", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("actor_name", String(120), nullable=False),
    Index("uq_sharing_release_request", "dataset", "scope", "parameters_key", unique=True),
    Index("ix_sharing_release_created", "created_at"),
)


# --- Data-subject requests and restrictions ----------------------------------------------------------------

# A request of a data subject (UU 27/2022), handled by staff for a person of the registry; what it led to
# (a change request, a grievance, a restriction, deletion decisions) and how it was answered.
subject_request = Table(
    "subject_request",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("household_id", Uuid, nullable=True),
    Column("village_code", String(13), nullable=False),  # where the person lived at receipt: the scope
    Column("received_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("statement", Text, nullable=False),
    Column("contact", Text, nullable=True),  # how to reach the person with the answer (erasable)
    Column("details", Text, nullable=False),  # JSON: a correction's changes, a deletion's items ...
    Column("status", String(16), nullable=False),
    Column("change_request_id", Uuid, nullable=True),
    Column("grievance_id", Uuid, nullable=True),
    Column("decisions", Text, nullable=False),  # JSON: a deletion's decisions (kept with the reason, or gone)
    Column("received_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("received_by_name", String(120), nullable=False),
    Column("response", Text, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("closed_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("closed_by_name", String(120), nullable=True),
    CheckConstraint(
        "kind IN ('access', 'correction', 'objection', 'restriction', 'deletion')", name="kind_known"
    ),
    CheckConstraint("status IN ('received', 'in_progress', 'answered', 'refused')", name="status_known"),
    Index("ix_subject_request_person", "person_id"),
    Index("ix_subject_request_open", "status", "due_at"),
)

# A person hidden from partners' results and released person-level data while ``ended_at`` is empty.
subject_restriction = Table(
    "subject_restriction",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("request_id", Uuid, ForeignKey("subject_request.id"), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("ended_request_id", Uuid, ForeignKey("subject_request.id"), nullable=True),
    Index("ix_subject_restriction_person", "person_id", "ended_at"),
)
