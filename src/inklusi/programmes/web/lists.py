"""Beneficiary lists: the lists frozen so far with a form to freeze one from a saved scenario
(``/programmes/lists``), and a list (``/programmes/lists/{id}``): where it came from (registry moment,
welfare run, spec version), its export buttons (CSV, XLSX, Parquet: the caller's villages only) and its
villages with their counts, each leading to the village's FKP page."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission, Principal
from inklusi.errors import Conflict, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.programmes import service
from inklusi.programmes.web.forms import FormDep, Posted, Problems
from inklusi.programmes.web.results import rupiah
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)
FORMATS = ("csv", "xlsx", "parquet")


def show_lists(request: Request, principal: Principal, problems: Problems | None = None) -> Response:
    principal.require(Permission.programmes_read)
    ctx = request.app.state.ctx
    language = page_language(request)
    may_freeze = principal.holds(Permission.programmes_manage)
    return render(
        request,
        "programmes/lists.html",
        status_code=problems.status if problems else 200,
        active="programmes",
        lists=service.list_lists(ctx, principal),
        scenarios=service.list_scenarios(ctx, principal) if may_freeze else [],
        may_freeze=may_freeze,
        problems=problems,
        rupiah=lambda value: rupiah(value, language),
    )


@router.get("/programmes/lists")
def lists_page(request: Request, principal: PagePrincipal) -> Response:
    return show_lists(request, principal)


@router.post("/programmes/lists", dependencies=[Depends(require_csrf)])
def freeze(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    """Freeze a saved scenario into a list for a cycle; then the list's page."""
    principal.require(Permission.programmes_manage)
    posted = Posted(form)
    cycle = posted.text("cycle", 100)
    try:
        try:
            scenario_id = UUID(posted.text("scenario_id"))
        except ValueError:
            raise Invalid(
                msg("The list was not frozen"), [Issue("scenario_id", "required", msg("Choose a scenario"))]
            ) from None
        frozen = service.freeze(request.app.state.ctx, principal, scenario_id, cycle=cycle)
    except (Invalid, Conflict) as error:
        return show_lists(request, principal, Problems.of(error, page_language(request), form))
    return RedirectResponse(f"/programmes/lists/{frozen.id}", status_code=303)


@router.get("/programmes/lists/{list_id}")
def list_page(request: Request, principal: PagePrincipal, list_id: UUID) -> Response:
    principal.require(Permission.programmes_read)
    ctx = request.app.state.ctx
    language = page_language(request)
    found = service.get_list(ctx, principal, list_id)
    villages = list(found.villages)
    names = wilayah.area_names(ctx, {v.code for v in villages})
    return render(
        request,
        "programmes/list.html",
        active="programmes",
        found=found,
        villages=villages,
        names=names,
        formats=FORMATS,
        may_name=principal.holds(Permission.registry_read),
        rupiah=lambda value: rupiah(value, language),
    )


@router.get("/programmes/lists/{list_id}/export")
def export(
    request: Request,
    principal: PagePrincipal,
    list_id: UUID,
    format: Annotated[str, Query(max_length=10)] = "csv",
    area: Annotated[str | None, Query(max_length=13)] = None,
) -> Response:
    if format not in FORMATS:
        raise NotFound(msg("No such export format: {format}", format=format))
    fmt: Literal["csv", "xlsx", "parquet"] = format  # type: ignore[assignment]  # checked above
    exported = service.export_list(request.app.state.ctx, principal, list_id, fmt, area=area or None)
    disposition = {"Content-Disposition": f'attachment; filename="{exported.filename}"'}
    return Response(exported.content, media_type=exported.media_type, headers=disposition)
