"""Use cases of the service directory (Open Referral HSDS 3).

- ``offer``, ``search``: what choosing a referral target needs (the cases slice calls these); ``listing``
  and ``hsds_service`` for the API and the page. Reading the directory needs no permission beyond a login
  (the edges ask for one): it holds no personal data, and reads are not audited.
- ``export_hsds``: every service as an HSDS 3 service object (valid against the shipped schemas).
- ``import_hsds``: services from an HSDS document (a list of services, an HSDS API page with
  ``contents``, or one service), each record checked against the shipped schemas and then against what
  the directory needs (``mapping``); valid records go in, upserted by their HSDS ids in one transaction,
  invalid ones are reported per record and field (``directory:manage``, audited).
- ``link_organisation``: which Inklusi organisation answers referrals to a directory organisation's
  services (``directory:manage``, audited).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.directory import store
from inklusi.directory.mapping import Draft, from_hsds, to_hsds
from inklusi.directory.model import (
    Location,
    Offer,
    Organisation,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Status,
)
from inklusi.directory.validation import check_record, record_label
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ppks.model import ServiceType
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import NameQuery, ancestor_codes, level_of, search_key

MAX_RECORDS = 10_000
MAX_PAGE = 200
OFFERED = (Status.active.value,)  # what search() offers for a referral


# --- reading -------------------------------------------------------------------------------------------


def _offers(conn: Connection, services: Sequence[Service]) -> list[Offer]:
    links = store.organisation_links(conn, [s.id for s in services])
    return [
        Offer(
            id=s.id,
            name=s.name,
            service_type=s.service_type.value if s.service_type else None,
            organisation_name=s.organisation.name,
            organisation_id=links.get(s.id),
            area_codes=tuple(a.area_code for a in s.areas),
            capacity=s.capacity,
            status=s.status.value,
        )
        for s in services
    ]


def offer(ctx: Context, service_id: UUID) -> Offer | None:
    """One service as a referral target (None: no such service)."""
    with ctx.transaction(readonly=True) as conn:
        found = _offers(conn, store.services(conn, [service_id]))
    return found[0] if found else None


def _area_filter(area_code: str | None) -> list[str] | None:
    if area_code is None:
        return None
    if level_of(area_code) is None:
        text = msg("{code} is not an area code (PP, PP.RR, PP.RR.DD or PP.RR.DD.VVVV)", code=area_code)
        raise Invalid(text, [Issue("area", "area.malformed", text)])
    return [*ancestor_codes(area_code), area_code]


def _type_filter(service_type: str | None) -> str | None:
    if service_type is None:
        return None
    try:
        return ServiceType(service_type).value
    except ValueError:
        text = msg(
            "{code} is not an ATENSI service type; use one of: {known}",
            code=service_type,
            known=", ".join(t.value for t in ServiceType),
        )
        raise Invalid(text, [Issue("service_type", "directory.service_type", text)]) from None


def search(
    ctx: Context,
    *,
    service_type: str | None = None,
    area_code: str | None = None,
    text: str | None = None,
    limit: int = 50,
) -> list[Offer]:
    """Active services to refer to: of an ATENSI service type, available in an area (one of their service
    areas contains it, or they have none), whose name, description, eligibility or organisation contains ``text``;
    by name."""
    with ctx.transaction(readonly=True) as conn:
        ids, _total = store.search(
            conn,
            service_type=_type_filter(service_type),
            area_codes=_area_filter(area_code),
            text=(text or "").strip() or None,
            statuses=OFFERED,
            limit=max(1, min(limit, MAX_PAGE)),
        )
        return _offers(conn, store.services(conn, ids))


@dataclass(frozen=True)
class Listing:
    """A page of the directory: services of every status, with their organisation's Inklusi link."""

    total: int
    page: int
    per_page: int
    services: tuple[Service, ...]
    answered_by: Mapping[UUID, UUID | None]  # service id -> Inklusi organisation answering referrals

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def listing(
    ctx: Context,
    *,
    service_type: str | None = None,
    area_code: str | None = None,
    text: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Listing:
    """A page of services (every status), filtered like :func:`search`."""
    per_page = max(1, min(per_page, MAX_PAGE))
    page = max(1, page)
    with ctx.transaction(readonly=True) as conn:
        ids, total = store.search(
            conn,
            service_type=_type_filter(service_type),
            area_codes=_area_filter(area_code),
            text=(text or "").strip() or None,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        services = store.services(conn, ids)
        links = store.organisation_links(conn, ids)
    return Listing(total, page, per_page, tuple(services), links)


def as_hsds(found: Service) -> dict[str, Any]:
    """A service as an HSDS 3 service object."""
    return to_hsds(found)


def hsds_service(ctx: Context, service_id: UUID) -> dict[str, Any]:
    """One service as an HSDS 3 service object."""
    with ctx.transaction(readonly=True) as conn:
        found = store.services(conn, [service_id])
    if not found:
        raise NotFound(msg("No service {id} in the directory", id=str(service_id)))
    return to_hsds(found[0])


def export_hsds(ctx: Context) -> list[dict[str, Any]]:
    """Every service of the directory as an HSDS 3 service object, by name."""
    with ctx.transaction(readonly=True) as conn:
        return [to_hsds(found) for found in store.services(conn)]


# --- importing -----------------------------------------------------------------------------------------


def require_manage(principal: Principal) -> None:
    """Refuse (403) a principal who may not change the directory, before anything is read."""
    principal.require(Permission.directory_manage)


@dataclass(frozen=True)
class ImportReport:
    """What an import did: services created, updated, unchanged (already so), rejected; every problem
    (errors: the record was not imported; warnings: it was, and something was left out)."""

    received: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    issues: tuple[Issue, ...]
    service_ids: tuple[UUID, ...]  # the services of the document now in the directory

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.severity == "error")


def read_document(data: bytes, name: str = "document") -> Any:
    """JSON text as a document to import; text that is not JSON is refused whole, saying where."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not a JSON number")

    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=refuse)
    except UnicodeDecodeError:
        text = msg("{name} is not UTF-8 text", name=name)
    except json.JSONDecodeError as error:
        text = msg(
            "{name} is not JSON: {problem} (line {line}, column {column})",
            name=name, problem=error.msg, line=error.lineno, column=error.colno,
        )  # fmt: skip
    except (ValueError, RecursionError) as error:
        text = msg("{name} is not JSON: {problem}", name=name, problem=str(error)[:200])
    raise Invalid(text, [Issue(name, "directory.json", text)])


def records_of(document: Any) -> list[Any]:
    """The service records of a document: a list of services, an HSDS page (``contents``), a
    ``services`` list, or one service."""
    records: Any = None
    if isinstance(document, list):
        records = document
    elif isinstance(document, Mapping):
        for key in ("contents", "services"):
            if isinstance(document.get(key), list):
                records = document[key]
                break
        else:
            if "id" in document:
                records = [document]
    if records is None:
        text = msg(
            "This is not an HSDS document: give a list of services, a page of them (contents) or one service"
        )
        raise Invalid(text, [Issue("document", "directory.document", text)])
    if len(records) > MAX_RECORDS:
        text = msg("At most {n} services in one import", n=MAX_RECORDS)
        raise Invalid(text, [Issue("document", "directory.too_many", text)])
    return records


def _exact_areas(ctx: Context, name: str) -> list[tuple[str, str]]:
    """The areas whose name is exactly ``name`` (its kind word heeded: Kota Bandung, Kabupaten Bandung)."""
    query = NameQuery.parse(name)
    return [
        (area.code, area.name)
        for area in wilayah.search(ctx, name, limit=10)
        if search_key(area.name) == query.key and query.accepts_kind(area.name)
    ]


def _record_error(draft: Draft, field: str, code: str, text: Any) -> None:
    draft.issues.append(Issue(f"[{draft.index}].{field}", code, text))


def _resolve_areas(ctx: Context, drafts: Sequence[Draft]) -> dict[int, list[ServiceArea]]:
    """Each draft's service areas with their codes (looked up by name where needed) and names; unknown
    and ambiguous areas become the draft's errors."""
    codes = {claim.code for d in drafts for claim in d.areas if claim.code}
    codes |= {loc.area_code for d in drafts for loc in _nested_locations(d) if loc.area_code}
    names = wilayah.area_names(ctx, codes)
    resolved: dict[int, list[ServiceArea]] = {}
    for draft in drafts:
        areas: dict[str, ServiceArea] = {}
        for claim in draft.areas:
            code = claim.code
            if code is None:
                found = _exact_areas(ctx, claim.name or "")
                if len(found) != 1:
                    candidates = ", ".join(f"{n} ({c})" for c, n in found) or "–"
                    _record_error(
                        draft, f"{claim.field}.name", "area.unknown",
                        msg(
                            "Record {index} ({id}): no single area is named {name} "
                            "(found: {candidates}); give its area code",
                            index=draft.index, id=draft.label, name=claim.name, candidates=candidates,
                        ),
                    )  # fmt: skip
                    continue
                code, names[code] = found[0]
            elif code not in names:
                _record_error(
                    draft, claim.field, "area.unknown",
                    msg(
                        "Record {index} ({id}): area {code} does not exist",
                        index=draft.index, id=draft.label, code=code,
                    ),
                )  # fmt: skip
                continue
            if code in areas:
                continue  # the same area twice
            given = claim.name if claim.name not in (None, code) else None
            areas[code] = ServiceArea(claim.id, code, given or names.get(code))
        for location in _nested_locations(draft):
            if location.area_code and location.area_code not in names:
                _record_error(
                    draft, "service_at_locations", "area.unknown",
                    msg(
                        "Record {index} ({id}): the area {code} of location {location} does not exist",
                        index=draft.index, id=draft.label, code=location.area_code, location=str(location.id),
                    ),
                )  # fmt: skip
        resolved[draft.index] = list(areas.values())
    return resolved


def _nested_locations(draft: Draft) -> list[Location]:
    return [claim.location for claim in draft.locations if claim.location] + list(
        draft.organisation_locations
    )


def _read(records: Sequence[Any]) -> tuple[list[Draft], list[Issue]]:
    """Every record checked against the schemas, then read; the drafts of valid ones and the problems."""
    drafts, issues = [], []
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        problems = check_record(record, index)
        if problems:
            issues += problems
            continue
        draft = from_hsds(record, index, record_label(record))
        if (first := seen.get(record["id"])) is not None:
            _record_error(
                draft, "id", "directory.duplicate",
                msg(
                    "Record {index} ({id}): the same id as record {first}",
                    index=index, id=draft.label, first=first,
                ),
            )  # fmt: skip
        seen.setdefault(record["id"], index)
        drafts.append(draft)
    return drafts, issues


def _first_of_each(items: Sequence[tuple[Draft, Any]], kind: str) -> dict[UUID, Any]:
    """Organisations or locations by id, the first record's version of each; a later record giving
    another version gets a warning."""
    found: dict[UUID, Any] = {}
    for draft, item in items:
        if item.id not in found:
            found[item.id] = item
        elif found[item.id] != item:
            draft.issues.append(
                Issue(
                    f"[{draft.index}]",
                    "directory.differs",
                    msg(
                        "Record {index} ({id}): {kind} {other} differs from an earlier record's; "
                        "the first is kept",
                        index=draft.index, id=draft.label, kind=kind, other=str(item.id),
                    ),
                    "warning",
                )
            )  # fmt: skip
    return found


def _complete(
    conn: Connection, drafts: Sequence[Draft], areas: Mapping[int, list[ServiceArea]]
) -> tuple[list[Service], dict[UUID, Organisation], dict[UUID, tuple[Location, UUID]]]:
    """The services of the valid drafts with their organisations and locations found (in the document or
    the directory); drafts whose organisation or locations are nowhere get errors."""
    organisations = _first_of_each(
        [(d, d.service.organisation) for d in drafts if d.organisation_given], "organization"
    )
    located = _first_of_each([(d, loc) for d in drafts for loc in _nested_locations(d)], "location")
    known_organisations = store.organisations(
        conn, {d.service.organisation.id for d in drafts} - set(organisations)
    )
    known_locations = store.locations(
        conn, {c.location_id for d in drafts for c in d.locations} - set(located)
    )
    services: list[Service] = []
    used_locations: dict[UUID, tuple[Location, UUID]] = {}
    for draft in drafts:
        organisation_id = draft.service.organisation.id
        organisation = organisations.get(organisation_id)
        if organisation is None and organisation_id in known_organisations:
            organisation = store.organisation_of(known_organisations[organisation_id])
        if organisation is None:
            _record_error(
                draft, "organization_id", "directory.organisation.unknown",
                msg(
                    "Record {index} ({id}): organization {organisation} is neither in the document "
                    "nor in the directory: include the organization object",
                    index=draft.index, id=draft.label, organisation=str(organisation_id),
                ),
            )  # fmt: skip
        placed: dict[UUID, ServiceAtLocation] = {}
        for claim in draft.locations:
            location = located.get(claim.location_id) or known_locations.get(claim.location_id)
            if location is None:
                _record_error(
                    draft, f"{claim.field}.location_id", "directory.location.unknown",
                    msg(
                        "Record {index} ({id}): location {location} is neither in the document nor in the "
                        "directory: include the location object",
                        index=draft.index, id=draft.label, location=str(claim.location_id),
                    ),
                )  # fmt: skip
                continue
            placed.setdefault(location.id, ServiceAtLocation(claim.id, location, claim.description))
        if not draft.valid or organisation is None:
            continue
        services.append(
            replace(draft.complete(areas[draft.index], list(placed.values())), organisation=organisation)
        )
        for location in [*placed.values()]:
            if location.location.id in located:
                used_locations.setdefault(location.location.id, (location.location, organisation.id))
        for location in draft.organisation_locations:
            used_locations.setdefault(location.id, (located[location.id], organisation.id))
    used_organisations = {
        s.organisation.id: s.organisation for s in services if s.organisation.id in organisations
    }
    return services, used_organisations, used_locations


def import_hsds(
    ctx: Context, principal: Principal, document: Any, *, source: str | None = None
) -> ImportReport:
    """Import the services of an HSDS 3 document (see :func:`records_of`): every record is checked against
    the shipped schemas and what the directory needs; the valid ones are created or updated by their HSDS
    ids (a record equal to what is stored changes nothing), all in one transaction; the others are reported,
    each problem naming the record (its index and id) and the field. Audited."""
    principal.require(Permission.directory_manage)
    records = records_of(document)
    drafts, issues = _read(records)
    valid = [d for d in drafts if d.valid]
    areas = _resolve_areas(ctx, valid)
    valid = [d for d in valid if d.valid]
    now = utcnow()
    with ctx.transaction() as conn:
        services, organisations, locations = _complete(conn, valid, areas)
        existing = {s.id: s for s in store.services(conn, [s.id for s in services])}
        known = store.organisations(conn, set(organisations))
        for organisation in organisations.values():
            if organisation.id not in known:
                store.insert_organisation(conn, organisation, now)
            elif store.organisation_of(known[organisation.id]) != organisation:
                store.update_organisation(conn, organisation, now)
        stored = store.locations(conn, set(locations))
        for location_id, (location, organisation_id) in locations.items():
            if stored.get(location_id) != location:
                store.upsert_location(conn, location, organisation_id, location_id in stored, now)
        created = updated = unchanged = 0
        for found in services:
            before = existing.get(found.id)
            if before is not None and before.normalised() == found:
                unchanged += 1
                continue
            store.write_service(conn, found, new=before is None, actor_id=principal.user_id, now=now)
            created, updated = created + (before is None), updated + (before is not None)
        issues += [issue for d in drafts for issue in d.issues]
        report = ImportReport(
            received=len(records),
            created=created,
            updated=updated,
            unchanged=unchanged,
            rejected=len(records) - len(services),
            issues=tuple(sorted(issues, key=_issue_order)),
            service_ids=tuple(s.id for s in services),
        )
        if services:
            event = Event(
                kind=events.DIRECTORY_IMPORT,
                actor=principal.actor,
                purpose=Purpose.administration,
                object_id=source or "document",
                detail={
                    "source": source,
                    "received": report.received,
                    "created": created,
                    "updated": updated,
                    "unchanged": unchanged,
                    "rejected": report.rejected,
                },
            )
            audit.record(ctx, conn, event)
    return report


def _issue_order(issue: Issue) -> tuple[int, str]:
    index = issue.field[1 : issue.field.index("]")] if issue.field.startswith("[") else ""
    return (int(index) if index.isdigit() else -1, issue.field)


# --- organisations -------------------------------------------------------------------------------------


def link_organisation(
    ctx: Context, principal: Principal, directory_organisation_id: UUID, organisation_id: UUID | None
) -> None:
    """Say which Inklusi organisation answers referrals to the services of a directory organisation
    (None: none, the provider does not use Inklusi). Audited."""
    principal.require(Permission.directory_manage)
    if organisation_id is not None and organisation_id not in access.organisation_names(ctx):
        text = msg("No organisation {id}", id=str(organisation_id))
        raise Invalid(text, [Issue("organisation_id", "organisation.unknown", text)])
    with ctx.transaction() as conn:
        if not store.link_organisation(conn, directory_organisation_id, organisation_id, utcnow()):
            raise NotFound(msg("No organisation {id} in the directory", id=str(directory_organisation_id)))
        event = Event(
            kind=events.DIRECTORY_LINK,
            actor=principal.actor,
            purpose=Purpose.administration,
            object_id=str(directory_organisation_id),
            detail={"organisation_id": str(organisation_id) if organisation_id else None},
        )
        audit.record(ctx, conn, event)
