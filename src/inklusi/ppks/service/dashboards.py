"""The planner dashboard's figures and their exports: an area's stored summary (:func:`summary`, so the same
permissions: ``ppks:read`` over the area, sensitive categories and the ``all`` rows only with
``ppks:sensitive``) turned into the view of :mod:`inklusi.ppks.dashboard`, with the names of the area, its
ancestors and its children. A village's figures are its column in its district's tables (a village has none
of its own), read when the caller's access covers the district.

Viewing is not audited (protected aggregates, no person: like :func:`summary`). An **export** is: one entry
``ppks.summary.export`` per file, naming the area, the measure, the category (a sensitive one only as
``sensitive``), the run and how many figures, and how many of them suppressed, the file holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.disclosure import MARKER
from inklusi.i18n import Language, msg
from inklusi.ppks.aggregates import NATIONAL
from inklusi.ppks.dashboard import EXPORT_HEADER, View, build, export_rows, suppressed_note
from inklusi.ppks.publication import ALL
from inklusi.ppks.service.flags import audited_category
from inklusi.ppks.service.summarising import summary
from inklusi.ppks.summary import Summary
from inklusi.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import ancestor_codes, parent_code

ExportFormat = Literal["csv", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NATION_NAME = msg("Indonesia")


@dataclass(frozen=True)
class Dashboard:
    area_code: str
    """``ID`` for the nation."""
    area_name: str
    level: str
    lineage: tuple[tuple[str, str], ...]
    """(code, name) from the nation down to the area itself."""
    summary: Summary
    """Where the figures come from: the area's summary (a village's: its district's)."""
    view: View
    names: Mapping[str, str] = field(default_factory=dict)
    """The names of the child areas listed."""
    village_hidden: bool = False
    """A village whose district the caller's access does not cover: no figures can be shown."""


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    media_type: str


def dashboard(
    ctx: Context,
    principal: Principal,
    area: str | None = None,
    *,
    measure: str | None = None,
    category: str | None = None,
    language: Language = "id",
) -> Dashboard:
    """The dashboard of ``area`` (None: the nation) for a measure and a category (unknown or hidden ones
    fall back to the defaults). Raises what :func:`summary` raises: Forbidden outside the caller's
    ``ppks:read``, Invalid for an unknown area, NotFound when no run has aggregates yet."""
    found = summary(ctx, principal, area)
    code = found.area_code
    lineage_codes = [*ancestor_codes(code), code] if code != NATIONAL else []
    names = wilayah.area_names(ctx, set(lineage_codes))
    lineage = ((NATIONAL, NATION_NAME.render(language)), *((c, names.get(c, c)) for c in lineage_codes))
    if found.level == "village":
        district = parent_code(code) or code
        hidden = not principal.can(Permission.ppks_read, district)
        source = found if hidden else summary(ctx, principal, district)
        view = build(
            source,
            measure=measure,
            category=category,
            language=language,
            column=code,
            area_code=code,
            level=found.level,
        )
        return Dashboard(code, lineage[-1][1], found.level, lineage, source, view, village_hidden=hidden)
    children = wilayah.children(ctx, None if code == NATIONAL else code)
    child_names = {area.code: area.name for area in children}
    view = build(
        found,
        measure=measure,
        category=category,
        language=language,
        children=[area.code for area in children],
        names=child_names,
    )
    return Dashboard(code, lineage[-1][1], found.level, lineage, found, view, child_names)


def _about(board: Dashboard, language: Language) -> list[tuple[str, str]]:
    thresholds = board.summary.thresholds
    return [
        (msg("Area").render(language), f"{board.area_name} ({board.area_code})"),
        (msg("Figures computed").render(language), board.summary.computed_at.isoformat(timespec="seconds")),
        (msg("Reference date").render(language), board.summary.reference_date.isoformat()),
        (
            msg("Suppression").render(language),
            msg(
                "Counts below {personal} ({sensitive} for sensitive categories) are suppressed, and so are "
                "the figures that would let one be worked out; a suppressed figure is written {marker}.",
                personal=thresholds.personal,
                sensitive=thresholds.sensitive,
                marker=MARKER,
            ).render(language),
        ),
        (MARKER, suppressed_note(language)),
    ]


def export_dashboard(
    ctx: Context,
    principal: Principal,
    area: str | None = None,
    *,
    fmt: ExportFormat,
    measure: str | None = None,
    category: str | None = None,
    language: Language = "id",
    purpose: Purpose = Purpose.programme_targeting,
) -> Export:
    """The dashboard's figures as a CSV or XLSX file (suppressed figures as the disclosure marker with a
    note, never their count), audited."""
    board = dashboard(ctx, principal, area, measure=measure, category=category, language=language)
    view = board.view
    rows = (
        []
        if board.village_hidden
        else export_rows(
            view, area_name=board.area_name, reference_date=board.summary.reference_date, language=language
        )
    )
    if fmt == "csv":
        content = csv_bytes(EXPORT_HEADER, rows)
    else:
        header = (msg("Field").render(language), msg("Value").render(language))
        about = Sheet(msg("About").render(language), header, _about(board, language))
        content = xlsx_bytes([Sheet("ppks", EXPORT_HEADER, rows), about])
    suppressed = sum(1 for row in rows if row[EXPORT_HEADER.index("note")])
    with ctx.transaction() as conn:
        detail = {
            "format": fmt,
            "measure": view.measure,
            "category": ALL if view.category == ALL else audited_category(view.category),
            "run": str(board.summary.run_id),
            "figures": len(rows),
            "suppressed": suppressed,
        }
        event = Event(
            kind=events.PPKS_SUMMARY_EXPORT,
            actor=principal.actor,
            purpose=purpose,
            object_id=board.area_code,
            area_code=None if board.area_code == NATIONAL else board.area_code,
            detail=detail,
        )
        audit.record(ctx, conn, event)
    slug = board.area_code.replace(".", "-")
    name = f"ppks-{slug}-{view.measure}-{view.category}-{board.summary.reference_date.isoformat()}.{fmt}"
    return Export(content, name, MEDIA_TYPES[fmt])
