"""The sharing slice's use cases. What other slices, the edges and the demo may use is exported here."""

from __future__ import annotations

# --- Agreements, partner clients, the partner's reads, pseudonyms and match-only queries -------------------
# --- DCI Social Registry API --------------------------------------------------------------------------------
from inklusi.sharing.service.dci import REGISTRY_ID as REGISTRY_ID
from inklusi.sharing.service.dci import PendingSearch as PendingSearch
from inklusi.sharing.service.dci import Reply as Reply
from inklusi.sharing.service.dci import async_search as async_search
from inklusi.sharing.service.dci import client_token as client_token
from inklusi.sharing.service.dci import deliver as deliver
from inklusi.sharing.service.dci import registry_jwks as registry_jwks
from inklusi.sharing.service.dci import sync_search as sync_search
from inklusi.sharing.service.dci import sync_txn_status as sync_txn_status

# --- Released tables and the privacy-budget ledger ---------------------------------------------------------


# --- Data-subject requests, breach reports ------------------------------------------------------------------

__all__: list[str] = []
