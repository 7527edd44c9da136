"""Reading the directory: offers for referrals, pages of services, HSDS objects, the export. Reading needs
no permission beyond a login (the edges ask for one): the directory holds no personal data, and reads are not
audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.context import Context
from inklusi.directory import store
from inklusi.directory.hsds_out import to_hsds
from inklusi.directory.model import (
    Offer,
    Service,
    Status,
)
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ppks.model import ServiceType
from inklusi.wilayah.model import ancestor_codes, level_of

MAX_PAGE = 200
OFFERED = (Status.active.value,)  # what search() offers for a referral


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
    areas contains it, or they have none), whose name, description, eligibility or organisation contains
    ``text``; by name."""
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
