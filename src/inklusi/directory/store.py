"""The service directory's SQL. Never commits: the service owns the transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Select, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.directory.model import (
    Location,
    LocationType,
    Organisation,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Status,
)
from inklusi.directory.tables import (
    directory_location,
    directory_organisation,
    directory_service,
    directory_service_area,
    directory_service_at_location,
)
from inklusi.ppks.model import ServiceType

ORG, S, L = directory_organisation, directory_service, directory_location
AREA, AT = directory_service_area, directory_service_at_location
IN_CHUNK = 500  # ids per IN (...) list

# --- organisations and locations -------------------------------------------------------------------------


def organisation(conn: Connection, organisation_id: UUID) -> RowMapping | None:
    return conn.execute(select(ORG).where(ORG.c.id == organisation_id)).mappings().first()


def organisations(conn: Connection, ids: Collection[UUID]) -> dict[UUID, RowMapping]:
    found: dict[UUID, RowMapping] = {}
    for chunk in _chunks(sorted(ids)):
        found |= {row["id"]: row for row in conn.execute(select(ORG).where(ORG.c.id.in_(chunk))).mappings()}
    return found


def organisation_of(row: RowMapping) -> Organisation:
    return Organisation(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        alternate_name=row["alternate_name"],
        email=row["email"],
        website=row["website"],
    )


def _organisation_values(found: Organisation) -> dict[str, object]:
    return {
        "name": found.name,
        "alternate_name": found.alternate_name,
        "description": found.description,
        "email": found.email,
        "website": found.website,
    }


def insert_organisation(conn: Connection, found: Organisation, now: datetime) -> None:
    conn.execute(
        insert(ORG).values(id=found.id, **_organisation_values(found), created_at=now, updated_at=now)
    )


def update_organisation(conn: Connection, found: Organisation, now: datetime) -> None:
    """Its HSDS fields; the link to an Inklusi organisation stays."""
    conn.execute(
        update(ORG).where(ORG.c.id == found.id).values(**_organisation_values(found), updated_at=now)
    )


def link_organisation(
    conn: Connection, directory_id: UUID, organisation_id: UUID | None, now: datetime
) -> int:
    result = conn.execute(
        update(ORG).where(ORG.c.id == directory_id).values(organisation_id=organisation_id, updated_at=now)
    )
    return result.rowcount


def locations(conn: Connection, ids: Collection[UUID]) -> dict[UUID, Location]:
    found: dict[UUID, Location] = {}
    for chunk in _chunks(sorted(ids)):
        found |= {
            row["id"]: location_of(row) for row in conn.execute(select(L).where(L.c.id.in_(chunk))).mappings()
        }
    return found


def location_of(row: RowMapping) -> Location:
    return Location(
        id=row["id"],
        name=row["name"],
        location_type=LocationType(row["location_type"]),
        description=row["description"],
        address_1=row["address_1"],
        city=row["city"],
        state_province=row["state_province"],
        postal_code=row["postal_code"],
        country=row["country"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        area_code=row["area_code"],
        url=row["url"],
    )


def upsert_location(
    conn: Connection, found: Location, organisation_id: UUID | None, exists_already: bool, now: datetime
) -> None:
    values = {
        name: getattr(found, name)
        for name in (
            "name", "description", "address_1", "city", "state_province", "postal_code", "country",
            "latitude", "longitude", "area_code", "url",
        )
    }  # fmt: skip
    values |= {"location_type": found.location_type.value, "updated_at": now}
    if organisation_id is not None:
        values["directory_organisation_id"] = organisation_id
    if exists_already:
        conn.execute(update(L).where(L.c.id == found.id).values(**values))
    else:
        conn.execute(insert(L).values(id=found.id, **values))


# --- services ------------------------------------------------------------------------------------------


def _service_values(found: Service, actor_id: UUID | None, now: datetime) -> dict[str, object]:
    return {
        "directory_organisation_id": found.organisation.id,
        "name": found.name,
        "alternate_name": found.alternate_name,
        "description": found.description,
        "status": found.status.value,
        "service_type": found.service_type.value if found.service_type else None,
        "url": found.url,
        "email": found.email,
        "eligibility_description": found.eligibility_description,
        "minimum_age": found.minimum_age,
        "maximum_age": found.maximum_age,
        "capacity": found.capacity,
        "application_process": found.application_process,
        "fees_description": found.fees_description,
        "updated_at": now,
        "updated_by": actor_id,
    }


def write_service(
    conn: Connection, found: Service, *, new: bool, actor_id: UUID | None, now: datetime
) -> None:
    """The service's row, its areas and its locations (replaced whole); its organisation and locations
    are written first."""
    values = _service_values(found, actor_id, now)
    if new:
        conn.execute(insert(S).values(id=found.id, created_at=now, **values))
    else:
        conn.execute(update(S).where(S.c.id == found.id).values(**values))
        conn.execute(delete(AREA).where(AREA.c.service_id == found.id))
        conn.execute(delete(AT).where(AT.c.service_id == found.id))
    if found.areas:
        conn.execute(
            insert(AREA),
            [
                {"service_id": found.id, "area_code": a.area_code, "hsds_id": a.id, "name": a.name}
                for a in found.areas
            ],
        )
    if found.locations:
        conn.execute(
            insert(AT),
            [
                {
                    "service_id": found.id,
                    "location_id": at.location.id,
                    "hsds_id": at.id,
                    "description": at.description,
                }
                for at in found.locations
            ],
        )


def services(conn: Connection, ids: Sequence[UUID] | None = None) -> list[Service]:
    """Services with their organisation, areas and locations, by id (None: every service), in the order
    asked (or by name)."""
    if ids is not None and not ids:
        return []
    rows: list[RowMapping] = []
    base = select(S, *_organisation_columns()).join(ORG, ORG.c.id == S.c.directory_organisation_id)
    if ids is None:
        rows = list(conn.execute(base.order_by(S.c.name, S.c.id)).mappings())
    else:
        for chunk in _chunks(list(ids)):
            rows += conn.execute(base.where(S.c.id.in_(chunk))).mappings()
        order = {service_id: position for position, service_id in enumerate(ids)}
        rows.sort(key=lambda row: order[row["id"]])
    wanted = None if ids is None else [row["id"] for row in rows]
    areas = _areas(conn, wanted)
    placed = _locations_of(conn, wanted)
    return [_service(row, areas.get(row["id"], ()), placed.get(row["id"], ())) for row in rows]


def _organisation_columns() -> list:
    return [
        ORG.c[name].label(f"o_{name}")
        for name in ("name", "alternate_name", "description", "email", "website", "organisation_id")
    ]


def _service(row: RowMapping, areas: Sequence[ServiceArea], placed: Sequence[ServiceAtLocation]) -> Service:
    organisation = Organisation(
        id=row["directory_organisation_id"],
        name=row["o_name"],
        description=row["o_description"],
        alternate_name=row["o_alternate_name"],
        email=row["o_email"],
        website=row["o_website"],
    )
    return Service(
        id=row["id"],
        organisation=organisation,
        name=row["name"],
        status=Status(row["status"]),
        service_type=ServiceType(row["service_type"]) if row["service_type"] else None,
        description=row["description"],
        alternate_name=row["alternate_name"],
        url=row["url"],
        email=row["email"],
        eligibility_description=row["eligibility_description"],
        minimum_age=row["minimum_age"],
        maximum_age=row["maximum_age"],
        capacity=row["capacity"],
        application_process=row["application_process"],
        fees_description=row["fees_description"],
        areas=tuple(areas),
        locations=tuple(placed),
        last_modified=row["updated_at"],
    )


def _areas(conn: Connection, ids: Sequence[UUID] | None) -> dict[UUID, list[ServiceArea]]:
    found: dict[UUID, list[ServiceArea]] = defaultdict(list)
    query = select(AREA).order_by(AREA.c.service_id, AREA.c.area_code)
    for chunk in [None] if ids is None else _chunks(ids):
        filtered = query if chunk is None else query.where(AREA.c.service_id.in_(chunk))
        for row in conn.execute(filtered).mappings():
            found[row["service_id"]].append(ServiceArea(row["hsds_id"], row["area_code"], row["name"]))
    return found


def _locations_of(conn: Connection, ids: Sequence[UUID] | None) -> dict[UUID, list[ServiceAtLocation]]:
    found: dict[UUID, list[ServiceAtLocation]] = defaultdict(list)
    query = (
        select(AT.c.service_id, AT.c.hsds_id, AT.c.description.label("at_description"), L)
        .join(L, L.c.id == AT.c.location_id)
        .order_by(AT.c.service_id, AT.c.hsds_id)
    )
    for chunk in [None] if ids is None else _chunks(ids):
        filtered = query if chunk is None else query.where(AT.c.service_id.in_(chunk))
        for row in conn.execute(filtered).mappings():
            found[row["service_id"]].append(
                ServiceAtLocation(row["hsds_id"], location_of(row), row["at_description"])
            )
    return found


def organisation_links(conn: Connection, service_ids: Sequence[UUID]) -> dict[UUID, UUID | None]:
    """The Inklusi organisation answering referrals, per service."""
    found: dict[UUID, UUID | None] = {}
    for chunk in _chunks(list(service_ids)):
        query = (
            select(S.c.id, ORG.c.organisation_id)
            .join(ORG, ORG.c.id == S.c.directory_organisation_id)
            .where(S.c.id.in_(chunk))
        )
        found |= {row.id: row.organisation_id for row in conn.execute(query)}
    return found


def existing_services(conn: Connection, ids: Collection[UUID]) -> set[UUID]:
    found: set[UUID] = set()
    for chunk in _chunks(sorted(ids)):
        found |= set(conn.execute(select(S.c.id).where(S.c.id.in_(chunk))).scalars())
    return found


# --- search ----------------------------------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(
    query: Select,
    *,
    service_type: str | None,
    area_codes: Sequence[str] | None,
    text: str | None,
    statuses: Sequence[str] | None,
) -> Select:
    query = query.join(ORG, ORG.c.id == S.c.directory_organisation_id)
    if service_type is not None:
        query = query.where(S.c.service_type == service_type)
    if statuses is not None:
        query = query.where(S.c.status.in_(statuses))
    if area_codes is not None:
        any_area = exists().where(AREA.c.service_id == S.c.id)
        covering = exists().where(and_(AREA.c.service_id == S.c.id, AREA.c.area_code.in_(area_codes)))
        query = query.where(or_(~any_area, covering))
    if text:
        pattern = _like(text)
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        S.c.name,
                        S.c.alternate_name,
                        S.c.description,
                        S.c.eligibility_description,
                        ORG.c.name,
                        ORG.c.alternate_name,
                    )
                )
            )
        )
    return query


def search(
    conn: Connection,
    *,
    service_type: str | None = None,
    area_codes: Sequence[str] | None = None,
    text: str | None = None,
    statuses: Sequence[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[UUID], int]:
    """The ids of a page of services (by name) and how many match. ``area_codes``: an area and its
    ancestors (a service matches when it has no area or one of these)."""

    def filtered(query: Select) -> Select:
        return _filtered(
            query, service_type=service_type, area_codes=area_codes, text=text, statuses=statuses
        )

    total = conn.execute(filtered(select(func.count()).select_from(S))).scalar_one()
    page = filtered(select(S.c.id)).order_by(S.c.name, S.c.id).limit(limit).offset(offset)
    return list(conn.execute(page).scalars()), total


def _chunks(ids: Sequence[UUID]) -> list[Sequence[UUID]]:
    return [ids[start : start + IN_CHUNK] for start in range(0, len(ids), IN_CHUNK)]
