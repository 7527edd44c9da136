"""The assessment and plan pages of a case. ``/cases/{id}/assessment``: one need level (and note) per
ATENSI service type, the risk level and the PPKS categories confirmed, prefilled from the person's PPKS
flags and the needs profile (``service.assessment_draft``). ``/cases/{id}/plan``: the plan's goals and
items (service type, responsible organisation, dates), prefilled from the latest version; it is proposed
for a supervisor's approval from the case page."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.audit.model import Purpose
from inklusi.cases import service
from inklusi.cases.records import Assessment, Need, NeedLevel, Plan, PlanItem, RiskLevel
from inklusi.cases.web import labels
from inklusi.cases.web.case import FormDep, attempt
from inklusi.cases.web.forms import Posted, Problems, render_again
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity, ServiceType
from inklusi.web.pages import page_language
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)
EMPTY_ROWS = 3  # plan items offered beyond those of the latest plan
MAX_ROWS = 50
ITEM = re.compile(r"^items\[(\d+)\]")


def _screen(request: Request, principal: Principal, case_id: UUID, record: str) -> service.CaseScreen:
    screen = service.case_screen(request.app.state.ctx, principal, case_id, purpose=Purpose.case_management)
    if record not in screen.records:
        raise NotFound(msg("Nothing of this kind can be recorded in case {id} by you now", id=str(case_id)))
    return screen


def show_assessment(
    request: Request, principal: Principal, case_id: UUID, *, problems: Problems | None = None
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    screen = _screen(request, principal, case_id, "assessment")
    draft = service.assessment_draft(ctx, principal, case_id)
    visible = labels.categories(language)
    shown = [code for code in visible if code in draft.categories or code in (screen.case.categories or ())]
    return render_again(
        request,
        "cases/assessment.html",
        problems,
        active="cases",
        case=screen.case,
        draft=draft,
        levels={need.service_type.value: need.level.value for need in draft.needs},
        categories={code: visible[code] for code in visible if code in _nameable(screen)},
        checked=set(problems.chosen("categories")) if problems else set(shown),
        labels=labels.page_labels(language),
    )


def _nameable(screen: service.CaseScreen) -> set[str]:
    """The categories the worker may name: all, or without ppks:sensitive the personal ones (the page only
    offers what the service accepts from them)."""
    sensitive = screen.case.sensitive is not None
    return {c.code for c in taxonomy.categories() if sensitive or c.sensitivity is Sensitivity.personal}


@router.get("/cases/{case_id}/assessment")
def assessment_page(request: Request, principal: PagePrincipal, case_id: UUID) -> Response:
    return show_assessment(request, principal, case_id)


@router.post("/cases/{case_id}/assessment", dependencies=[Depends(require_csrf)])
def record_assessment(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        risk = posted.choice("risk_level", RiskLevel)
        needs = []
        for index, kind in enumerate(ServiceType):
            level = posted.choice(f"need.{kind.value}", NeedLevel)
            if level is None:  # the service's name for the field: needs[index].level
                posted.issues[-1] = replace(posted.issues[-1], field=f"needs[{index}].level")
            needs.append(Need(kind, level or NeedLevel.none, posted.optional(f"note.{kind.value}")))
        version = posted.whole("version")
        posted.check()
        assert risk is not None
        categories = tuple(posted.texts("categories"))
        assessment = Assessment(tuple(needs), risk, categories, posted.optional("summary"))
        service.record_assessment(
            request.app.state.ctx, principal, case_id, assessment, expected_version=version
        )

    def again(problems: Problems) -> Response:
        return show_assessment(request, principal, case_id, problems=problems)

    return attempt(request, principal, case_id, "assessment", posted, act, anchor="assessment", again=again)


def show_plan(
    request: Request,
    principal: Principal,
    case_id: UUID,
    rows: int = 0,
    *,
    problems: Problems | None = None,
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    screen = _screen(request, principal, case_id, "plan")
    latest = screen.case.plans[0] if screen.case.plans else None
    items = [
        {
            "service_type": item.service_type.value,
            "organisation": str(item.responsible_organisation.id),
            "start_on": item.start_on.isoformat(),
            "due_on": item.due_on.isoformat(),
        }
        for item in (latest.items if latest else ())
    ]
    if problems is not None:  # what was typed
        count = int(str(problems.value("rows", "0")) or 0)
        items = [
            {
                name: str(problems.value(f"item-{i}-{name}"))
                for name in ("service_type", "organisation", "start_on", "due_on")
            }
            for i in range(min(count, MAX_ROWS))
        ]
    rows = min(max(rows, len(items) + EMPTY_ROWS), MAX_ROWS)
    items += [{} for _ in range(rows - len(items))]
    owner = screen.case.owner_organisation
    return render_again(
        request,
        "cases/plan.html",
        problems,
        active="cases",
        case=screen.case,
        goals="\n".join(latest.goals) if latest else "",
        items=items,
        default_org=str(owner.id) if owner else "",
        organisations=dict(sorted(access.organisation_names(ctx).items(), key=lambda item: item[1])),
        today=date.today().isoformat(),
        labels=labels.page_labels(language),
    )


@router.get("/cases/{case_id}/plan")
def plan_page(
    request: Request,
    principal: PagePrincipal,
    case_id: UUID,
    rows: Annotated[int, Query(ge=0, le=MAX_ROWS)] = 0,
) -> Response:
    return show_plan(request, principal, case_id, rows)


@router.post("/cases/{case_id}/plan", dependencies=[Depends(require_csrf)])
def record_plan(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        goals = tuple(line.strip() for line in posted.text("goals").splitlines() if line.strip())
        items, rows = [], []
        for row in range(min(posted.whole("rows") or 0, MAX_ROWS)):
            name = f"item-{row}-"
            if not posted.text(name + "service_type"):
                continue  # an empty row
            field = f"items[{row}]."
            kind = posted.choice(name + "service_type", ServiceType)
            org = posted.ident(name + "organisation", required=True)
            start = posted.day(name + "start_on", required=True)
            due = posted.day(name + "due_on", required=True)
            posted.issues = [
                replace(i, field=field + i.field.removeprefix(name)) if i.field.startswith(name) else i
                for i in posted.issues
            ]
            if kind and org and start and due:
                items.append(PlanItem(kind, org, start, due))
                rows.append(row)
        version = posted.whole("version")
        posted.check()
        try:
            service.record_plan(
                request.app.state.ctx, principal, case_id, Plan(goals, tuple(items)), expected_version=version
            )
        except Invalid as error:  # the service counts the items given; the page, its rows
            raise Invalid(error.text, [_on_row(i, rows) for i in error.issues]) from None

    def again(problems: Problems) -> Response:
        return show_plan(request, principal, case_id, problems=problems)

    return attempt(request, principal, case_id, "plan", posted, act, anchor="plan", again=again)


def _on_row(issue: Issue, rows: list[int]) -> Issue:
    """An issue of the service's ``items[k]`` named by the page's row of that item."""
    found = ITEM.match(issue.field)
    if found is None or int(found.group(1)) >= len(rows):
        return issue
    return replace(issue, field=f"items[{rows[int(found.group(1))]}]" + issue.field[found.end() :])
