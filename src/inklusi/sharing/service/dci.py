"""The DCI Social Registry API's use cases: the OAuth2 token of ``authz_core_api``, the synchronous search and
transaction status, and the asynchronous search whose ``on-search`` is delivered, signed, to the partner's
registered callback URL.

Every request is admitted the same way, in this order: the partner's access token (``authenticate_partner``:
an expired or revoked agreement or client is refused on the very next request), the envelope, the sender
(``header.sender_id`` is the token's client), the signature (against the JWKS registered on the client), a
message id not seen before. Every search then goes through the core's ``lookup``/``search``: the agreement's
rows and fields, its quotas, the purpose and the audit apply exactly as on the partner API. Responses are
signed with the registry's own key (``signing.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import httpx

from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, InklusiError, TooManyRequests, Unauthenticated
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.sharing import dci
from inklusi.sharing.dci import Action, DciError, ErrorCode, IdQuery, Reason, Rejected, SearchItem
from inklusi.sharing.service.clients import (
    ClientKeys,
    OAuthError,
    Partner,
    authenticate_partner,
    client_keys,
    issue_token,
)
from inklusi.sharing.service.partner import SharedPage, SharedQuery, lookup, search
from inklusi.sharing.service.signing import published_jwks, signing_key
from inklusi.sharing.store import transactions as store

REGISTRY_ID = "inklusi"  # this registry's sender_id (and the receiver_id partners may name)
CALLBACK_TIMEOUT = 10.0  # seconds

Json = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """An HTTP status and a JSON body, as the specification shapes it."""

    status: int
    body: Json


@dataclass(frozen=True)
class PendingSearch:
    """An acknowledged asynchronous search, to be answered by :func:`deliver`."""

    partner: Partner
    correlation_id: UUID
    transaction_id: str
    items: tuple[SearchItem | Rejected, ...]
    callback_url: str


# --- Admission -------------------------------------------------------------------------------------------


def _partner(ctx: Context, access_token: str | None) -> Partner:
    if not access_token:
        raise DciError(
            ErrorCode.unauthorized, msg("Send an access token: Authorization: Bearer <token>"), status=401
        )
    try:
        return authenticate_partner(ctx, access_token)
    except Forbidden as error:
        raise DciError(ErrorCode.forbidden, error.text, status=403) from None
    except TooManyRequests as error:
        raise DciError(ErrorCode.too_many_requests, error.text, status=429) from None
    except Unauthenticated as error:
        raise DciError(ErrorCode.unauthorized, error.text, status=401) from None


def _admit(
    ctx: Context, access_token: str | None, body: object, action: Action, now: datetime
) -> tuple[Partner, dci.Envelope, ClientKeys]:
    partner = _partner(ctx, access_token)
    envelope = dci.parse_envelope(body, action)
    if envelope.sender_id != partner.client_id:
        raise DciError(
            ErrorCode.sender_id,
            msg("header.sender_id must be your client id {id}", id=partner.client_id),
            status=403,
        )
    if envelope.receiver_id not in (None, REGISTRY_ID):
        raise DciError(ErrorCode.receiver_id, msg("header.receiver_id must be {id}", id=REGISTRY_ID))
    keys = client_keys(ctx, partner.client_id)
    dci.verify(
        envelope.signature,
        header=envelope.header,
        message=envelope.message,
        jwks=keys.jwks,
        sender_id=partner.client_id,
        now=now,
    )
    with ctx.transaction(readonly=True) as conn:
        if store.message_seen(conn, partner.client_id, envelope.message_id):
            raise DciError(
                ErrorCode.bad,
                msg("Message {id} was received before: send each message once", id=envelope.message_id),
                header_reason=dci.HeaderReason.message_id_duplicate,
            )
    return partner, envelope, keys


def _signed(
    ctx: Context,
    action: Action,
    message: Json | None,
    now: datetime,
    *,
    receiver_id: str | None,
    entries: Sequence[Mapping[str, Any]] = (),
    error: DciError | None = None,
) -> Json:
    header = dci.callback_header(
        message_id=str(new_id()),
        action=action,
        now=now,
        sender_id=REGISTRY_ID,
        receiver_id=receiver_id,
        entries=entries,
        reason=error.header_reason if error else None,
        reason_text=error.text if error else None,
        refused=error is not None,
    )
    key, kid = signing_key(ctx)
    body: Json = {
        "signature": dci.sign(key, sender_id=REGISTRY_ID, kid=kid, header=header, message=message, now=now),
        "header": header,
    }
    if message is not None:
        body["message"] = message
    return body


def _sync_refusal(ctx: Context, error: DciError, action: Action, now: datetime) -> Reply:
    """A 401/403 is the specification's ``HttpErrorResponse``; any other refusal of a synchronous request
    is its response envelope with a ``rjct`` header (and the same ``errors``)."""
    errors = dci.http_errors(error.code, error.text)
    if error.status in (401, 403):
        return Reply(error.status, errors)
    return Reply(error.status, {**_signed(ctx, action, None, now, receiver_id=None, error=error), **errors})


def _async_refusal(error: DciError, correlation_id: UUID, now: datetime) -> Reply:
    """A 401/403 is the ``HttpErrorResponse``; any other is the acknowledgement ``ERR`` (and ``errors``)."""
    errors = dci.http_errors(error.code, error.text)
    if error.status in (401, 403):
        return Reply(error.status, errors)
    return Reply(error.status, {**dci.acknowledgement(str(correlation_id), now, error), **errors})


# --- Answering searches ----------------------------------------------------------------------------------


def _read(ctx: Context, partner: Partner, item: SearchItem) -> SharedPage:
    if isinstance(item.query, IdQuery):
        return lookup(ctx, partner, purpose=item.purpose, by=item.query.by, value=item.query.value)
    query = SharedQuery(item.query.area_code, item.query.deciles, item.query.ppks_categories)
    return search(ctx, partner, purpose=item.purpose, query=query, page=item.page, page_size=item.page_size)


def _answer(
    ctx: Context, partner: Partner, items: Sequence[SearchItem | Rejected], now: datetime
) -> tuple[list[Json], list[Json]]:
    """Each request's ``search_response`` entry, and its row for the transaction's record."""
    transforms = {name: transform.value for name, transform in partner.agreement.fields.items()}
    entries: list[Json] = []
    for item in items:
        if isinstance(item, Rejected):
            entries.append(dci.rejected(item.reference_id, item.reason, item.text, now, item.locale))
            continue
        try:
            page = _read(ctx, partner, item)
        except TooManyRequests as error:  # the agreement's daily quota
            entries.append(
                dci.rejected(item.reference_id, Reason.too_many_records, error.text, now, item.locale)
            )
            continue
        except InklusiError as error:  # outside the agreement (Forbidden, with the reason), or not answerable
            reason = Reason.search_criteria_invalid
            entries.append(dci.rejected(item.reference_id, reason, error.text, now, item.locale))
            continue
        households = list(page.households)
        if item.sort:
            if page.page > 1 or page.total > len(households):
                text = msg("Sorting is only possible when the whole result fits on one page (page_size)")
                entries.append(dci.rejected(item.reference_id, Reason.sort_invalid, text, now, item.locale))
                continue
            households = dci.sorted_households(households, item.sort)
        records = dci.records(households, item, transforms)
        entry = dci.answered(item, now, records, total=page.total, page=page.page, page_size=page.page_size)
        if page.withheld:  # what the agreement left out is said, never trimmed silently
            entry["status_reason_message"] = "; ".join(text.render("en") for text in page.withheld)[:999]
        entries.append(entry)
    rows = [
        {
            "reference_id": entry["reference_id"],
            "status": entry["status"],
            "status_reason_code": entry.get("status_reason_code"),
            "page_number": entry.get("pagination", {}).get("page_number"),
            "page_size": entry.get("pagination", {}).get("page_size"),
            "total_count": entry.get("pagination", {}).get("total_count"),
        }
        for entry in entries
    ]
    return entries, rows


def _outcome(entries: Sequence[Mapping[str, Any]]) -> str:
    return "succ" if any(entry["status"] == "succ" for entry in entries) else "rjct"


def _record(
    ctx: Context,
    partner: Partner,
    envelope: dci.Envelope,
    transaction_id: str,
    *,
    correlation_id: UUID,
    action: Action,
    mode: str,
    status: str,
    now: datetime,
    rows: Sequence[Mapping[str, Any]] = (),
    callback_url: str | None = None,
) -> None:
    row = {
        "id": correlation_id,
        "client_id": partner.client_id,
        "message_id": envelope.message_id[:120],
        "transaction_id": transaction_id,
        "action": action.value,
        "mode": mode,
        "status": status,
        "callback_url": callback_url,
        "received_at": now,
        "completed_at": None if status in ("rcvd", "pdng") else now,
    }
    with ctx.transaction() as conn:
        store.insert_transaction(conn, row, rows)


def sync_search(ctx: Context, access_token: str | None, body: object) -> Reply:
    """``POST /registry/sync/search``: the search response, signed."""
    now, correlation_id = utcnow(), new_id()
    try:
        partner, envelope, _keys = _admit(ctx, access_token, body, Action.search, now)
        transaction_id, items = dci.parse_search(envelope)
    except DciError as error:
        return _sync_refusal(ctx, error, Action.on_search, now)
    entries, rows = _answer(ctx, partner, items, now)
    _record(
        ctx, partner, envelope, transaction_id, correlation_id=correlation_id, action=Action.search,
        mode="sync", status=_outcome(entries), now=now, rows=rows,
    )  # fmt: skip
    message = dci.search_response(transaction_id, str(correlation_id), entries)
    return Reply(
        200, _signed(ctx, Action.on_search, message, now, receiver_id=partner.client_id, entries=entries)
    )


def async_search(ctx: Context, access_token: str | None, body: object) -> tuple[Reply, PendingSearch | None]:
    """``POST /registry/search``: the acknowledgement now; :func:`deliver` answers to the callback."""
    now, correlation_id = utcnow(), new_id()
    try:
        partner, envelope, keys = _admit(ctx, access_token, body, Action.search, now)
        transaction_id, items = dci.parse_search(envelope)
        if not keys.callback_url:
            raise DciError(
                ErrorCode.sender_uri,
                msg(
                    "No callback URL is registered for client {id}: ask the registry to register it",
                    id=partner.client_id,
                ),
            )
        if envelope.sender_uri not in (None, keys.callback_url):
            raise DciError(
                ErrorCode.sender_uri,
                msg("header.sender_uri must be the callback URL registered for the client, or be left out"),
            )
    except DciError as error:
        return _async_refusal(error, correlation_id, now), None
    rows = [{"reference_id": item.reference_id, "status": "pdng"} for item in items]
    _record(
        ctx, partner, envelope, transaction_id, correlation_id=correlation_id, action=Action.search,
        mode="async", status="pdng", now=now, rows=rows, callback_url=keys.callback_url,
    )  # fmt: skip
    pending = PendingSearch(partner, correlation_id, transaction_id, tuple(items), keys.callback_url)
    return Reply(200, dci.acknowledgement(str(correlation_id), now)), pending


def _post(url: str, body: Json, transport: httpx.BaseTransport | None) -> str:
    """POST a signed callback; its HTTP status, or why it could not be delivered."""
    try:
        with httpx.Client(transport=transport, timeout=CALLBACK_TIMEOUT, follow_redirects=False) as client:
            return str(client.post(url, json=body).status_code)
    except httpx.HTTPError as error:
        return f"not delivered: {type(error).__name__}"


def deliver(ctx: Context, pending: PendingSearch, transport: httpx.BaseTransport | None = None) -> str:
    """Answer an acknowledged search and POST the signed ``on-search`` to the partner's callback URL; the
    transaction records the outcome and the callback's HTTP status (or why it could not be delivered)."""
    now = utcnow()
    entries, rows = _answer(ctx, pending.partner, pending.items, now)
    message = dci.search_response(pending.transaction_id, str(pending.correlation_id), entries)
    body = _signed(
        ctx, Action.on_search, message, now, receiver_id=pending.partner.client_id, entries=entries
    )
    callback_status = _post(pending.callback_url, body, transport)
    with ctx.transaction() as conn:
        store.complete_transaction(
            conn, pending.correlation_id, status=_outcome(entries), completed_at=utcnow(), requests=rows,
            callback_status=callback_status[:200],
        )  # fmt: skip
    return callback_status


# --- Transaction status ------------------------------------------------------------------------------------


def _status_of(ctx: Context, client_id: str, query: dci.TxnQuery) -> Json | None:
    """The partner's own transaction the query names, as ``txn_status`` (statuses and counts, no records)."""
    with ctx.transaction(readonly=True) as conn:
        if query.attribute_type == "transaction_id":
            row = store.find_transaction(conn, client_id, transaction_id=query.values[0])
        elif query.attribute_type == "correlation_id":
            try:
                row = store.find_transaction(conn, client_id, correlation_id=UUID(query.values[0]))
            except ValueError:
                row = None
        else:
            row = store.transaction_with_reference(conn, client_id, query.values)
        requests = store.requests_of(conn, row["id"]) if row is not None else []
    if row is None:
        return None
    wanted = set(query.values) if query.attribute_type == "reference_id_list" else None
    moment = dci.timestamp(row["completed_at"] or row["received_at"])
    entries = []
    for request in requests:
        if wanted is not None and request["reference_id"] not in wanted:
            continue
        entry: Json = {
            "reference_id": request["reference_id"],
            "timestamp": moment,
            "status": request["status"],
        }
        if request["status_reason_code"]:
            entry["status_reason_code"] = request["status_reason_code"]
        if request["total_count"] is not None:
            entry["pagination"] = {
                "page_size": request["page_size"],
                "page_number": request["page_number"],
                "total_count": request["total_count"],
            }
        entries.append(entry)
    return {
        "transaction_id": row["transaction_id"],
        "correlation_id": str(row["id"]),
        "search_response": entries,
    }


def sync_txn_status(ctx: Context, access_token: str | None, body: object) -> Reply:
    """``POST /registry/sync/txn/status``: the status of one of the partner's own search transactions."""
    now, correlation_id = utcnow(), new_id()
    try:
        partner, envelope, _keys = _admit(ctx, access_token, body, Action.txn_status, now)
        query = dci.parse_txn_status(envelope)
    except DciError as error:
        return _sync_refusal(ctx, error, Action.txn_on_status, now)
    found = _status_of(ctx, partner.client_id, query)
    _record(
        ctx, partner, envelope, query.transaction_id, correlation_id=correlation_id,
        action=Action.txn_status, mode="sync", status="succ", now=now,
    )  # fmt: skip
    message = dci.txn_status_response(query, str(correlation_id), found, now)
    return Reply(200, _signed(ctx, Action.txn_on_status, message, now, receiver_id=partner.client_id))


@dataclass(frozen=True)
class PendingStatus:
    """An acknowledged asynchronous status request: its signed ``txn-on-status``, to be POSTed."""

    callback_url: str
    body: Json


def async_txn_status(
    ctx: Context, access_token: str | None, body: object
) -> tuple[Reply, PendingStatus | None]:
    """``POST /registry/txn/status``: the acknowledgement now; :func:`deliver_status` sends the answer."""
    now, correlation_id = utcnow(), new_id()
    try:
        partner, envelope, keys = _admit(ctx, access_token, body, Action.txn_status, now)
        query = dci.parse_txn_status(envelope)
        if not keys.callback_url or envelope.sender_uri not in (None, keys.callback_url):
            raise DciError(
                ErrorCode.sender_uri,
                msg("header.sender_uri must be the callback URL registered for the client, or be left out"),
            )
    except DciError as error:
        return _async_refusal(error, correlation_id, now), None
    found = _status_of(ctx, partner.client_id, query)
    _record(
        ctx, partner, envelope, query.transaction_id, correlation_id=correlation_id,
        action=Action.txn_status, mode="async", status="succ", now=now, callback_url=keys.callback_url,
    )  # fmt: skip
    message = dci.txn_status_response(query, str(correlation_id), found, now)
    answer = _signed(ctx, Action.txn_on_status, message, now, receiver_id=partner.client_id)
    return Reply(200, dci.acknowledgement(str(correlation_id), now)), PendingStatus(keys.callback_url, answer)


def deliver_status(pending: PendingStatus, transport: httpx.BaseTransport | None = None) -> str:
    """POST the signed ``txn-on-status`` to the partner's registered callback URL."""
    return _post(pending.callback_url, pending.body, transport)


# --- The token endpoint and the key set -------------------------------------------------------------------


def client_token(ctx: Context, form: Mapping[str, str]) -> Reply:
    """``POST /oauth2/client/token`` (``authz_core_api``): RFC 6749 client credentials through the core's
    ``issue_token``; an error is RFC 6749's (``error``, ``error_description``) with the spec's ``errors``."""
    if form.get("grant_type") != "client_credentials":
        text = msg("grant_type must be client_credentials")
        return Reply(400, {"error": "unsupported_grant_type", "error_description": text.render("en"),
                           **dci.http_errors(ErrorCode.bad, text)})  # fmt: skip
    try:
        issued = issue_token(ctx, form.get("client_id", ""), form.get("client_secret", ""))
    except OAuthError as error:
        code = ErrorCode.unauthorized if error.status == 401 else ErrorCode.forbidden
        return Reply(error.status, {"error": error.error, "error_description": error.text.render("en"),
                                    **dci.http_errors(code, error.text)})  # fmt: skip
    except TooManyRequests as error:
        return Reply(429, dci.http_errors(ErrorCode.too_many_requests, error.text))
    body = {
        "access_token": issued.access_token,
        "token_type": issued.token_type,
        "expires_in": str(issued.expires_in),
    }
    return Reply(200, body)


def registry_jwks(ctx: Context) -> Json:
    """The key set partners verify the registry's signatures with (``jwks_core_api``)."""
    return published_jwks(ctx)
