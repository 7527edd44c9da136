"""The sharing slice's use cases. What other slices, the edges and the demo may use is exported here."""

from __future__ import annotations

# --- Agreements, partner clients, the partner's reads, pseudonyms and match-only queries -------------------
from inklusi.sharing.projection import SharedHousehold
from inklusi.sharing.service.agreements import (
    AgreementInfo,
    approve_agreement,
    draft_agreement,
    get_agreement,
    list_agreements,
    revoke_agreement,
    today,
)
from inklusi.sharing.service.clients import (
    ClientInfo,
    ClientKeys,
    IssuedClient,
    IssuedToken,
    OAuthError,
    Partner,
    authenticate_partner,
    client_keys,
    issue_client,
    issue_token,
    list_clients,
    revoke_client,
    rotate_secret,
    set_client_keys,
)

# --- DCI Social Registry API --------------------------------------------------------------------------------
from inklusi.sharing.service.dci import REGISTRY_ID as REGISTRY_ID
from inklusi.sharing.service.dci import PendingSearch as PendingSearch
from inklusi.sharing.service.dci import Reply as Reply
from inklusi.sharing.service.dci import async_search as async_search
from inklusi.sharing.service.dci import async_txn_status as async_txn_status
from inklusi.sharing.service.dci import client_token as client_token
from inklusi.sharing.service.dci import deliver as deliver
from inklusi.sharing.service.dci import deliver_status as deliver_status
from inklusi.sharing.service.dci import registry_jwks as registry_jwks
from inklusi.sharing.service.dci import sync_search as sync_search
from inklusi.sharing.service.dci import sync_txn_status as sync_txn_status
from inklusi.sharing.service.partner import (
    LOOKUP_KINDS,
    MAX_PAGE_SIZE,
    Extract,
    ExtractChunk,
    SharedPage,
    SharedQuery,
    check_purpose,
    extract,
    lookup,
    match,
    search,
)

# --- Released tables and the privacy-budget ledger ---------------------------------------------------------


# --- Data-subject requests, breach reports ------------------------------------------------------------------

__all__: list[str] = [
    # core
    "LOOKUP_KINDS",
    "MAX_PAGE_SIZE",
    "AgreementInfo",
    "ClientInfo",
    "ClientKeys",
    "Extract",
    "ExtractChunk",
    "IssuedClient",
    "IssuedToken",
    "OAuthError",
    "Partner",
    "SharedHousehold",
    "SharedPage",
    "SharedQuery",
    "approve_agreement",
    "authenticate_partner",
    "check_purpose",
    "client_keys",
    "draft_agreement",
    "extract",
    "get_agreement",
    "issue_client",
    "issue_token",
    "list_agreements",
    "list_clients",
    "lookup",
    "match",
    "revoke_agreement",
    "revoke_client",
    "rotate_secret",
    "search",
    "set_client_keys",
    "today",
]
