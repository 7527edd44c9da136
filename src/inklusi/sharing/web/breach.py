"""The breach report (``/sharing/breach``, ``audit:read``): a partner's credential or a user and a window
of days; the persons and households read, with counts, and the entries; the same as a CSV file. The form
is a GET (it reads): every report made is recorded by the service (``breach.report``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.db import utcnow
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.sharing import service
from inklusi.sharing.web.forms import show
from inklusi.sharing.web.subjects import Problems, day_start
from inklusi.web.pages import attachment, page_language
from inklusi.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)


class BreachForm(BaseModel):
    partner: str = ""
    user: str = ""
    date_from: str = ""
    date_to: str = ""


@dataclass(frozen=True)
class Window:
    actor: str
    since: datetime
    until: datetime


def window_of(request: Request, form: BreachForm) -> Window:
    """The actor and the days asked for (the end day included); Invalid naming each wrong field."""
    issues: list[Issue] = []
    partner, user = form.partner.strip()[:100], form.user.strip()[:120]
    if bool(partner) == bool(user):
        issues.append(Issue("partner", "required", msg("Name a partner's client id or a user (one of them)")))
    since = day_start(request, form.date_from.strip(), "date_from", issues)
    until = day_start(request, form.date_to.strip(), "date_to", issues, next_day=True)
    if issues:
        raise Invalid(msg("The breach report was not made"), issues)
    assert since is not None and until is not None  # no issue: both read
    return Window(service.partner_actor(partner) if partner else user, since, until)


def _asked(form: BreachForm) -> bool:
    return any(value.strip() for value in form.model_dump().values())


def breach_page_for(request: Request, principal: Principal, form: BreachForm, template: str) -> Response:
    principal.require(Permission.audit_read)
    report = problems = None
    if _asked(form):
        try:
            window = window_of(request, form)
            report = service.breach_report(
                request.app.state.ctx, principal, actor=window.actor, since=window.since, until=window.until
            )
        except Invalid as error:
            problems = Problems.of(error, page_language(request))
    return show(
        request,
        template,
        status_code=problems.status if problems else 200,
        form=form,
        report=report,
        problems=problems,
        describe=events.describe,
        today=utcnow().astimezone(ZoneInfo(request.app.state.ctx.settings.timezone)).date().isoformat(),
    )


@router.get("/sharing/breach")
def breach_page(request: Request, principal: PagePrincipal, form: Annotated[BreachForm, Query()]) -> Response:
    return breach_page_for(request, principal, form, "sharing/breach.html")


@router.get("/sharing/breach.csv")
def breach_file(request: Request, principal: PagePrincipal, form: Annotated[BreachForm, Query()]) -> Response:
    principal.require(Permission.audit_read)
    try:
        window = window_of(request, form)
    except Invalid:
        return breach_page(request, principal, form)
    report = service.breach_report(
        request.app.state.ctx, principal, actor=window.actor, since=window.since, until=window.until,
        format="csv",
    )  # fmt: skip
    name = f"breach-{utcnow():%Y%m%d-%H%M%S}.csv"
    return attachment(service.report_csv(report), "text/csv; charset=utf-8", name)
