"""Importing an HSDS 3 document: every record checked against the shipped schemas (``validation``) and what
the directory needs (``hsds_in``); the valid ones written in one transaction, upserted by their HSDS ids;
every problem reported with its record and field; audited."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.directory import store
from inklusi.directory.hsds_in import Draft, from_hsds
from inklusi.directory.model import (
    Location,
    Organisation,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from inklusi.directory.validation import check_record, record_label
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import NameQuery, search_key

MAX_RECORDS = 10_000


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
