"""The sharing slice's tables: agreements and partner clients; DCI transactions; released tables and the
privacy-budget ledger; data-subject requests and restrictions."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from inklusi.db import UtcDateTime, metadata

# --- Agreements, their approvals and partner clients (and their access tokens) ---------------------------


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


# --- Data-subject requests and restrictions ----------------------------------------------------------------
