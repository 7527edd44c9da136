"""Frozen beneficiary lists: their summaries (``programmes:read``: totals, and per village within the
reader's scope), their named households (``registry:read`` covering the village too; audited) and their
exports (CSV and XLSX for people, Parquet for systems: the households in the reader's registry scope only;
audited). A list never changes after its freeze: what it shows is what was frozen."""

from __future__ import annotations

import io
from collections.abc import Iterable
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.engine import RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.programmes import store
from inklusi.programmes.service.views import EntryView, Export, ExportFormat, ListInfo, VillageCount
from inklusi.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from inklusi.wilayah.model import level_of

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
COLUMNS = (
    "household_id", "village_code", "head_name", "people", "score", "national_decile", "benefit", "priority",
)  # fmt: skip
SCHEMA = pa.schema(
    [
        ("household_id", pa.string()),
        ("village_code", pa.string()),
        ("head_name", pa.string()),
        ("people", pa.int32()),
        ("score", pa.float64()),
        ("national_decile", pa.int16()),
        ("benefit", pa.float64()),
        ("priority", pa.int32()),
    ]
)


def list_info(row: RowMapping, villages: Iterable[RowMapping] = ()) -> ListInfo:
    return ListInfo(
        id=row["id"],
        scenario_id=row["scenario_id"],
        programme=row["programme"],
        spec_key=row["spec_key"],
        cycle=row["cycle"],
        welfare_run_id=row["welfare_run_id"],
        registry_at=row["registry_at"],
        frozen_at=row["frozen_at"],
        households=row["households"],
        people=row["people"],
        cost=row["cost"],
        villages=tuple(
            VillageCount(v["village_code"], v["households"], int(v["people"] or 0), float(v["cost"] or 0))
            for v in villages
        ),
    )


def entry_view(row: RowMapping) -> EntryView:
    return EntryView(
        household_id=row["household_id"],
        village_code=row["village_code"],
        people=row["people"],
        score=row["score"],
        national_decile=row["national_decile"],
        benefit=row["benefit"],
        priority=row["priority"],
        head_name=row["head_name"],
    )


def _not_found(list_id: UUID) -> NotFound:
    return NotFound(msg("Beneficiary list {id} not found", id=str(list_id)))


def list_lists(ctx: Context, principal: Principal) -> list[ListInfo]:
    """Every frozen list, newest first (totals only)."""
    principal.require(Permission.programmes_read)
    with ctx.transaction(readonly=True) as conn:
        return [list_info(row) for row in store.lists(conn)]


def get_list(ctx: Context, principal: Principal, list_id: UUID) -> ListInfo:
    """A list with its households, people and cost per village, for the villages in the reader's scope."""
    scope = principal.require(Permission.programmes_read)
    with ctx.transaction(readonly=True) as conn:
        row = store.list_by_id(conn, list_id)
        if row is None:
            raise _not_found(list_id)
        return list_info(row, store.village_counts(conn, list_id, scope))


def list_entries(ctx: Context, principal: Principal, list_id: UUID, village_code: str) -> list[EntryView]:
    """The named households of one village on the list (``registry:read`` covering the village: otherwise
    not found), by priority; audited (``programme.list_read``)."""
    principal.require(Permission.programmes_read)
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        row = store.list_by_id(conn, list_id)
        if row is None or not scope.covers(village_code):
            raise _not_found(list_id)
        found = [entry_view(e) for e in store.entries(conn, list_id, scope, within=village_code)]
        event = Event(
            kind=events.PROGRAMME_LIST_READ,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            object_id=str(list_id),
            area_code=village_code,
            detail={"village": village_code, "households": [str(e.household_id) for e in found]},
        )
        audit.record(ctx, conn, event)
    return found


def _rows(found: list[EntryView]) -> list[list[object]]:
    return [
        [str(e.household_id), e.village_code, e.head_name, e.people, e.score, e.national_decile, e.benefit,
         e.priority]
        for e in found
    ]  # fmt: skip


def export_list(
    ctx: Context,
    principal: Principal,
    list_id: UUID,
    fmt: ExportFormat,
    *,
    area: str | None = None,
) -> Export:
    """The list's households in the reader's registry scope (inside ``area`` if given) as a file;
    audited (``programme.list_export``: the format, the area and how many rows)."""
    principal.require(Permission.programmes_read)
    scope = principal.require(Permission.registry_read)
    if fmt not in MEDIA_TYPES:
        text = msg("Unknown format {format}: use csv, xlsx or parquet", format=str(fmt))
        raise Invalid(text, [Issue("format", "format.unknown", text)])
    if area is not None and level_of(area) is None:
        text = msg("{code} is not an area code (PP, PP.RR, PP.RR.DD or PP.RR.DD.VVVV)", code=area)
        raise Invalid(text, [Issue("area", "area.malformed", text)])
    with ctx.transaction() as conn:
        row = store.list_by_id(conn, list_id)
        if row is None:
            raise _not_found(list_id)
        found = [entry_view(e) for e in store.entries(conn, list_id, scope, within=area)]
        event = Event(
            kind=events.PROGRAMME_LIST_EXPORT,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            object_id=str(list_id),
            area_code=area,
            detail={"format": fmt, "area": area, "rows": len(found)},
        )
        audit.record(ctx, conn, event)
    name = f"{row['programme']}-{row['cycle']}" + (f"-{area}" if area else "")
    return Export(f"{name}.{fmt}", MEDIA_TYPES[fmt], _content(fmt, found))


def _content(fmt: str, found: list[EntryView]) -> bytes:
    if fmt == "csv":
        return csv_bytes(COLUMNS, _rows(found))
    if fmt == "xlsx":
        return xlsx_bytes([Sheet("list", COLUMNS, _rows(found))])
    columns = {name: [getattr(e, name) for e in found] for name in COLUMNS}
    columns["household_id"] = [str(h) for h in columns["household_id"]]
    out = io.BytesIO()
    pq.write_table(pa.table(columns, schema=SCHEMA), out)
    return out.getvalue()
