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
