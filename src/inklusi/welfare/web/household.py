"""The welfare section of the household page: the latest rank (national, province and regency deciles)
and why — each proxy's contribution, largest first. Loaded into the household page by HTMX, so the
registry's pages need not know the welfare slice; the reads go through the service (scope, audit)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from inklusi.errors import NotFound
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal
from inklusi.welfare import service

router = APIRouter(include_in_schema=False)
SHOWN_CONTRIBUTIONS = 8


@router.get("/households/{household_id}/welfare")
def household_welfare(request: Request, principal: PagePrincipal, household_id: UUID) -> Response:
    ctx = request.app.state.ctx
    try:
        explanation = service.explain_household(ctx, principal, household_id, language=page_language(request))
    except NotFound:
        explanation = None
    return render(
        request,
        "welfare/_household.html",
        explanation=explanation,
        shown=SHOWN_CONTRIBUTIONS,
        household_id=household_id,
    )
