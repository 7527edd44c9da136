"""The planner's pages by area: an area's households by national decile, per child area, on a map (provinces
and regencies have boundaries) and in a table; the movements between two rankings by child area; and the
export of an area's ranked households (for those whose ``registry:read`` covers the area, audited)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from inklusi.access.model import Permission, Principal
from inklusi.errors import NotFound
from inklusi.i18n import Language, msg
from inklusi.web import maps
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal
from inklusi.welfare import service
from inklusi.welfare.model import DECILES
from inklusi.welfare.service import AreaDeciles
from inklusi.wilayah import boundaries
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import ancestor_codes

router = APIRouter(include_in_schema=False)
NATION = boundaries.NATION
AreaQuery = Annotated[str | None, Query(max_length=13)]
RunQuery = Annotated[UUID | None, Query()]
DEFAULT_POOREST = 4
VILLAGE_CODE_LENGTH = 13


def _area(principal: Principal, area: str | None) -> str | None:
    """The area asked for (``ID``: the nation); without one, the nation for those who may read all of it,
    else the first area of the caller's ``registry:read`` grants."""
    if area and area.strip():
        return None if area.strip().upper() == NATION else area.strip()
    scope = principal.require(Permission.registry_read)
    return None if scope.national or not scope.areas else scope.areas[0]


def href(path: str, **query: object) -> str:
    return f"{path}?{urlencode({k: str(v) for k, v in query.items() if v is not None and v != ''})}"


def lineage(request: Request, principal: Principal, code: str | None, link) -> list[tuple[str, str | None]]:
    """(name, link or None for the area itself) from the nation down to the area, links only where the
    caller's access reaches."""
    language = page_language(request)
    codes = [*ancestor_codes(code), code] if code else []
    names = wilayah.area_names(request.app.state.ctx, set(codes))
    crumbs: list[tuple[str, str | None]] = []
    for crumb in [NATION, *codes]:
        name = msg("Indonesia").render(language) if crumb == NATION else names.get(crumb, crumb)
        here = crumb == (code or NATION)
        allowed = principal.can(Permission.registry_read, None if crumb == NATION else crumb)
        if here or allowed:
            crumbs.append((name, None if here else link(crumb)))
    return crumbs


def _map(found: AreaDeciles, poorest: int, drill, language: Language):
    layer = boundaries.layer_below(found.area_code or NATION)
    if layer is None:
        return None, None, None
    values = {
        row.code: maps.AreaValue(row.code, row.name, round(100 * row.share(poorest)), href=drill(row.code))
        for row in found.rows
    }
    label = msg("Map: per cent of households in national deciles 1 to {n}", n=poorest).render(language)
    svg = Markup(maps.choropleth(layer, values, label=label, language=language))  # escaped by maps
    caption = msg("Legend: per cent of households").render(language)
    legend = Markup(maps.legend_html(maps.legend(list(values.values()), language), caption=caption))
    return svg, legend, layer.credit


@router.get("/welfare/deciles")
def deciles_page(
    request: Request,
    principal: PagePrincipal,
    area: AreaQuery = None,
    run: RunQuery = None,
    poorest: Annotated[int, Query(ge=1, le=DECILES)] = DEFAULT_POOREST,
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    code = _area(principal, area)
    try:
        found = service.decile_distribution(ctx, principal, code, run_id=run)
    except NotFound:
        return render(request, "welfare/deciles.html", active="welfare", found=None)
    run_id = found.run.id

    def link(child: str) -> str:
        return href("/welfare/deciles", area=child, run=run_id, poorest=poorest)

    def drill(child: str) -> str | None:
        return link(child) if len(child) < VILLAGE_CODE_LENGTH else None  # a village has no children

    map_svg, legend, credit = _map(found, poorest, drill, language)
    crumbs = lineage(request, principal, found.area_code, link)
    exportable = found.area_code is not None and principal.can(Permission.registry_read, found.area_code)
    exports = (
        {
            fmt: href("/welfare/deciles/export", area=found.area_code, run=run_id, format=fmt)
            for fmt in ("csv", "xlsx")
        }
        if exportable
        else None
    )
    return render(
        request,
        "welfare/deciles.html",
        active="welfare",
        found=found,
        crumbs=crumbs,
        area_name=crumbs[-1][0],
        poorest=poorest,
        deciles=range(1, DECILES + 1),
        runs=service.list_runs(ctx),
        drill=drill,
        map_svg=map_svg,
        legend=legend,
        credit=credit,
        credit_text=credit.text.render(language) if credit else "",
        exports=exports,
    )


@router.get("/welfare/movements")
def movements_page(
    request: Request,
    principal: PagePrincipal,
    area: AreaQuery = None,
    from_run: Annotated[UUID | None, Query(alias="from")] = None,
    to_run: Annotated[UUID | None, Query(alias="to")] = None,
) -> Response:
    ctx = request.app.state.ctx
    code = _area(principal, area)
    try:
        found = service.movements_by_area(ctx, principal, code, from_run=from_run, to_run=to_run)
    except NotFound as error:
        return render(request, "welfare/movements.html", active="welfare", found=None, reason=error.text)

    def link(child: str) -> str:
        return href("/welfare/movements", area=child, **{"from": found.from_run.id, "to": found.to_run.id})

    def drill(child: str) -> str | None:
        return link(child) if len(child) < VILLAGE_CODE_LENGTH else None

    crumbs = lineage(request, principal, found.area_code, link)
    return render(
        request,
        "welfare/movements.html",
        active="welfare",
        found=found,
        crumbs=crumbs,
        area_name=crumbs[-1][0],
        drill=drill,
        runs=service.list_runs(ctx),
        totals=(
            sum(r.poorer for r in found.rows),
            sum(r.richer for r in found.rows),
            sum(r.same for r in found.rows),
        ),
    )


@router.get("/welfare/deciles/export")
def deciles_export(
    request: Request,
    principal: PagePrincipal,
    area: AreaQuery = None,
    run: RunQuery = None,
    fmt: Annotated[str, Query(alias="format", max_length=8)] = "csv",
) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise NotFound(msg("No such export format: {format}", format=fmt))
    exported = service.export_ranked(
        request.app.state.ctx,
        principal,
        _area(principal, area) or "",
        fmt="csv" if fmt == "csv" else "xlsx",
        run_id=run,
        language=page_language(request),
    )
    disposition = {"Content-Disposition": f'attachment; filename="{exported.filename}"'}
    return Response(exported.content, media_type=exported.media_type, headers=disposition)
