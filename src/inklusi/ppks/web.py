"""The PPKS pages: the flags of an area for case workers (a list of people in the caller's scope, sensitive
categories only with their permission, with a verify and a reject form per flag) and the planner dashboard
(an area's protected aggregates: a map of its provinces or regencies, ranked tables, charts, unmet need,
exports). Every view, decision and export goes through the PPKS service (scope, permissions, audit); forms
carry the CSRF token."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from inklusi.access.model import Permission, Principal
from inklusi.audit.model import Purpose
from inklusi.disclosure import MARKER
from inklusi.errors import NotFound
from inklusi.i18n import Language, msg
from inklusi.ppks import service
from inklusi.ppks.aggregates import NATIONAL
from inklusi.ppks.dashboard import Figure, Section
from inklusi.ppks.flags import FlagStatus
from inklusi.ppks.spec import load_rules
from inklusi.registry.codelists import codelist
from inklusi.web import charts, maps
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import boundaries
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
STATUS_LABELS = {
    FlagStatus.candidate.value: msg("Candidate"),
    FlagStatus.verified.value: msg("Verified"),
    FlagStatus.rejected.value: msg("Rejected"),
    FlagStatus.retired.value: msg("Retired (evidence gone)"),
}


@router.get("/ppks/candidates")
def candidates_page(
    request: Request,
    principal: PagePrincipal,
    area: Annotated[str | None, Query(max_length=13)] = None,
    category: Annotated[str | None, Query(max_length=60)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    page: Annotated[int, Query(ge=1, le=10_000_000)] = 1,
) -> Response:
    ctx = request.app.state.ctx
    scope = principal.require(Permission.ppks_persons)
    area = area or (scope.areas[0] if scope.areas else None)
    chosen = FlagStatus(status) if status in tuple(FlagStatus) else None
    listing = None
    if area:
        listing = service.candidates_in(
            ctx,
            principal,
            area,
            category=category or None,
            status=chosen,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
    language = page_language(request)
    places = (
        wilayah.area_names(
            ctx,
            {f.area_code for f in listing.flags}
            | {f.village_code for f in listing.flags if f.village_code}
            | {listing.area_code},
        )
        if listing
        else {}
    )
    sexes = {sex: codelist("sex").label(code, language) for code, sex in ((1, "male"), (2, "female"))}
    categories = {c.code: c.name.text(language) for c in service.visible_categories(principal)}
    rules = {rule.id: rule.description.text(language) for rule in load_rules("national").rules}
    query = {"area": area or "", "category": category or "", "status": chosen.value if chosen else ""}
    return render(
        request,
        "ppks/candidates.html",
        active="ppks",
        area=area,
        listing=listing,
        places=places,
        sexes=sexes,
        categories=categories,
        rules=rules,
        statuses=STATUS_LABELS,
        chosen_category=category or "",
        chosen_status=chosen.value if chosen else "",
        page=page,
        pages=max(1, -(-listing.total // PAGE_SIZE)) if listing else 1,
        here="/ppks/candidates?" + urlencode(query),
        may_decide=principal.holds(Permission.ppks_verify),
    )


def _back(next_path: str) -> RedirectResponse:
    safe = next_path.startswith("/ppks/") and "//" not in next_path and "\\" not in next_path
    return RedirectResponse(next_path if safe else "/ppks/candidates", status_code=303)


@router.post("/ppks/flags/{flag_id}/verify", dependencies=[Depends(require_csrf)])
def verify(
    request: Request,
    principal: PagePrincipal,
    flag_id: UUID,
    note: Annotated[str, Form(max_length=2000)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "/ppks/candidates",
) -> Response:
    service.verify(request.app.state.ctx, principal, flag_id, note=note)
    return _back(next_path)


@router.post("/ppks/flags/{flag_id}/reject", dependencies=[Depends(require_csrf)])
def reject(
    request: Request,
    principal: PagePrincipal,
    flag_id: UUID,
    reason: Annotated[str, Form(max_length=2000)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "/ppks/candidates",
) -> Response:
    service.reject(request.app.state.ctx, principal, flag_id, reason=reason)
    return _back(next_path)


# --- The planner dashboard ---------------------------------------------------------------------------

LEVEL_TITLES = {
    "province": msg("Provinces"),
    "regency": msg("Regencies and cities"),
    "district": msg("Districts"),
    "village": msg("Villages"),
}
AreaQuery = Annotated[str | None, Query(max_length=13)]
ChoiceQuery = Annotated[str | None, Query(max_length=60)]


def _dashboard_area(principal: Principal, area: str | None) -> str | None:
    """The area asked for (``ID``: the nation); without one, the nation for those who may read it, else the
    first area of the caller's ``ppks:read`` grants."""
    if area and area.strip():
        return None if area.strip().upper() == NATIONAL else area.strip()
    scope = principal.require(Permission.ppks_read)
    return None if scope.national or not scope.areas else scope.areas[0]


def dashboard_href(area: str, measure: str, category: str, path: str = "/ppks/dashboard") -> str:
    return f"{path}?{urlencode({'area': area, 'measure': measure, 'category': category})}"


def _change(figure: Figure, language: Language) -> str:
    if figure.change is None:
        return ""
    sign = "+" if figure.change > 0 else ("−" if figure.change < 0 else "±")
    return sign + maps.number(abs(figure.change), language)


def _bars(section: Section, language: Language, href=None) -> list[charts.Bar]:
    return [
        charts.Bar(
            f.label, f.value, f.suppressed, href(f.key) if href else None, _change(f, language), key=f.key
        )
        for f in section.figures
    ]


def _table(
    section: Section,
    value_header: str,
    language: Language,
    *,
    changes: bool,
    href=None,
    rank: bool = False,
) -> Markup:
    bars = _bars(section, language, href)
    return Markup(  # built by charts.bar_table, which escapes every text it is given
        charts.bar_table(
            charts.ranked(bars) if rank else bars,
            caption=section.title,
            label_header=section.key_title,
            value_header=value_header,
            extra_header=msg("Change since the previous run").render(language) if changes else None,
            language=language,
            ident=f"table-{section.name}",
        )
    )


@router.get("/ppks/dashboard")
def dashboard_page(
    request: Request,
    principal: PagePrincipal,
    area: AreaQuery = None,
    measure: ChoiceQuery = None,
    category: ChoiceQuery = None,
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    chosen_area = _dashboard_area(principal, area)
    try:
        board = service.dashboard(
            ctx, principal, chosen_area, measure=measure, category=category, language=language
        )
    except NotFound:
        return render(request, "ppks/dashboard.html", active="ppks-dashboard", board=None)
    view = board.view
    code = board.area_code

    def drill(child: str) -> str | None:
        if child == "unknown" or not principal.can(Permission.ppks_read, child):
            return None
        return dashboard_href(child, view.measure, view.category)

    measure_label = dict(view.measures)[view.measure]
    changes = view.has_previous
    children = None
    zeros: list[tuple[str, str | None]] = []
    map_svg = legend = credit = None
    if view.children is not None:
        shown = tuple(f for f in view.children.figures if f.suppressed or f.value)
        zeros = [(f.label, drill(f.key)) for f in view.children.figures if f not in shown]
        listed = Section(view.children.name, view.children.title, view.children.key_title, shown)
        children = _table(listed, measure_label, language, changes=changes, href=drill, rank=True)
        layer = boundaries.layer_below(code)
        if layer is not None:
            values = {
                f.key: maps.AreaValue(f.key, f.label, f.value, f.suppressed, drill(f.key))
                for f in view.children.figures
            }
            label = msg(
                "Map: {measure}, {category}, by {level}",
                measure=measure_label,
                category=view.category_label,
                level=LEVEL_TITLES[layer.level].render(language).lower(),
            ).render(language)
            map_svg = Markup(maps.choropleth(layer, values, label=label, language=language))
            legend = Markup(
                maps.legend_html(
                    maps.legend(list(values.values()), language), caption=msg("Legend").render(language)
                )
            )
            credit = layer.credit

    def by_category_href(key: str) -> str:
        return dashboard_href(code, view.measure, key)

    tables = {
        "by_category": _table(
            view.by_category, measure_label, language, changes=changes, href=by_category_href
        ),
        "needs": _table(view.needs, msg("People").render(language), language, changes=changes),
        "breakdowns": [_table(s, measure_label, language, changes=changes) for s in view.breakdowns],
    }
    crumbs = [
        (name, dashboard_href(crumb, view.measure, view.category) if crumb != code else None)
        for crumb, name in board.lineage
        if crumb == code or principal.can(Permission.ppks_read, None if crumb == NATIONAL else crumb)
    ]
    scoped = None if code == NATIONAL else code
    return render(
        request,
        "ppks/dashboard.html",
        active="ppks-dashboard",
        board=board,
        marker=MARKER,
        view=view,
        summary=board.summary,
        crumbs=crumbs,
        measure_label=measure_label,
        tables=tables,
        children=children,
        zeros=zeros,
        children_title=(
            LEVEL_TITLES[board.summary.child_level].render(language) if board.summary.child_level else ""
        ),
        map_svg=map_svg,
        legend=legend,
        credit=credit,
        credit_text=credit.text.render(language) if credit else "",
        named_list=(
            f"/ppks/candidates?{urlencode({'area': code})}"
            if code != NATIONAL and principal.can(Permission.ppks_persons, scoped)
            else None
        ),
        exports={
            fmt: dashboard_href(code, view.measure, view.category, f"/ppks/dashboard/export.{fmt}")
            for fmt in ("csv", "xlsx")
        },
    )


@router.get("/ppks/dashboard/export.{fmt}")
def dashboard_export(
    request: Request,
    principal: PagePrincipal,
    fmt: str,
    area: AreaQuery = None,
    measure: ChoiceQuery = None,
    category: ChoiceQuery = None,
) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise NotFound(msg("No such export format: {format}", format=fmt))
    exported = service.export_dashboard(
        request.app.state.ctx,
        principal,
        _dashboard_area(principal, area),
        fmt="csv" if fmt == "csv" else "xlsx",
        measure=measure,
        category=category,
        language=page_language(request),
        purpose=Purpose.programme_targeting,
    )
    disposition = {"Content-Disposition": f'attachment; filename="{exported.filename}"'}
    return Response(exported.content, media_type=exported.media_type, headers=disposition)
