"""The sharing slice's tables: agreements and partner clients; DCI transactions; released tables and the
privacy-budget ledger; data-subject requests and restrictions."""

from __future__ import annotations

# --- Agreements, their approvals and partner clients (and their access tokens) ---------------------------


# --- DCI: asynchronous transactions and their callbacks ---------------------------------------------------


# --- Released tables and the privacy-budget ledger ---------------------------------------------------------


# --- Data-subject requests and restrictions ----------------------------------------------------------------
