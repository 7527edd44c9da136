"""The sharing slice's tables: agreements and partner clients; DCI transactions; released tables and the
privacy-budget ledger; data-subject requests and restrictions."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, Uuid

from inklusi.db import UtcDateTime, metadata

# --- Agreements, their approvals and partner clients (and their access tokens) ---------------------------


# --- DCI: asynchronous transactions and their callbacks ---------------------------------------------------


# --- Released tables and the privacy-budget ledger ---------------------------------------------------------


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
