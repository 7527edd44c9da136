"""The SP-DCI protocol's names: version, actions, error and reason codes, limits, the query attributes
Inklusi answers, and the error a message is refused with. Pure."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal, TypeGuard

from inklusi.i18n import Text

VERSION = "1.0.0"
NAMESPACE = "spdci"
ALGORITHM = "ed25519"
SIGNED_HEADERS = "(created) (expires) digest"
SIGNATURE_LIFETIME = 300  # seconds a signature this registry makes stays valid
MAX_SIGNATURE_LIFETIME = 3600  # a request's signature may not claim to live longer than this
CLOCK_SKEW = 60  # seconds a request's "created" may lie in the future
MAX_PAGE_SIZE = 100
MAX_BATCH = 10  # search requests in one message
LOCALE = re.compile(r"[a-z]{3}")  # ISO 639-3, as the specification's locale pattern
MAX_ID = 99  # characters of an id (the specification's maxLength of transaction and correlation ids)
POVERTY_SCORE_TYPE = "proxy-means-test welfare index (higher is better off)"
GROUP_CONTEXT = {
    "spdci": "https://schema.spdci.org/extensions/social/v1/",
    "common": "https://schema.spdci.org/common/v1/",
}

Json = dict[str, Any]
LookupBy = Literal["nik", "household_id", "person_id", "pseudonym"]


class Action(StrEnum):
    search = "search"
    on_search = "on-search"
    txn_status = "txn-status"
    txn_on_status = "txn-on-status"


class ErrorCode(StrEnum):
    """The specification's ``Error.code`` values (transport and integrity errors)."""

    bad = "err.request.bad"
    unauthorized = "err.request.unauthorized"
    forbidden = "err.request.forbidden"
    not_found = "err.request.not_found"
    too_many_requests = "err.request.too_many_requests"
    version = "err.version.not_supported"
    sender_id = "err.sender_id.invalid"
    sender_uri = "err.sender_uri.invalid"
    receiver_id = "err.receiver_id.invalid"
    signature_missing = "err.signature.missing"
    signature_invalid = "err.signature.invalid"
    encryption = "err.encryption.invalid"
    unavailable = "err.service.unavailable"


class Reason(StrEnum):
    """``SearchStatusReasonCode``: why one search request of a batch was rejected."""

    reference_id_invalid = "rjct.reference_id.invalid"
    reference_id_duplicate = "rjct.reference_id.duplicate"
    timestamp_invalid = "rjct.timestamp.invalid"
    search_criteria_invalid = "rjct.search_criteria.invalid"
    filter_invalid = "rjct.filter.invalid"
    sort_invalid = "rjct.sort.invalid"
    pagination_invalid = "rjct.pagination.invalid"
    too_many_records = "rjct.search.too_many_records_found"


class HeaderReason(StrEnum):
    """``MsgHeaderStatusReasonCode``: why a whole message was rejected."""

    version = "rjct.version.invalid"
    message_id_duplicate = "rjct.message_id.duplicate"
    message_ts = "rjct.message_ts.invalid"
    action = "rjct.action.invalid"
    action_not_supported = "rjct.action.not_supported"
    total_count = "rjct.total_count.invalid"
    total_count_limit = "rjct.total_count.limit_exceeded"


# Identifier types of ``idtype-value`` queries and of records: Inklusi's own code list (the specification
# leaves it to the implementation). UIN and NIN are the specification's names for a national id: the NIK.
ID_TYPES: dict[str, LookupBy] = {
    "NIK": "nik",
    "UIN": "nik",
    "NIN": "nik",
    "HOUSEHOLD_ID": "household_id",
    "PERSON_ID": "person_id",
    "PSEUDONYM": "pseudonym",
}
# Query attributes of ``expression`` and ``predicate`` queries, by what they filter.
AREA_ATTRIBUTES = frozenset({"area_code", "location", "district", "village"})
DECILE_ATTRIBUTES = frozenset({"poverty_decile", "decile"})
PPKS_ATTRIBUTES = frozenset({"ppks_category", "ppks_categories"})
SORT_ATTRIBUTES = {
    "poverty_score": "household.welfare_score",
    "poverty_decile": "household.decile",
    "group_size": "household.size",
}
_OPERATORS = {"$eq": "eq", "$in": "in", "$lt": "lt", "$lte": "le", "$gt": "gt", "$gte": "ge"}


class DciError(Exception):
    """A message refused as a whole: the specification's error code, an HTTP status, the reason in words."""

    def __init__(
        self, code: ErrorCode, text: Text, *, status: int = 400, header_reason: HeaderReason | None = None
    ) -> None:
        super().__init__(str(text))
        self.code = code
        self.text = text
        self.status = status
        self.header_reason = header_reason


def valid_id(value: object) -> TypeGuard[str]:
    """A transaction, message, reference or correlation id: text, not blank, at most ``MAX_ID`` long."""
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_ID
