"""The planner's reads by area: how an area's households spread over the national deciles (by child area),
who moved between two runs (by child area), and the export of an area's ranked households.

- The distributions and the movements are aggregates: ``registry:read``, counted inside the caller's scope
  (like :func:`~inklusi.welfare.service.reads.decile_summary`), not audited.
- The export lists households with their head's name: ``registry:read`` covering the whole area, at most
  :data:`MAX_EXPORT` households, and one audit entry (``welfare.deciles.export``) besides the registry's own
  entries for the names it reads (``registry.browse``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import Language, msg
from inklusi.registry import service as registry
from inklusi.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from inklusi.welfare import store
from inklusi.welfare.model import DECILES, RunInfo
from inklusi.welfare.service.models import run_info
from inklusi.wilayah import service as wilayah

ExportFormat = Literal["csv", "xlsx"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_EXPORT = 50_000
"""Households in one export at most: a district or a small regency; larger areas are exported in parts."""
NAMES_PAGE = 1000
CHILD_LENGTH = {None: 2, 2: 5, 5: 8, 8: 13, 13: 13}
"""The length of a child area's code below an area's (a village has no children: itself)."""
EXPORT_COLUMNS = (
    "priority",
    "household_id",
    "head_name",
    "village_code",
    "village",
    "people",
    "score",
    "national_percentile",
    "national_decile",
    "province_decile",
    "regency_decile",
)


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    deciles: tuple[int, ...]  # households per national decile 1..10
    people: int

    @property
    def households(self) -> int:
        return sum(self.deciles)

    def poorest(self, up_to: int) -> int:
        """Households in national deciles 1..``up_to``."""
        return sum(self.deciles[:up_to])

    def share(self, up_to: int) -> float:
        return self.poorest(up_to) / self.households if self.households else 0.0


@dataclass(frozen=True)
class AreaDeciles:
    run: RunInfo
    area_code: str | None  # None: the nation
    rows: tuple[AreaRow, ...]  # child areas with ranked households in the caller's scope, by code

    @property
    def total(self) -> AreaRow:
        deciles = tuple(sum(r.deciles[d] for r in self.rows) for d in range(DECILES))
        return AreaRow(self.area_code or "", "", deciles, sum(r.people for r in self.rows))


@dataclass(frozen=True)
class MovementRow:
    code: str
    name: str
    poorer: int  # now in a poorer national decile
    richer: int
    same: int

    @property
    def households(self) -> int:
        return self.poorer + self.richer + self.same


@dataclass(frozen=True)
class AreaMovements:
    from_run: RunInfo
    to_run: RunInfo
    area_code: str | None
    rows: tuple[MovementRow, ...]


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    media_type: str
    households: int


def checked_area(ctx: Context, area: str | None, field: str = "area") -> str | None:
    """The area asked for, validated (None or ``ID``: the nation)."""
    if area is None or not area.strip() or area.strip().upper() == "ID":
        return None
    code = area.strip()
    issues = wilayah.check_code(ctx, code, field)
    if issues:
        raise Invalid(issues[0].text, issues)
    return code


def _run(conn: Connection, run_id: UUID | None) -> RowMapping:
    row = store.run_by_id(conn, run_id) if run_id else store.latest_run(conn)
    if row is None:
        text = msg("No welfare ranking {id}", id=str(run_id)) if run_id else None
        raise NotFound(text or msg("No welfare ranking has been run yet"))
    return row


def _child_length(area: str | None) -> int:
    return CHILD_LENGTH[len(area) if area else None]


def decile_distribution(
    ctx: Context, principal: Principal, area: str | None = None, *, run_id: UUID | None = None
) -> AreaDeciles:
    """Households per national decile in each child area of ``area`` (None: the provinces), in a run
    (default: the latest), inside the caller's scope."""
    scope = principal.require(Permission.registry_read)
    code = checked_area(ctx, area)
    with ctx.transaction(readonly=True) as conn:
        run = _run(conn, run_id)
        found = store.decile_counts_by_area(conn, run["id"], scope, code, _child_length(code))
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * DECILES)
        people: dict[str, int] = defaultdict(int)
        for child, decile, households, persons in found:
            counts[child][decile - 1] += households
            people[child] += persons
        names = wilayah.area_names_in(conn, set(counts))
    rows = tuple(
        AreaRow(child, names.get(child, child), tuple(counts[child]), people[child])
        for child in sorted(counts)
    )
    return AreaDeciles(run_info(run), code, rows)


def movements_by_area(
    ctx: Context,
    principal: Principal,
    area: str | None = None,
    *,
    from_run: UUID | None = None,
    to_run: UUID | None = None,
) -> AreaMovements:
    """Households that moved to a poorer or a richer national decile, or stayed, between two runs (default:
    the latest and the one before it), by child area of ``area``, inside the caller's scope."""
    scope = principal.require(Permission.registry_read)
    code = checked_area(ctx, area)
    with ctx.transaction(readonly=True) as conn:
        after = _run(conn, to_run)
        before_id = from_run or after["previous_run_id"]
        if before_id is None:
            raise NotFound(msg("There is no earlier ranking to compare with"))
        before = _run(conn, before_id)
        found = store.movements_by_area(conn, before["id"], after["id"], scope, code, _child_length(code))
        names = wilayah.area_names_in(conn, {row[0] for row in found})
    rows = tuple(MovementRow(c, names.get(c, c), p, r, s) for c, p, r, s in sorted(found))
    return AreaMovements(run_info(before), run_info(after), code, rows)


def export_ranked(
    ctx: Context,
    principal: Principal,
    area: str,
    *,
    fmt: ExportFormat,
    run_id: UUID | None = None,
    language: Language = "id",
    purpose: Purpose = Purpose.programme_targeting,
) -> Export:
    """The ranked households of ``area`` in a run (default: the latest), poorest first, with their heads'
    names, as CSV or XLSX. Needs ``registry:read`` covering the area; audited."""
    principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        run = _run(conn, run_id)
    code = checked_area(ctx, area)
    if code is None:
        text = msg("Choose an area to export: a province, regency, district or village")
        raise Invalid(text, [Issue("area", "area.required", text)])
    if not principal.can(Permission.registry_read, code):
        raise Forbidden(msg("Your access does not cover the whole of area {code}", code=code))
    scope = principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        total = store.count_ranked(conn, run["id"], scope, code)
        if total > MAX_EXPORT:
            text = msg(
                "Area {code} has {n} ranked households, more than {max} in one file: export its parts",
                code=code,
                n=total,
                max=MAX_EXPORT,
            )
            raise Invalid(text, [Issue("area", "area.too_large", text)])
        ranks = store.ranked_in_area(conn, run["id"], scope, code)
        places = wilayah.area_names_in(conn, {r["village_code"] for r in ranks})
    heads = _head_names(ctx, principal, code, purpose)
    rows = [
        (
            priority,
            str(r["household_id"]),
            heads.get(r["household_id"], ""),
            r["village_code"],
            places.get(r["village_code"], ""),
            r["people"],
            round(float(r["score"]), 6),
            r["national_percentile"],
            r["national_decile"],
            r["province_decile"],
            r["regency_decile"],
        )
        for priority, r in enumerate(ranks, start=1)
    ]
    if fmt == "csv":
        content = csv_bytes(EXPORT_COLUMNS, rows)
    else:
        content = xlsx_bytes([Sheet(msg("Ranked households").render(language), EXPORT_COLUMNS, rows)])
    with ctx.transaction() as conn:
        detail = {"run": str(run["id"]), "format": fmt, "households": len(rows)}
        event = Event(
            kind=events.WELFARE_DECILES_EXPORT,
            actor=principal.actor,
            purpose=purpose,
            object_id=code,
            area_code=code,
            detail=detail,
        )
        audit.record(ctx, conn, event)
    name = f"welfare-{code.replace('.', '-')}-{run['reference_date'].isoformat()}.{fmt}"
    return Export(content, name, MEDIA_TYPES[fmt], len(rows))


def _head_names(ctx: Context, principal: Principal, area: str, purpose: Purpose) -> dict[UUID, str]:
    """Heads of family of the area's households, by household (two families: both names), through the
    registry's own audited listing."""
    names: dict[UUID, list[str]] = defaultdict(list)
    after: tuple[UUID, UUID] | None = None
    while True:
        page = registry.browse_area(ctx, principal, area, after=after, limit=NAMES_PAGE, purpose=purpose)
        for hit in page:
            if hit.household_id is not None:
                names[hit.household_id].append(hit.name)
        if len(page) < NAMES_PAGE:
            break
        last = page[-1]
        assert last.household_id is not None  # heads of family live in households
        after = (last.household_id, last.person_id)
    return {household: "; ".join(found) for household, found in names.items()}
