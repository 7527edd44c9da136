"""The search request: ``idtype-value``, ``expression`` and ``predicate`` queries, pagination and sort,
and the purpose a search names. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from inklusi.i18n import Text, msg
from inklusi.sharing.dci.envelope import Envelope, parse_timestamp
from inklusi.sharing.dci.protocol import (
    _OPERATORS,
    AREA_ATTRIBUTES,
    DECILE_ATTRIBUTES,
    ID_TYPES,
    LOCALE,
    MAX_BATCH,
    MAX_ID,
    MAX_PAGE_SIZE,
    PPKS_ATTRIBUTES,
    SORT_ATTRIBUTES,
    DciError,
    ErrorCode,
    HeaderReason,
    LookupBy,
    Reason,
    valid_id,
)


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
    if not valid_id(transaction_id):
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


def _reference_id(raw: object, index: int) -> str:
    if isinstance(raw, dict) and valid_id(raw.get("reference_id")):
        return str(raw["reference_id"])
    return f"#{index + 1}"  # a request without a usable one is rejected under this name


def _search_item(envelope: Envelope, raw: object, reference_id: str, locale: str | None) -> SearchItem:
    if not isinstance(raw, dict) or not valid_id(raw.get("reference_id")):
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
