"""The sharing slice's use cases. What other slices, the edges and the demo may use is exported here."""

from __future__ import annotations

# --- Agreements, partner clients, the partner's reads, pseudonyms and match-only queries -------------------


# --- DCI Social Registry API --------------------------------------------------------------------------------


# --- Released tables and the privacy-budget ledger ---------------------------------------------------------


# --- Data-subject requests, breach reports ------------------------------------------------------------------

__all__: list[str] = []
