"""Responses: answered and rejected searches, the callback header, acknowledgements, HTTP errors, and
transaction status. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from inklusi.i18n import Text, msg
from inklusi.sharing.dci.envelope import Envelope
from inklusi.sharing.dci.protocol import (
    VERSION,
    Action,
    DciError,
    ErrorCode,
    HeaderReason,
    Json,
    Reason,
    valid_id,
)
from inklusi.sharing.dci.search import SearchItem


def timestamp(now: datetime) -> str:
    return now.isoformat().replace("+00:00", "Z")


def answered(
    item: SearchItem, now: datetime, reg_records: list[Json], *, total: int, page: int, page_size: int
) -> Json:
    entry: Json = {
        "reference_id": item.reference_id,
        "timestamp": timestamp(now),
        "status": "succ",
        "data": {"version": VERSION, "reg_records": reg_records},
        "pagination": {"page_size": page_size, "page_number": page, "total_count": total},
    }
    if item.locale:
        entry["locale"] = item.locale
    return entry


def rejected(reference_id: str, reason: Reason, text: Text, now: datetime, locale: str | None = None) -> Json:
    entry: Json = {
        "reference_id": reference_id,
        "timestamp": timestamp(now),
        "status": "rjct",
        "status_reason_code": reason.value,
        "status_reason_message": text.render("en")[:999],
    }
    if locale:
        entry["locale"] = locale
    return entry


def search_response(transaction_id: str, correlation_id: str, entries: list[Json]) -> Json:
    return {"transaction_id": transaction_id, "correlation_id": correlation_id, "search_response": entries}


def callback_header(
    *,
    message_id: str,
    action: Action,
    now: datetime,
    sender_id: str,
    receiver_id: str | None,
    entries: Sequence[Mapping[str, Any]] = (),
    reason: HeaderReason | None = None,
    reason_text: Text | None = None,
    refused: bool = False,
) -> Json:
    """``MsgCallbackHeader_V1.0.0`` of a response: ``succ`` when every request succeeded, ``rjct`` when
    none did (or the message as a whole was refused), ``succ`` with counts in between."""
    done = sum(1 for entry in entries if entry.get("status") == "succ")
    status = "rjct" if refused or reason is not None or (entries and done == 0) else "succ"
    header: Json = {
        "version": VERSION,
        "message_id": message_id,
        "message_ts": timestamp(now),
        "action": action.value,
        "status": status,
        "total_count": len(entries),
        "completed_count": len(entries),
        "sender_id": sender_id,
        "is_msg_encrypted": False,
    }
    if receiver_id:
        header["receiver_id"] = receiver_id
    if reason is not None:
        header["status_reason_code"] = reason.value
    if reason_text is not None:
        header["status_reason_message"] = reason_text.render("en")[:999]
    return header


def acknowledgement(correlation_id: str, now: datetime, error: DciError | None = None) -> Json:
    """The ``Response`` of an asynchronous request: ACK, or ERR with the specification's error code."""
    message: Json = {
        "ack_status": "ERR" if error else "ACK",
        "timestamp": timestamp(now),
        "correlation_id": correlation_id,
    }
    if error is not None:
        message["error"] = {"code": error.code.value, "message": error.text.render("en")[:999]}
    return {"message": message}


def http_errors(code: ErrorCode, text: Text) -> Json:
    """``HttpErrorResponse``: the body of a 401/403 (and, with the envelope, of a 400)."""
    return {"errors": [{"code": code.value, "message": text.render("en")}]}


# --- Transaction status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TxnQuery:
    transaction_id: str
    reference_id: str
    txn_type: str
    attribute_type: Literal["transaction_id", "reference_id_list", "correlation_id"]
    values: tuple[str, ...]


def parse_txn_status(envelope: Envelope) -> TxnQuery:
    message = envelope.message
    request = message.get("txnstatus_request")
    transaction_id = message.get("transaction_id")
    if not valid_id(transaction_id) or not isinstance(request, dict):
        raise DciError(ErrorCode.bad, msg("message needs transaction_id and txnstatus_request"))
    reference_id, txn_type = request.get("reference_id"), request.get("txn_type")
    attribute_type, value = request.get("attribute_type"), request.get("attribute_value")
    if not valid_id(reference_id) or txn_type != "search":
        raise DciError(ErrorCode.bad, msg("txnstatus_request needs a reference_id and txn_type search"))
    if attribute_type == "reference_id_list":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise DciError(ErrorCode.bad, msg("attribute_value must be a list of reference ids"))
        values = tuple(value)
    elif attribute_type in ("transaction_id", "correlation_id") and isinstance(value, str) and value:
        values = (value,)
    else:
        raise DciError(
            ErrorCode.bad,
            msg("attribute_type is transaction_id, reference_id_list or correlation_id, with its value"),
        )
    return TxnQuery(transaction_id, reference_id, txn_type, attribute_type, values)


def txn_status_response(
    query: TxnQuery, correlation_id: str, found: Json | None, now: datetime, reason_text: Text | None = None
) -> Json:
    """``TxnStatusResponse``: the found transaction's search statuses (never its records)."""
    status: Json = found or {
        "transaction_id": query.values[0]
        if query.attribute_type == "transaction_id"
        else query.transaction_id,
        "correlation_id": query.values[0] if query.attribute_type == "correlation_id" else correlation_id,
        "search_response": [
            rejected(
                query.reference_id,
                Reason.reference_id_invalid,
                reason_text or msg("No such transaction"),
                now,
            )
        ],
    }
    return {
        "transaction_id": query.transaction_id,
        "correlation_id": correlation_id,
        "txnstatus_response": {"txn_type": query.txn_type, "txn_status": status},
    }
