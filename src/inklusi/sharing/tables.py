"""The sharing slice's tables: agreements and partner clients; DCI transactions; released tables and the
privacy-budget ledger; data-subject requests and restrictions."""

from __future__ import annotations

from sqlalchemy import (
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

# --- Agreements, their approvals and partner clients (and their access tokens) ---------------------------
# An agreement's terms are JSON texts (operations with quotas, areas, deciles, PPKS categories, fields with
# transforms); a client's secret and a token's id are stored only as SHA-256 hashes (docs/sharing-core.md).

sharing_agreement = Table(
    "sharing_agreement",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("operations", Text, nullable=False),  # JSON: operation -> rows a day
    Column("areas", Text, nullable=False),  # JSON list of area codes ([]: nationwide)
    Column("deciles", Text, nullable=False),  # JSON list ([]: any)
    Column("ppks_categories", Text, nullable=False),  # JSON list ([]: no PPKS filter)
    Column("fields", Text, nullable=False),  # JSON: field -> transform
    Column("sensitivity_ceiling", String(16), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("retention_days", Integer, nullable=False),
    Column("rate_per_minute", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("drafted_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("approved_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("approved_at", UtcDateTime, nullable=True),
    Column("revoked_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revoked_reason", Text, nullable=True),
    CheckConstraint("status IN ('draft', 'approved', 'revoked')", name="status"),
    Index("ix_sharing_agreement_organisation", "organisation_id"),
)

sharing_client = Table(
    "sharing_client",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("agreement_id", Uuid, ForeignKey("sharing_agreement.id"), nullable=False),
    Column("secret_hash", String(64), nullable=False),  # SHA-256 of a 256-bit random secret
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("rotated_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revoked_reason", Text, nullable=True),
    Column("jwks", Text, nullable=True),  # the partner's public keys (DCI signatures), JSON
    Column("callback_url", String(500), nullable=True),
    Column("rate_window_start", UtcDateTime, nullable=True),  # the current minute's start
    Column("rate_count", Integer, nullable=False),  # requests counted in that minute
    Index("ix_sharing_client_agreement", "agreement_id"),
)

sharing_token = Table(
    "sharing_token",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # SHA-256 of the JWT's jti
    Column("client_pk", Uuid, ForeignKey("sharing_client.id"), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_sharing_token_client", "client_pk"),
)

sharing_usage = Table(
    "sharing_usage",
    metadata,
    Column("agreement_id", Uuid, ForeignKey("sharing_agreement.id"), nullable=False),
    Column("operation", String(16), nullable=False),
    Column("day", Date, nullable=False),
    Column("rows", Integer, nullable=False),
    PrimaryKeyConstraint("agreement_id", "operation", "day"),
)

sharing_pseudonym = Table(
    "sharing_pseudonym",
    metadata,
    Column("agreement_id", Uuid, ForeignKey("sharing_agreement.id"), nullable=False),
    Column("token", String(32), nullable=False),
    Column("field", String(40), nullable=False),
    Column("object_type", String(16), nullable=False),
    Column("object_id", Uuid, nullable=False),
    PrimaryKeyConstraint("agreement_id", "token"),
)


# --- DCI: asynchronous transactions and their callbacks ---------------------------------------------------
# Every DCI message a partner sent (sync and async): its message id (a message is answered once: a replay is
# refused), its transaction, how it ended and, for an asynchronous search, where and how its on-search was
# delivered. The records themselves are never kept: txn/status answers with statuses and counts only.
dci_transaction = Table(
    "dci_transaction",
    metadata,
    Column("id", Uuid, primary_key=True),  # the correlation_id the registry answers with
    Column("client_id", String(120), nullable=False),
    Column("message_id", String(120), nullable=False),
    Column("transaction_id", String(99), nullable=False),
    Column("action", String(20), nullable=False),  # search | txn-status
    Column("mode", String(5), nullable=False),  # sync | async
    Column("status", String(4), nullable=False),  # rcvd | pdng | succ | rjct
    Column("callback_url", String(500), nullable=True),
    Column("callback_status", String(200), nullable=True),  # the callback's HTTP status, or why it failed
    Column("received_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime, nullable=True),
    UniqueConstraint("client_id", "message_id"),
    Index("ix_dci_transaction_client_transaction", "client_id", "transaction_id"),
)
# Each search request of a transaction's batch: its status, why it was rejected, how many rows it found.
dci_request = Table(
    "dci_request",
    metadata,
    Column("transaction_pk", Uuid, ForeignKey("dci_transaction.id"), nullable=False),
    Column("reference_id", String(99), nullable=False),
    Column("status", String(4), nullable=False),
    Column("status_reason_code", String(60), nullable=True),
    Column("page_number", Integer, nullable=True),
    Column("page_size", Integer, nullable=True),
    Column("total_count", Integer, nullable=True),
    PrimaryKeyConstraint("transaction_pk", "reference_id"),
)


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
    Column("statement", Encrypted("sensitive", "subject_request.statement"), nullable=False),
    # how to reach the person with the answer (erasable)
    Column("contact", Encrypted("sensitive", "subject_request.contact"), nullable=True),
    # JSON: a correction's changes, a deletion's items ...
    Column("details", Encrypted("sensitive", "subject_request.details"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("change_request_id", Uuid, nullable=True),
    Column("grievance_id", Uuid, nullable=True),
    # JSON: a deletion's decisions (kept with the reason, or gone)
    Column("decisions", Encrypted("sensitive", "subject_request.decisions"), nullable=False),
    Column("received_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("received_by_name", String(120), nullable=False),
    Column("response", Encrypted("sensitive", "subject_request.response"), nullable=True),
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
