"""The worker's inbox (``/cases``): their open cases by follow-up day (overdue in red), referrals and
transfers waiting for their organisation (answered right there), their overdue follow-ups, the
organisation's overdue referrals, break-the-glass notices on its cases, and a page of the organisation's
cases; and the dashboards (``/cases/dashboard``): the organisation's figures for its members, an area's
protected figures for roles without individual access (suppressed cells marked as the PPKS dashboard
marks them)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from inklusi.access.model import Permission, Principal
from inklusi.cases import service
from inklusi.cases.model import Phase
from inklusi.cases.web import labels
from inklusi.cases.web.forms import Problems, render_again
from inklusi.disclosure import MARKER
from inklusi.errors import Invalid
from inklusi.web import charts
from inklusi.web.area_picker import AreaPicker
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
AreaQuery = Annotated[str, Query(max_length=13)]


def show_inbox(
    request: Request,
    principal: Principal,
    *,
    phase: str = "",
    closed: bool = False,
    page: int = 1,
    problems: Problems | None = None,
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    waiting = service.inbox(ctx, principal)
    chosen = Phase(phase) if phase in {p.value for p in Phase} else None
    listing = service.list_cases(
        ctx,
        principal,
        phase=chosen,
        open_only=not closed and chosen is not Phase.closed,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    query = {"phase": chosen.value if chosen else "", "closed": "1" if closed else ""}
    return render_again(
        request,
        "cases/inbox.html",
        problems,
        active="cases",
        inbox=waiting,
        listing=listing,
        labels=labels.page_labels(language),
        sex=lambda value: labels.sex(value, language),
        chosen_phase=chosen.value if chosen else "",
        closed=closed,
        page=page,
        pages=max(1, -(-listing.total // PAGE_SIZE)),
        here="/cases?" + urlencode({k: v for k, v in query.items() if v}),
        may_open=principal.holds(Permission.cases_write),
        may_break_glass=principal.holds(Permission.cases_break_glass),
    )


@router.get("/cases")
def inbox_page(
    request: Request,
    principal: PagePrincipal,
    phase: Annotated[str, Query(max_length=20)] = "",
    closed: bool = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    principal.require(Permission.cases_read)
    return show_inbox(request, principal, phase=phase, closed=closed, page=page)


def _levels(code: str) -> tuple[str, str, str, str]:
    """The area picker's four choices down to ``code`` (``32.73`` → province 32, regency 32.73)."""
    parts = code.split(".") if code else []
    found = [".".join(parts[: i + 1]) if i < len(parts) else "" for i in range(4)]
    return found[0], found[1], found[2], found[3]


@router.get("/cases/dashboard")
def dashboard_page(
    request: Request,
    principal: PagePrincipal,
    province: AreaQuery = "",
    regency: AreaQuery = "",
    district: AreaQuery = "",
    village: AreaQuery = "",
) -> Response:
    """The organisation's figures (``cases:read``) and an area's protected ones (``ppks:read``)."""
    ctx = request.app.state.ctx
    language = page_language(request)
    members = principal.holds(Permission.cases_read) and principal.organisation_id is not None
    planners = principal.holds(Permission.ppks_read)
    if not members and not planners:
        principal.require(Permission.cases_read)  # 403: neither
    own = service.organisation_dashboard(ctx, principal) if members else None
    picker = area = problem = None
    if planners:
        chosen = (province, regency, district, village)
        if not any(chosen):  # the first area of the reader's grants (a national reader chooses one)
            scope = principal.scope(Permission.ppks_read)
            chosen = _levels(scope.areas[0] if scope.areas else "")
        picker = AreaPicker.load(ctx, *chosen)
        if picker.deepest:
            try:
                area = service.area_dashboard(ctx, principal, picker.deepest)
            except Invalid as error:
                problem = error.text.render(language)
    return render(
        request,
        "cases/dashboard.html",
        active="cases-dashboard",
        own=own,
        area=area,
        picker=picker,
        problem=problem,
        marker=MARKER,
        suppressed=Markup(charts.suppressed_cell(language)),  # escaped by charts
        labels=labels.page_labels(language),
    )
