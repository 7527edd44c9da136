"""The signed ``header`` + ``message`` + ``signature`` envelope of every DCI request. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inklusi.i18n import msg
from inklusi.sharing.dci.protocol import (
    MAX_ID,
    VERSION,
    Action,
    DciError,
    ErrorCode,
    HeaderReason,
    Json,
    valid_id,
)


@dataclass(frozen=True)
class Envelope:
    header: Json
    message: Json
    signature: str | None

    @property
    def message_id(self) -> str:
        return str(self.header["message_id"])

    @property
    def sender_id(self) -> str:
        return str(self.header["sender_id"])

    @property
    def sender_uri(self) -> str | None:
        value = self.header.get("sender_uri")
        return str(value) if value else None

    @property
    def receiver_id(self) -> str | None:
        value = self.header.get("receiver_id")
        return str(value) if value else None

    @property
    def meta(self) -> Mapping[str, Any]:
        meta = self.header.get("meta")
        return meta if isinstance(meta, dict) else {}


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 date-time with its time zone, as the specification requires; None otherwise."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_envelope(body: object, action: Action) -> Envelope:
    """The envelope of a request to ``action``; :class:`DciError` when it cannot be processed at all."""
    if not isinstance(body, dict):
        raise DciError(ErrorCode.bad, msg("The request body must be a JSON object"))
    header, message = body.get("header"), body.get("message")
    if not isinstance(header, dict):
        raise DciError(ErrorCode.bad, msg("The request has no header object"))
    for name in ("message_id", "action", "sender_id"):
        if not valid_id(header.get(name)):
            raise DciError(
                ErrorCode.bad,
                msg("header.{field} must be a text of 1 to {n} characters", field=name, n=MAX_ID),
            )
    if header.get("version", VERSION) != VERSION:
        raise DciError(
            ErrorCode.version,
            msg("Only version {version} of the messages is supported", version=VERSION),
            header_reason=HeaderReason.version,
        )
    if parse_timestamp(header.get("message_ts")) is None:
        raise DciError(
            ErrorCode.bad,
            msg("header.message_ts must be an ISO 8601 date-time with its time zone"),
            header_reason=HeaderReason.message_ts,
        )
    if header["action"] != action.value:
        raise DciError(
            ErrorCode.bad,
            msg("header.action must be {action} at this endpoint", action=action.value),
            header_reason=HeaderReason.action,
        )
    if not isinstance(header.get("total_count"), int) or isinstance(header.get("total_count"), bool):
        raise DciError(
            ErrorCode.bad,
            msg("header.total_count must be a whole number"),
            header_reason=HeaderReason.total_count,
        )
    if header.get("is_msg_encrypted") is True:
        raise DciError(ErrorCode.encryption, msg("Encrypted messages are not supported: send them signed"))
    if not isinstance(message, dict):
        raise DciError(ErrorCode.bad, msg("The request has no message object"))
    signature = body.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise DciError(ErrorCode.signature_invalid, msg("The signature must be a string"), status=401)
    return Envelope(header=header, message=message, signature=signature or None)
