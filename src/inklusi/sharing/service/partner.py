"""The partner API's use cases: lookup, search, bulk extract and match-only, each under the partner's
agreement (:func:`~inklusi.sharing.service.clients.authenticate_partner` checked it is in force).

- A request outside the agreement (an operation, an area, a decile, a PPKS category, a field it needs) is
  refused with ``Forbidden`` naming what and why; nothing is silently trimmed: persons left out are named
  in ``withheld``. A lookup whose key is unknown or outside the agreement's rows gets one and the same
  refusal, so a partner cannot learn whether a person exists outside its agreement.
- The registry, welfare ranks and PPKS flags are read through those slices' services, in one transaction
  with the quota count (rows a day per agreement and operation) and one audit entry
  (``sharing.partner_read``, purpose ``data_sharing``, the partner's own purpose in its detail, every
  household and person id it returned). A match-only question is audited as ``sharing.partner_match``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from inklusi.access.model import Scope
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid, Issue, NotFound, TooManyRequests
from inklusi.i18n import Text, msg
from inklusi.ppks import service as ppks
from inklusi.registry import service as registry
from inklusi.registry.model import Relationship
from inklusi.sharing.model import DECILES, Agreement, Operation, Transform
from inklusi.sharing.projection import (
    HouseholdRow,
    PersonRow,
    Projected,
    SharedHousehold,
    household_in_scope,
    project,
    shared_person_ids,
    static_notices,
    withheld_notices,
)
from inklusi.sharing.service.agreements import today
from inklusi.sharing.service.clients import Partner
from inklusi.sharing.service.keys import pseudonym_key
from inklusi.sharing.store import agreements as store
from inklusi.sharing.store.subjects import restricted_among
from inklusi.welfare import service as welfare
from inklusi.wilayah.model import is_within
from inklusi.wilayah.nik import Sex

MAX_PAGE_SIZE = 100
EXTRACT_CHUNK = 200  # households per transaction and audit entry of an extract
NIK = re.compile(r"^\d{16}$")
AREA = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
LookupBy = Literal["nik", "household_id", "person_id", "pseudonym"]
LOOKUP_KINDS: tuple[str, ...] = ("nik", "household_id", "person_id", "pseudonym")


@dataclass(frozen=True)
class SharedQuery:
    area_code: str | None = None
    deciles: tuple[int, ...] = ()
    ppks_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class SharedPage:
    households: tuple[SharedHousehold, ...]
    total: int
    page: int
    page_size: int
    withheld: tuple[Text, ...]


@dataclass(frozen=True)
class Extract:
    """A bulk extract: how many households, what the agreement leaves out, and the households a chunk at a
    time (each chunk read, audited and handed over in its own transaction)."""

    total: int
    withheld: tuple[Text, ...]
    chunks: Iterator[ExtractChunk]


@dataclass(frozen=True)
class ExtractChunk:
    households: tuple[SharedHousehold, ...]
    withheld: tuple[Text, ...]  # persons of this chunk left out (restricted)


# --- Checks every request passes ---------------------------------------------------------------------------


def check_purpose(purpose: str | None) -> str:
    """The partner's purpose: required, 3 to 200 characters (audited with every read)."""
    text = (purpose or "").strip()
    if not 3 <= len(text) <= 200:
        problem = msg(
            "Name the purpose of the request (3 to 200 characters): "
            "the purpose parameter or the X-Purpose header"
        )
        raise Invalid(problem, [Issue("purpose", "purpose.required", problem)])
    return text


def _nik(nik: str, field: str = "nik") -> str:
    value = (nik or "").strip()
    if not NIK.match(value):
        problem = msg("A NIK is 16 digits")
        raise Invalid(problem, [Issue(field, "nik", problem)])
    return value


def _uuid(value: str, field: str) -> UUID:
    try:
        return UUID(value)
    except (ValueError, AttributeError, TypeError):
        problem = msg("{field} is not a valid id", field=field)
        raise Invalid(problem, [Issue(field, "uuid", problem)]) from None


def _area(code: str) -> str:
    if not AREA.match(code):
        problem = msg("{code} is not an area code (e.g. 32, 32.73, 32.73.01, 32.73.01.1001)", code=code)
        raise Invalid(problem, [Issue("area_code", "area", problem)])
    return code


def row_scope(agreement: Agreement) -> Scope:
    """The agreement's areas as an access scope, so the slices' reads filter by them in SQL too."""
    return Scope(national=not agreement.areas, areas=tuple(agreement.areas))


def restricted_persons(conn: Connection, person_ids: Sequence[UUID]) -> set[UUID]:
    """The persons among ``person_ids`` who restricted the processing of their data (a data subject's
    request, ``service/subjects.py``): never shared, and said so in ``withheld``."""
    return restricted_among(conn, person_ids)


def _not_among(agreement: Agreement, what: str) -> Forbidden:
    return Forbidden(
        msg(
            "No row of agreement {name} has this {key}: it is not registered, or lies outside the agreement "
            "(areas: {areas}; deciles: {deciles}; PPKS categories: {categories})",
            name=agreement.name,
            key=what,
            areas=", ".join(agreement.areas) or "—",
            deciles=", ".join(map(str, agreement.deciles)) or "—",
            categories=", ".join(agreement.ppks_categories) or "—",
        )
    )


def _seconds_to_midnight(ctx: Context) -> int:
    zone = ZoneInfo(ctx.settings.timezone)
    now = utcnow().astimezone(zone)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=zone)
    return max(1, math.ceil((midnight - now).total_seconds()))


def consume(ctx: Context, conn: Connection, agreement: Agreement, operation: Operation, rows: int) -> None:
    """Count ``rows`` against the operation's daily quota; past it, refuse (the transaction rolls back, so
    neither the rows nor their audit entry are handed out)."""
    quota = agreement.require_operation(operation)
    total = store.consume(conn, agreement.id, operation.value, today(ctx), rows)
    if total > quota:
        raise TooManyRequests(
            msg(
                "Agreement {name} allows {quota} rows a day for {operation}; this request needs {rows} and "
                "{left} are left today",
                name=agreement.name,
                quota=quota,
                operation=operation.value,
                rows=rows,
                left=max(0, quota - (total - rows)),
            ),
            _seconds_to_midnight(ctx),
        )


# --- Reading rows through the registry, welfare and PPKS services ------------------------------------------


def household_rows(
    conn: Connection, agreement: Agreement, household_ids: Sequence[UUID]
) -> list[HouseholdRow]:
    """The households (inside the agreement's areas) as the projection takes them; one not found is left
    out."""
    scope = row_scope(agreement)
    ranks = welfare.latest_ranks_in(conn, household_ids, scope)
    rows = []
    for household_id in household_ids:
        try:
            record = registry.household_record_in(conn, scope, household_id)
        except NotFound:
            continue
        members = [member for family in record.families for member in family.members]
        village = record.dwelling.village_code
        categories = ppks.verified_categories_in(conn, village, [m.person_id for m in members], scope)
        rank = ranks.get(household_id)
        rows.append(
            HouseholdRow(
                id=household_id,
                kk_number=record.families[0].kk_number if record.families else None,
                area_code=village,
                address=record.dwelling.address,
                size=record.size,
                welfare_score=rank.score if rank else None,
                decile=rank.national_decile if rank else None,
                regional_decile=rank.regency_decile if rank else None,
                members=tuple(
                    PersonRow(
                        id=m.person_id,
                        nik=m.person.nik,
                        name=m.person.name,
                        sex=Sex(m.person.sex).name,
                        birth_date=m.person.birth_date,
                        relationship=Relationship(m.relationship).name,
                        ppks_categories=categories.get(m.person_id, ()),
                    )
                    for m in members
                ),
            )
        )
    return rows


def _projected(ctx: Context, conn: Connection, agreement: Agreement, rows: list[HouseholdRow]) -> Projected:
    persons = [m.id for row in rows for m in row.members]
    projected = project(agreement, pseudonym_key(ctx, agreement.id), rows, restricted_persons(conn, persons))
    store.remember_pseudonyms(
        conn,
        agreement.id,
        [
            {"token": p.token, "field": p.field, "object_type": p.object_type, "object_id": p.object_id}
            for p in projected.pseudonyms.values()
        ],
    )
    return projected


def _audit_read(
    ctx: Context,
    conn: Connection,
    partner: Partner,
    operation: Operation,
    purpose: str,
    projected: Projected,
    asked: dict[str, object],
) -> None:
    event = Event(
        kind=events.SHARING_PARTNER_READ,
        actor=partner.actor,
        purpose=Purpose.data_sharing,
        object_id=str(partner.agreement.id),
        detail={
            "operation": operation.value,
            "purpose": purpose,
            "agreement": str(partner.agreement.id),
            "client_id": partner.client_id,
            "households": [str(i) for i in projected.household_ids],
            "persons": [str(i) for i in projected.person_ids],
            "asked": asked,
            "withheld": projected.restricted,
        },
    )
    audit.record(ctx, conn, event)


# --- Lookup -----------------------------------------------------------------------------------------------


def _require_as_is(agreement: Agreement, field: str, by: str) -> None:
    transform = agreement.require_field(field, for_what=msg("a lookup by {by}", by=by))
    if transform is not Transform.as_is:
        raise Forbidden(
            msg(
                "Agreement {name} shares {field} {transform}: look it up by pseudonym",
                name=agreement.name,
                field=field,
                transform=transform.value,
            )
        )


def _find(conn: Connection, agreement: Agreement, by: str, value: str) -> tuple[UUID, UUID | None]:
    """The household (and person, for a person's key) a lookup names; refused when not among the rows."""
    scope = row_scope(agreement)
    if by == "nik":
        hits = registry.persons_by_nik_in(conn, _nik(value, "value"), scope)
    elif by == "person_id":
        _require_as_is(agreement, "person.id", by)
        hits = registry.persons_by_ids_in(conn, [_uuid(value, "value")], scope)
    elif by == "household_id":
        _require_as_is(agreement, "household.id", by)
        return _uuid(value, "value"), None
    elif by == "pseudonym":
        row = store.pseudonym(conn, agreement.id, (value or "").strip().lower()[:64])
        if row is None:
            raise _not_among(agreement, "pseudonym")
        if row["object_type"] == "household":
            return row["object_id"], None
        hits = registry.persons_by_ids_in(conn, [row["object_id"]], scope)
    else:
        problem = msg("Look up by one of: {kinds}", kinds=", ".join(LOOKUP_KINDS))
        raise Invalid(problem, [Issue("by", "lookup.kind", problem)])
    hit = next((h for h in hits if h.household_id is not None), None)
    if hit is None or hit.household_id is None:
        raise _not_among(agreement, by)
    return hit.household_id, hit.person_id


def lookup(ctx: Context, partner: Partner, *, purpose: str, by: LookupBy, value: str) -> SharedPage:
    """One household, by a member's NIK, its id, a member's id or a pseudonym the partner received."""
    agreement = partner.agreement
    agreement.require_operation(Operation.lookup)
    purpose = check_purpose(purpose)
    with ctx.transaction() as conn:
        household_id, person_id = _find(conn, agreement, by, value)
        rows = [
            row
            for row in household_rows(conn, agreement, [household_id])
            if household_in_scope(agreement, row)
        ]
        if not rows:
            raise _not_among(agreement, by)
        projected = _projected(ctx, conn, agreement, rows)
        if person_id is not None and person_id not in projected.person_ids:
            if person_id in restricted_persons(conn, [person_id]):
                raise Forbidden(msg("The person asked for restricted the processing of their data"))
            raise _not_among(agreement, by)
        consume(ctx, conn, agreement, Operation.lookup, len(projected.households))
        _audit_read(ctx, conn, partner, Operation.lookup, purpose, projected, {"by": by})
    return SharedPage(tuple(projected.households), 1, 1, 1, withheld_notices(agreement, projected))


# --- Search and extract ---------------------------------------------------------------------------------


def candidates(conn: Connection, agreement: Agreement, query: SharedQuery) -> list[UUID]:
    """The ids of the households the query asks for inside the agreement, in a stable order; a query
    reaching outside the agreement is refused."""
    agreement.require_deciles(query.deciles)
    agreement.require_categories(query.ppks_categories)
    if query.area_code:
        agreement.require_area(_area(query.area_code))
        areas: tuple[str, ...] = (query.area_code,)
    elif agreement.areas:
        areas = agreement.areas
    else:
        problem = msg("Name the area to search (a province, regency, district or village code)")
        raise Invalid(problem, [Issue("area_code", "required", problem)])
    deciles = query.deciles or agreement.deciles
    categories = query.ppks_categories or agreement.ppks_categories
    scope = row_scope(agreement)
    found: set[UUID] = set()
    for area in areas:
        if deciles:
            here = {rank.household_id for rank in welfare.ranked_in_deciles(conn, area, deciles, scope)}
        else:
            here = set(registry.household_ids_in_area(conn, area, scope))
        if categories:
            here &= ppks.households_verified_in(conn, area, categories, scope)
        found |= here
    return sorted(found)


def _query_detail(query: SharedQuery, **more: object) -> dict[str, object]:
    return {
        "area": query.area_code,
        "deciles": list(query.deciles),
        "categories": list(query.ppks_categories),
        **more,
    }


def search(
    ctx: Context, partner: Partner, *, purpose: str, query: SharedQuery, page: int = 1, page_size: int = 50
) -> SharedPage:
    """A page of the households the query asks for inside the agreement (``total``: all of them)."""
    agreement = partner.agreement
    agreement.require_operation(Operation.search)
    purpose = check_purpose(purpose)
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        problem = msg("page is at least 1 and page_size between 1 and {n}", n=MAX_PAGE_SIZE)
        raise Invalid(problem, [Issue("page_size" if page >= 1 else "page", "range", problem)])
    with ctx.transaction() as conn:
        ids = candidates(conn, agreement, query)
        chosen = ids[(page - 1) * page_size : page * page_size]
        rows = household_rows(conn, agreement, chosen)
        projected = _projected(ctx, conn, agreement, rows)
        if projected.households:
            consume(ctx, conn, agreement, Operation.search, len(projected.households))
            detail = _query_detail(query, page=page, page_size=page_size)
            _audit_read(ctx, conn, partner, Operation.search, purpose, projected, detail)
    return SharedPage(
        tuple(projected.households), len(ids), page, page_size, withheld_notices(agreement, projected)
    )


def extract(ctx: Context, partner: Partner, *, purpose: str, query: SharedQuery) -> Extract:
    """Every household the query asks for inside the agreement, within the day's extract quota (refused,
    not cut, when it would pass it); each chunk is read and audited in its own transaction."""
    agreement = partner.agreement
    agreement.require_operation(Operation.extract)
    purpose = check_purpose(purpose)
    with ctx.transaction() as conn:
        ids = candidates(conn, agreement, query)
        if ids:
            consume(ctx, conn, agreement, Operation.extract, len(ids))

    def chunks() -> Iterator[ExtractChunk]:
        for part, start in enumerate(range(0, len(ids), EXTRACT_CHUNK), start=1):
            with ctx.transaction() as conn:
                rows = household_rows(conn, agreement, ids[start : start + EXTRACT_CHUNK])
                projected = _projected(ctx, conn, agreement, rows)
                detail = _query_detail(query, part=part)
                _audit_read(ctx, conn, partner, Operation.extract, purpose, projected, detail)
            restricted = withheld_notices(agreement, projected)[len(static_notices(agreement)) :]
            yield ExtractChunk(tuple(projected.households), restricted)

    return Extract(len(ids), tuple(static_notices(agreement)), chunks())


# --- Match-only --------------------------------------------------------------------------------------------


def match(
    ctx: Context, partner: Partner, *, purpose: str, nik: str, deciles: tuple[int, ...], area_code: str | None
) -> bool:
    """Yes or no: is the person with this NIK among the agreement's rows, in a household of these national
    deciles (and of this area)? Nothing else is answered; the question is audited either way."""
    agreement = partner.agreement
    agreement.require_operation(Operation.match)
    purpose = check_purpose(purpose)
    nik = _nik(nik)
    if not deciles or any(d not in DECILES for d in deciles):
        problem = msg("Name the deciles to match (1 to 10)")
        raise Invalid(problem, [Issue("deciles", "required", problem)])
    agreement.require_deciles(deciles)
    if area_code:
        agreement.require_area(_area(area_code))
    with ctx.transaction() as conn:
        hits = [h for h in registry.persons_by_nik_in(conn, nik, row_scope(agreement)) if h.household_id]
        hits = [h for h in hits if not area_code or is_within(h.village_code, area_code)]
        answer, persons, households = False, [], []
        for hit in hits:
            assert hit.household_id is not None
            restricted = restricted_persons(conn, [hit.person_id])
            for row in household_rows(conn, agreement, [hit.household_id]):
                if row.decile in deciles and hit.person_id in shared_person_ids(agreement, row, restricted):
                    answer = True
                    persons.append(str(hit.person_id))
                    households.append(str(row.id))
        consume(ctx, conn, agreement, Operation.match, 1)
        event = Event(
            kind=events.SHARING_PARTNER_MATCH,
            actor=partner.actor,
            purpose=Purpose.data_sharing,
            object_id=str(agreement.id),
            detail={
                "purpose": purpose,
                "agreement": str(agreement.id),
                "client_id": partner.client_id,
                "nik": nik,
                "area": area_code,
                "deciles": list(deciles),
                "answer": "yes" if answer else "no",
                "persons": persons,
                "households": households,
            },
        )
        audit.record(ctx, conn, event)
    return answer
