"""The PPKS flags of an area for case workers: a list (people in the caller's scope, sensitive categories only
with their permission) with a verify and a reject form per flag. Every view and decision goes through the
PPKS service (scope, permissions, audit); forms carry the CSRF token."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission
from inklusi.i18n import msg
from inklusi.ppks import service
from inklusi.ppks.flags import FlagStatus
from inklusi.ppks.spec import load_rules
from inklusi.registry.codelists import codelist
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf
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
