"""SP-DCI v1.0.0 Social Registry messages, pure: the signed ``header`` + ``message`` + ``signature``
envelope, the search request (``idtype-value``, ``expression`` and ``predicate`` queries, pagination,
sort), the Group (household) and Member records of a search response, transaction status, and the
message signature (Ed25519 over header and message, verified against the sender's JWKS).

Names, codes and shapes follow ``../shared/standards/dci/social_api_v1.0.0.yaml`` (and its
``authz_core_api``/``jwks_core_api`` companions) literally; ``docs/sharing-dci.md`` says how Inklusi fills
what the specification leaves to the implementation (identifier types, query attributes, the purpose).

Nothing here reads a file, a clock or the network: the service passes ``now`` and the keys in.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, Protocol, TypeGuard, TypeVar

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from inklusi.i18n import Text, msg

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


# --- The envelope --------------------------------------------------------------------------------------


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
        if not _valid_id(header.get(name)):
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


# --- The search request --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdQuery:
    by: LookupBy
    id_type: str
    value: str


@dataclass(frozen=True)
class FilterQuery:
    area_code: str | None = None
    deciles: tuple[int, ...] = ()  # () = any
    ppks_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class SortKey:
    attribute: str
    descending: bool = False


@dataclass(frozen=True)
class SearchItem:
    reference_id: str
    query: IdQuery | FilterQuery
    entity: Literal["Group", "Member"]
    page: int
    page_size: int
    sort: tuple[SortKey, ...]
    purpose: str
    locale: str | None


@dataclass(frozen=True)
class Rejected:
    reference_id: str
    reason: Reason
    text: Text
    locale: str | None = None


class _Reject(Exception):
    def __init__(self, reason: Reason, text: Text) -> None:
        super().__init__(str(text))
        self.reason = reason
        self.text = text


def parse_search(envelope: Envelope) -> tuple[str, list[SearchItem | Rejected]]:
    """The transaction id and each search request of the batch, parsed or rejected with its reason."""
    message = envelope.message
    transaction_id = message.get("transaction_id")
    if not _valid_id(transaction_id):
        raise DciError(ErrorCode.bad, msg("message.transaction_id must be a text of 1 to 99 characters"))
    requests = message.get("search_request")
    if not isinstance(requests, list) or not requests:
        raise DciError(ErrorCode.bad, msg("message.search_request must be a non-empty list"))
    if len(requests) > MAX_BATCH or envelope.header["total_count"] != len(requests):
        raise DciError(
            ErrorCode.bad,
            msg("header.total_count must equal the number of search requests (at most {n})", n=MAX_BATCH),
            header_reason=HeaderReason.total_count,
        )
    items: list[SearchItem | Rejected] = []
    seen: set[str] = set()
    for index, raw in enumerate(requests):
        reference_id = _reference_id(raw, index)
        locale = raw.get("locale") if isinstance(raw, dict) else None
        locale = locale if isinstance(locale, str) and LOCALE.fullmatch(locale) else None  # ISO 639-3
        try:
            if reference_id in seen:
                raise _Reject(
                    Reason.reference_id_duplicate, msg("reference_id {id} repeats", id=reference_id)
                )
            seen.add(reference_id)
            items.append(_search_item(envelope, raw, reference_id, locale))
        except _Reject as rejection:
            items.append(Rejected(reference_id, rejection.reason, rejection.text, locale))
    return transaction_id, items


def _valid_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_ID


def _reference_id(raw: object, index: int) -> str:
    if isinstance(raw, dict) and _valid_id(raw.get("reference_id")):
        return str(raw["reference_id"])
    return f"#{index + 1}"  # a request without a usable one is rejected under this name


def _search_item(envelope: Envelope, raw: object, reference_id: str, locale: str | None) -> SearchItem:
    if not isinstance(raw, dict) or not _valid_id(raw.get("reference_id")):
        raise _Reject(
            Reason.reference_id_invalid,
            msg("Each search request needs a reference_id of 1 to {n} characters", n=MAX_ID),
        )
    if parse_timestamp(raw.get("timestamp")) is None:
        raise _Reject(
            Reason.timestamp_invalid, msg("timestamp must be an ISO 8601 date-time with its time zone")
        )
    criteria = raw.get("search_criteria")
    if not isinstance(criteria, dict):
        raise _Reject(Reason.search_criteria_invalid, msg("search_criteria is missing"))
    entity = criteria.get("response_entity", "Group")
    if entity not in ("Group", "Member"):
        raise _Reject(Reason.search_criteria_invalid, msg("response_entity is Group or Member"))
    query_type, query = criteria.get("query_type"), criteria.get("query")
    parsed: IdQuery | FilterQuery
    if query_type == "idtype-value":
        parsed = _id_query(query)
    elif query_type == "expression":
        parsed = _expression_query(query)
    elif query_type == "predicate":
        parsed = _predicate_query(query)
    else:
        raise _Reject(
            Reason.search_criteria_invalid, msg("query_type is idtype-value, expression or predicate")
        )
    page, page_size = _pagination(criteria.get("pagination"))
    return SearchItem(
        reference_id=reference_id,
        query=parsed,
        entity=entity,
        page=page,
        page_size=page_size,
        sort=_sort(criteria.get("sort")),
        purpose=_purpose(envelope, criteria),
        locale=locale,
    )


def _purpose(envelope: Envelope, criteria: Mapping[str, Any]) -> str:
    """The purpose the partner names: ``authorize.purpose`` or ``consent.purpose`` of the search criteria
    (its ``text``, else its ``code``), else ``header.meta.purpose``. A search without one is rejected."""
    for holder in (criteria.get("authorize"), criteria.get("consent")):
        purpose = holder.get("purpose") if isinstance(holder, dict) else None
        if isinstance(purpose, dict):
            for key in ("text", "code"):
                if isinstance(purpose.get(key), str) and purpose[key].strip():
                    return str(purpose[key]).strip()[:500]
        if isinstance(purpose, str) and purpose.strip():
            return purpose.strip()[:500]
    meta_purpose = envelope.meta.get("purpose")
    if isinstance(meta_purpose, str) and meta_purpose.strip():
        return meta_purpose.strip()[:500]
    raise _Reject(
        Reason.search_criteria_invalid,
        msg("Name the purpose of the search in search_criteria.authorize.purpose.text"),
    )


def _id_query(query: object) -> IdQuery:
    if not isinstance(query, dict) or not isinstance(query.get("type"), str):
        raise _Reject(Reason.search_criteria_invalid, msg("An idtype-value query has a type and a value"))
    id_type = str(query["type"]).strip().upper()
    value = query.get("value")
    if id_type not in ID_TYPES:
        raise _Reject(
            Reason.search_criteria_invalid,
            msg(
                "Unknown identifier type {type}; known: {known}",
                type=query["type"],
                known=", ".join(ID_TYPES),
            ),
        )
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise _Reject(Reason.search_criteria_invalid, msg("The identifier value must be a text"))
    return IdQuery(by=ID_TYPES[id_type], id_type=id_type, value=str(value).strip())


@dataclass
class _Filters:
    area_code: str | None = None
    deciles: frozenset[int] = frozenset(range(1, 11))
    ppks: tuple[str, ...] | None = None

    def add(self, attribute: object, operator: str, value: object) -> None:
        name = str(attribute).strip().lower().replace("-", "_")
        if name in AREA_ATTRIBUTES:
            self._area(operator, value)
        elif name in DECILE_ATTRIBUTES:
            self._decile(operator, value)
        elif name in PPKS_ATTRIBUTES:
            self._ppks(operator, value)
        else:
            known = sorted(AREA_ATTRIBUTES | DECILE_ATTRIBUTES | PPKS_ATTRIBUTES)
            raise _Reject(
                Reason.filter_invalid,
                msg(
                    "{attribute} cannot be searched; searchable: {known}",
                    attribute=attribute,
                    known=", ".join(known),
                ),
            )

    def _area(self, operator: str, value: object) -> None:
        if operator != "eq" or not isinstance(value, str) or not value.strip():
            raise _Reject(Reason.filter_invalid, msg("An area is searched with eq and an area code"))
        if self.area_code not in (None, value.strip()):
            raise _Reject(Reason.filter_invalid, msg("Only one area can be searched at a time"))
        self.area_code = value.strip()

    def _decile(self, operator: str, value: object) -> None:
        values = _listed(value) if operator == "in" else [value]
        try:
            numbers = [int(str(v)) for v in values if not isinstance(v, bool)]
        except ValueError:
            numbers = []
        if not numbers or len(numbers) != len(values):
            raise _Reject(Reason.filter_invalid, msg("A decile is a whole number from 1 to 10"))
        bound = numbers[0]
        allowed = {
            "eq": {bound},
            "in": set(numbers),
            "lt": set(range(1, bound)),
            "le": set(range(1, bound + 1)),
            "gt": set(range(bound + 1, 11)),
            "ge": set(range(bound, 11)),
        }[operator]
        self.deciles = self.deciles & frozenset(allowed)
        if not self.deciles:
            raise _Reject(Reason.filter_invalid, msg("No decile from 1 to 10 meets these conditions"))

    def _ppks(self, operator: str, value: object) -> None:
        values = _listed(value) if operator == "in" else [value]
        if operator not in ("eq", "in") or not all(isinstance(v, str) and v.strip() for v in values):
            raise _Reject(
                Reason.filter_invalid, msg("A PPKS category is searched with eq or in and its codes")
            )
        codes = tuple(str(v).strip() for v in values)
        self.ppks = codes if self.ppks is None else tuple(c for c in self.ppks if c in codes)
        if not self.ppks:
            raise _Reject(Reason.filter_invalid, msg("No PPKS category meets these conditions"))

    def query(self) -> FilterQuery:
        deciles = () if len(self.deciles) == 10 else tuple(sorted(self.deciles))
        return FilterQuery(self.area_code, deciles, self.ppks or ())


def _listed(value: object) -> list[object]:
    """The values of ``in``: a list, or (the only form the specification's ``attribute_value`` schema
    admits) a comma-separated text."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return [value]


def _expression_query(query: object) -> FilterQuery:
    """``{"type": "…NoSql|expression", "value": {"expression": {"collection": "Group", "query": {…}}}}``:
    a MongoDB-like ``$and`` of ``{attribute: {"$eq"|"$in"|"$lt"|"$lte"|"$gt"|"$gte": value}}``."""
    value = query.get("value") if isinstance(query, dict) else None
    expression = value.get("expression") if isinstance(value, dict) else None
    if not isinstance(expression, dict) or not isinstance(expression.get("query"), dict):
        raise _Reject(
            Reason.search_criteria_invalid,
            msg("An expression query has value.expression with a collection and a query"),
        )
    if expression.get("collection", "Group") not in ("Group", "Member"):
        raise _Reject(Reason.search_criteria_invalid, msg("The collection is Group or Member"))
    filters = _Filters()
    for condition in _conjuncts(expression["query"]):
        for attribute, test in condition.items():
            if isinstance(test, dict):
                if len(test) != 1 or next(iter(test)) not in _OPERATORS:
                    raise _Reject(
                        Reason.filter_invalid,
                        msg("Use one of $eq, $in, $lt, $lte, $gt, $gte for {attribute}", attribute=attribute),
                    )
                operator, operand = next(iter(test.items()))
                filters.add(attribute, _OPERATORS[operator], operand)
            else:
                filters.add(attribute, "eq", test)
    return filters.query()


def _conjuncts(query: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if set(query) == {"$and"}:
        parts = query["$and"]
        if not isinstance(parts, list) or not all(isinstance(part, dict) for part in parts):
            raise _Reject(Reason.filter_invalid, msg("$and takes a list of conditions"))
        return [c for part in parts for c in _conjuncts(part)]
    if any(key.startswith("$") for key in query):
        raise _Reject(Reason.filter_invalid, msg("Only conditions joined by $and can be searched"))
    return [query]


def _predicate_query(query: object) -> FilterQuery:
    """A list of ``{seq_num, expression1, condition, expression2}``; every item and every condition
    must be ``and`` (``or`` and ``not`` are refused rather than answered differently)."""
    if not isinstance(query, list) or not query or not all(isinstance(item, dict) for item in query):
        raise _Reject(Reason.search_criteria_invalid, msg("A predicate query is a non-empty list"))
    filters = _Filters()
    for item in query:
        expressions = [item.get("expression1")]
        if "expression2" in item or "condition" in item:
            if item.get("condition") != "and":
                raise _Reject(Reason.filter_invalid, msg("Only the condition 'and' can be searched"))
            expressions.append(item.get("expression2"))
        for expression in expressions:
            if not isinstance(expression, dict) or expression.get("operator") not in (
                "gt", "lt", "eq", "ge", "le", "in",
            ):  # fmt: skip
                raise _Reject(
                    Reason.search_criteria_invalid,
                    msg("An expression has attribute_name, operator and attribute_value"),
                )
            filters.add(
                expression.get("attribute_name"), expression["operator"], expression.get("attribute_value")
            )
    return filters.query()


def _pagination(raw: object) -> tuple[int, int]:
    if raw is None:
        return 1, MAX_PAGE_SIZE
    if not isinstance(raw, dict):
        raise _Reject(Reason.pagination_invalid, msg("pagination is an object with page_size"))
    size, number = raw.get("page_size"), raw.get("page_number", 1)
    for value in (size, number):
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 1:
            raise _Reject(
                Reason.pagination_invalid, msg("page_size and page_number are whole numbers from 1")
            )
    assert isinstance(size, int | float) and isinstance(number, int | float)
    if size > MAX_PAGE_SIZE:
        raise _Reject(Reason.pagination_invalid, msg("page_size is at most {n}", n=MAX_PAGE_SIZE))
    return int(number), int(size)


def _sort(raw: object) -> tuple[SortKey, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _Reject(Reason.sort_invalid, msg("sort is a list of attribute_name and sort_order"))
    keys = []
    for item in raw:
        name = item.get("attribute_name") if isinstance(item, dict) else None
        order = item.get("sort_order", "asc") if isinstance(item, dict) else None
        if name not in SORT_ATTRIBUTES or order not in ("asc", "desc"):
            raise _Reject(
                Reason.sort_invalid,
                msg("Sort by {known}, asc or desc", known=", ".join(SORT_ATTRIBUTES)),
            )
        keys.append(SortKey(str(name), order == "desc"))
    return tuple(keys)


class HouseholdLike(Protocol):
    """What a shared household offers (the core's ``SharedHousehold``): FIELDS names to values."""

    @property
    def fields(self) -> Mapping[str, object]: ...

    @property
    def members(self) -> Sequence[Mapping[str, object]]: ...


H = TypeVar("H", bound=HouseholdLike)


def sorted_households(households: Sequence[H], keys: Sequence[SortKey]) -> list[H]:
    """The households in the order ``keys`` ask (a missing value last). Only meaningful on a result that
    fits one page: the service refuses a sort over several pages rather than sort each page alone."""
    ordered = list(households)
    for key in reversed(keys):
        field = SORT_ATTRIBUTES[key.attribute]
        present = [h for h in ordered if isinstance(h.fields.get(field), int | float)]
        missing = [h for h in ordered if not isinstance(h.fields.get(field), int | float)]
        present.sort(key=lambda h: float(h.fields[field]), reverse=key.descending)  # type: ignore[arg-type]
        ordered = present + missing
    return ordered


# --- Records: Group (household) and Member --------------------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _identifier(id_type: str, value: object) -> Json:
    return {"@type": "Identifier", "identifier_type": id_type, "identifier_value": _text(value)}


def _identifiers(
    values: Mapping[str, object], transforms: Mapping[str, str], names: Mapping[str, str]
) -> list[Json]:
    out = []
    for field, id_type in names.items():
        if values.get(field) is not None:
            pseudonymised = transforms.get(field) == "pseudonymise"
            out.append(_identifier(f"{id_type}_PSEUDONYM" if pseudonymised else id_type, values[field]))
    return out


_MEMBER_IDS = {"person.nik": "NIK", "person.id": "PERSON_ID"}
_GROUP_IDS = {"household.id": "HOUSEHOLD_ID", "household.kk_number": "KK"}
_SEX = {"male": "male", "female": "female", "1": "male", "2": "female", "other": "other"}


def member_record(person: Mapping[str, object], transforms: Mapping[str, str]) -> Json:
    """A Member of the Social Registry specification from one shared person (only the fields it holds)."""
    identifiers = _identifiers(person, transforms, _MEMBER_IDS)
    demographic: Json = {"@type": "SRPerson"}
    if identifiers:
        demographic["identifier"] = identifiers
    if person.get("person.name") is not None:
        # Indonesian names are often a single name: the whole name is the given name.
        demographic["name"] = {"@type": "Name", "given_name": _text(person["person.name"])}
    if person.get("person.sex") is not None:
        demographic["sex"] = _SEX.get(_text(person["person.sex"]).lower(), "unknown")
    if person.get("person.birth_date") is not None:
        demographic["birth_date"] = _text(person["person.birth_date"])
    record: Json = {"@type": "spdci:Member"}
    if identifiers:
        record["@id"] = f"urn:inklusi:person:{identifiers[-1]['identifier_value']}"
        record["member_identifier"] = identifiers
    record["demographic_info"] = demographic
    if person.get("person.relationship") is not None:
        record["relationship_head"] = _text(person["person.relationship"])
    if person.get("person.ppks_categories") is not None:
        categories = person["person.ppks_categories"]
        values = [str(c) for c in categories] if isinstance(categories, list | tuple) else [str(categories)]
        record["additional_attributes"] = [{"name": "ppks_categories", "value": ", ".join(values)}]
    return record


def _is_head(person: Mapping[str, object]) -> bool:
    return _text(person.get("person.relationship", "")).lower() in ("head", "1")


def group_record(household: HouseholdLike, transforms: Mapping[str, str]) -> Json:
    """A Group of the Social Registry specification from one shared household and its shared members."""
    fields = household.fields
    record: Json = {"@context": GROUP_CONTEXT, "@type": "spdci:Group"}
    identifiers = _identifiers(fields, transforms, _GROUP_IDS)
    if identifiers:
        record["@id"] = f"urn:inklusi:household:{identifiers[0]['identifier_value']}"
        record["group_identifier"] = identifiers
    record["group_type"] = "household"
    if fields.get("household.address") is not None:
        record["place"] = {"@type": "Place", "address": _text(fields["household.address"])}
    if isinstance(fields.get("household.welfare_score"), int | float):
        record["poverty_score"] = fields["household.welfare_score"]
        record["poverty_score_type"] = POVERTY_SCORE_TYPE
    members = [member_record(person, transforms) for person in household.members]
    heads = [m for m, person in zip(members, household.members, strict=True) if _is_head(person)]
    if heads:
        record["group_head_info"] = heads[0]
    if fields.get("household.size") is not None:
        record["group_size"] = int(str(fields["household.size"]))
    record["member_list"] = members
    extra = [
        {"name": name, "value": fields[field]}
        for field, name in (
            ("household.area_code", "area_code"),
            ("household.decile", "poverty_decile"),
            ("household.regional_decile", "regional_poverty_decile"),
        )
        if fields.get(field) is not None
    ]
    if extra:
        record["additional_attributes"] = extra
    return record


def records(
    households: Sequence[HouseholdLike], item: SearchItem, transforms: Mapping[str, str]
) -> list[Json]:
    """The ``reg_records`` of one search response: Groups, or (``response_entity`` Member) their members —
    for a lookup of one person by NIK, person id or pseudonym only that person when the field is shared."""
    if item.entity == "Group":
        return [group_record(h, transforms) for h in households]
    fields = {"nik": ("person.nik",), "person_id": ("person.id",), "pseudonym": ("person.nik", "person.id")}
    wanted = fields.get(item.query.by, ()) if isinstance(item.query, IdQuery) else ()
    out: list[Json] = []
    for household in households:
        people = list(household.members)
        if wanted and isinstance(item.query, IdQuery):
            value = item.query.value
            matching = [p for p in people if any(_text(p.get(f, "")) == value for f in wanted)]
            people = matching or people  # the looked-up field is not shared: the household's members
        out.extend(member_record(person, transforms) for person in people)
    return out


# --- Responses ------------------------------------------------------------------------------------------


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
    if not _valid_id(transaction_id) or not isinstance(request, dict):
        raise DciError(ErrorCode.bad, msg("message needs transaction_id and txnstatus_request"))
    reference_id, txn_type = request.get("reference_id"), request.get("txn_type")
    attribute_type, value = request.get("attribute_type"), request.get("attribute_value")
    if not _valid_id(reference_id) or txn_type != "search":
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


# --- Signatures -----------------------------------------------------------------------------------------


def canonical(value: object) -> bytes:
    """The bytes a signature covers: JSON with sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def digest(header: Mapping[str, Any], message: Mapping[str, Any] | None) -> str:
    """``BLAKE-512=`` base64 of BLAKE2b-512 over the canonical header followed by the canonical message."""
    body = canonical(header) + (canonical(message) if message is not None else b"")
    return "BLAKE-512=" + _b64(hashlib.blake2b(body, digest_size=64).digest())


def signing_string(
    created: int, expires: int, header: Mapping[str, Any], message: Mapping[str, Any] | None
) -> bytes:
    return f"(created): {created}\n(expires): {expires}\ndigest: {digest(header, message)}".encode()


def sign(
    key: Ed25519PrivateKey,
    *,
    sender_id: str,
    kid: str,
    header: Mapping[str, Any],
    message: Mapping[str, Any] | None,
    now: datetime,
    lifetime: int = SIGNATURE_LIFETIME,
) -> str:
    """The ``MsgSignature`` of header + message, in the specification's HTTP-signature-like form."""
    created = int(now.timestamp())
    expires = created + lifetime
    signature = _b64(key.sign(signing_string(created, expires, header, message)))
    return (
        f'Signature: namespace="{NAMESPACE}", kidId="{sender_id}|{kid}|{ALGORITHM}", '
        f'algorithm="{ALGORITHM}", created="{created}", expires="{expires}", '
        f'headers="{SIGNED_HEADERS}", signature="{signature}"'
    )


_PARAMETER = re.compile(r'([A-Za-z]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class ParsedSignature:
    sender_id: str
    kid: str
    created: int
    expires: int
    signature: bytes


def parse_signature(value: str | None) -> ParsedSignature:
    if not value or not value.strip():
        raise DciError(ErrorCode.signature_missing, msg("The message is not signed"), status=401)
    text = value.strip()
    text = text[len("Signature:") :] if text.startswith("Signature:") else text
    parameters = dict(_PARAMETER.findall(text))
    key_id = parameters.get("kidId") or parameters.get("keyId") or ""
    parts = key_id.split("|")
    try:
        created, expires = int(parameters["created"]), int(parameters["expires"])
        raw = base64.b64decode(parameters["signature"], validate=True)
    except (KeyError, ValueError):
        raise DciError(ErrorCode.signature_invalid, msg("The signature is malformed"), status=401) from None
    if (
        len(parts) != 3
        or parts[2].lower() != ALGORITHM
        or parameters.get("algorithm", ALGORITHM).lower() != ALGORITHM
        or parameters.get("headers", SIGNED_HEADERS) != SIGNED_HEADERS
    ):
        raise DciError(
            ErrorCode.signature_invalid,
            msg(
                'The signature must be ed25519 with kidId="sender|key id|ed25519" over {headers}',
                headers=SIGNED_HEADERS,
            ),
            status=401,
        )
    return ParsedSignature(parts[0], parts[1], created, expires, raw)


def verify(
    signature: str | None,
    *,
    header: Mapping[str, Any],
    message: Mapping[str, Any] | None,
    jwks: Mapping[str, Any] | None,
    sender_id: str,
    now: datetime,
) -> None:
    """Check a request's signature against the sender's registered JWKS; :class:`DciError` otherwise."""
    parsed = parse_signature(signature)
    if parsed.sender_id != sender_id or header.get("sender_id") != sender_id:
        raise DciError(
            ErrorCode.signature_invalid,
            msg("The signature is not by the sender {sender}", sender=sender_id),
            status=401,
        )
    moment = int(now.timestamp())
    if (
        parsed.created > moment + CLOCK_SKEW
        or parsed.expires <= moment
        or parsed.expires <= parsed.created
        or parsed.expires - parsed.created > MAX_SIGNATURE_LIFETIME
    ):
        raise DciError(
            ErrorCode.signature_invalid, msg("The signature has expired or is not yet valid"), status=401
        )
    key = public_key(jwks, parsed.kid)
    try:
        key.verify(parsed.signature, signing_string(parsed.created, parsed.expires, header, message))
    except InvalidSignature:
        raise DciError(
            ErrorCode.signature_invalid, msg("The signature does not match the message"), status=401
        ) from None


def public_key(jwks: Mapping[str, Any] | None, kid: str) -> Ed25519PublicKey:
    """The Ed25519 key ``kid`` of a key set (parsed by PyJWT); :class:`DciError` when there is none."""
    if not jwks:
        raise DciError(
            ErrorCode.signature_invalid, msg("No key set is registered for this partner"), status=401
        )
    try:
        keys = jwt.PyJWKSet.from_dict(dict(jwks))
        key = keys[kid].key
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, KeyError):
        raise DciError(
            ErrorCode.signature_invalid,
            msg("The partner's key set has no usable key {kid}", kid=kid),
            status=401,
        ) from None
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise DciError(
            ErrorCode.signature_invalid, msg("Key {kid} is not an Ed25519 key", kid=kid), status=401
        )
    return key


# --- Keys -----------------------------------------------------------------------------------------------


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 thumbprint (SHA-256) of an OKP key: the ``kid`` the JWKS specification asks for."""
    members = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    return base64.urlsafe_b64encode(hashlib.sha256(canonical(members)).digest()).rstrip(b"=").decode()


def new_signing_jwk() -> Json:
    """A new Ed25519 private key as a JWK (with ``d``), its ``kid`` the key's thumbprint."""
    jwk: Json = json.loads(OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate()))
    jwk |= {"kid": thumbprint(jwk), "use": "sig", "alg": "EdDSA"}
    return jwk


def private_key(jwk: Mapping[str, Any]) -> Ed25519PrivateKey:
    key = jwt.PyJWK.from_dict(dict(jwk)).key
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_jwk(jwk: Mapping[str, Any]) -> Json:
    """The public part of a key: what the registry publishes."""
    return {name: jwk[name] for name in ("kty", "crv", "x", "kid", "use", "alg")}


def jwks(*keys: Mapping[str, Any]) -> Json:
    """A ``JWKSResponse``: the public parts of the keys."""
    return {"keys": [public_jwk(key) for key in keys]}


# --- The partner's side (tests and the demo speak as a partner with these) ------------------------------


def signed_request(
    action: Action,
    message: Json,
    *,
    key: Ed25519PrivateKey,
    kid: str,
    sender_id: str,
    message_id: str,
    now: datetime,
    total_count: int = 1,
    receiver_id: str | None = None,
    sender_uri: str | None = None,
) -> Json:
    """A request as a partner sends it: ``MsgHeader_V1.0.0``, the message, and its signature."""
    header: Json = {
        "version": VERSION,
        "message_id": message_id,
        "message_ts": timestamp(now),
        "action": action.value,
        "sender_id": sender_id,
        "total_count": total_count,
        "is_msg_encrypted": False,
    }
    if receiver_id:
        header["receiver_id"] = receiver_id
    if sender_uri:
        header["sender_uri"] = sender_uri
    signature = sign(key, sender_id=sender_id, kid=kid, header=header, message=message, now=now)
    return {"signature": signature, "header": header, "message": message}


def search_message(transaction_id: str, criteria: Sequence[Json], now: datetime) -> Json:
    """A ``SearchRequest`` with one search request per criteria (reference ids ``<transaction>-<n>``)."""
    return {
        "transaction_id": transaction_id,
        "search_request": [
            {"reference_id": f"{transaction_id}-{n}", "timestamp": timestamp(now), "search_criteria": dict(c)}
            for n, c in enumerate(criteria, start=1)
        ],
    }
