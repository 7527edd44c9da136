"""Data-subject requests (``/sharing/subjects``): the queue of the handler's area with each deadline
(overdue in red, due within 24 hours highlighted), the form that takes a request (the person by NIK or
id), a request with its actions (its access report, closing it with a response), and the access report as
a printable page and a JSON file. Every read and write goes through the sharing service (scope, audit);
a refused form is shown above the form, never as an error page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from inklusi.access.model import Permission, Principal
from inklusi.db import utcnow
from inklusi.errors import Conflict, InklusiError, Invalid, Issue
from inklusi.i18n import Language, msg
from inklusi.registry.labels import value_label
from inklusi.sharing import service
from inklusi.sharing.subjects import CHANNELS, DeletionItem, RequestKind
from inklusi.sharing.web.forms import show
from inklusi.web.pages import attachment, page_language
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)


async def form_of(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(form_of)]


@dataclass(frozen=True)
class Problems:
    """A refused form: the message, each field's first issue, every issue's words."""

    status: int
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    texts: tuple[str, ...] = ()

    @classmethod
    def of(cls, error: InklusiError, language: Language) -> Problems:
        fields: dict[str, str] = {}
        for issue in error.issues:
            fields.setdefault(issue.field, issue.text.render(language))
        texts = tuple(f"{i.field}: {i.text.render(language)}" for i in error.issues)
        return cls(error.status, error.text.render(language), fields, texts)


def text_of(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name, "")
    return value[:limit].strip() if isinstance(value, str) else ""


def day_start(
    request: Request, value: str, name: str, issues: list[Issue], *, next_day: bool = False
) -> datetime | None:
    """A date typed as YYYY-MM-DD, as the start of that day (or of the next) in the configured zone."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        issues.append(Issue(name, "invalid", msg("{value} is not a date (YYYY-MM-DD)", value=value[:20])))
        return None
    zone = ZoneInfo(request.app.state.ctx.settings.timezone)
    return datetime.combine(day + timedelta(days=1) if next_day else day, time.min, zone)


@router.get("/sharing/subjects")
def queue_page(
    request: Request, principal: PagePrincipal, status: Annotated[str, Query(max_length=10)] = "open"
) -> Response:
    ctx = request.app.state.ctx
    chosen = status if status in service.QUEUES else "open"
    found = service.request_queue(ctx, principal, show=chosen)
    now = utcnow()
    return show(
        request,
        "sharing/subjects.html",
        rows=[(r, r.deadline(now)) for r in found],
        chosen=chosen,
        queues=service.QUEUES,
        places=wilayah.area_names(ctx, {r.village_code for r in found}),
    )


def show_new(
    request: Request, principal: Principal, values: dict[str, str], problems: Problems | None = None
) -> Response:
    principal.require(Permission.subjects_manage)
    return show(
        request,
        "sharing/subject_new.html",
        status_code=problems.status if problems else 200,
        values=values,
        problems=problems,
        kinds=list(RequestKind),
        channels=CHANNELS,
        items=list(DeletionItem),
    )


@router.get("/sharing/subjects/new")
def new_page(
    request: Request, principal: PagePrincipal, person: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    return show_new(request, principal, {"person": person})


def _input(form: FormData) -> service.RequestInput:
    issues: list[Issue] = []
    person = text_of(form, "person", 60).replace(" ", "")
    person_id = nik = None
    if len(person) == 16 and person.isdigit():
        nik = person
    elif person:
        try:
            person_id = UUID(person)
        except ValueError:
            issues.append(Issue("person", "invalid", msg("Give the person's NIK (16 digits) or their id")))
    changes: dict[str, object] = {}
    for line in text_of(form, "changes", 4000).splitlines():
        if line.strip():
            name, sep, value = line.partition("=")
            if not sep:
                issues.append(Issue("changes", "invalid", msg("Write one change a line: field = value")))
                continue
            raw = value.strip()
            changes[name.strip()] = int(raw) if raw.lstrip("-").isdigit() else raw
    if issues:
        raise Invalid(msg("The request was not recorded"), issues)
    return service.RequestInput(
        kind=text_of(form, "kind", 20),
        statement=text_of(form, "statement", 20_000),
        person_id=person_id,
        nik=nik,
        channel=text_of(form, "channel", 20) or "office",
        contact=text_of(form, "contact", 20_000) or None,
        evidence=text_of(form, "evidence", 20_000),
        changes=changes,
        items=tuple(str(v) for v in form.getlist("items") if isinstance(v, str)),
    )


@router.post("/sharing/subjects", dependencies=[Depends(require_csrf)])
def submit(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    try:
        made = service.submit_request(request.app.state.ctx, principal, _input(form))
    except (Invalid, Conflict) as error:
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        return show_new(request, principal, values, Problems.of(error, page_language(request)))
    return RedirectResponse(f"/sharing/subjects/{made.id}", status_code=303)


def show_request(
    request: Request, principal: Principal, request_id: UUID, problems: Problems | None = None
) -> Response:
    subject_request = service.get_request(request.app.state.ctx, principal, request_id)
    ctx = request.app.state.ctx
    return show(
        request,
        "sharing/subject.html",
        status_code=problems.status if problems else 200,
        r=subject_request,
        deadline=subject_request.deadline(utcnow()),
        place=wilayah.area_names(ctx, {subject_request.village_code}).get(subject_request.village_code, ""),
        problems=problems,
        language_suffix="id" if page_language(request) == "id" else "en",
    )


@router.get("/sharing/subjects/{request_id}")
def request_page(request: Request, principal: PagePrincipal, request_id: UUID) -> Response:
    return show_request(request, principal, request_id)


@router.post("/sharing/subjects/{request_id}/close", dependencies=[Depends(require_csrf)])
def close(request: Request, principal: PagePrincipal, request_id: UUID, form: FormDep) -> Response:
    try:
        service.close_request(
            request.app.state.ctx,
            principal,
            request_id,
            response=text_of(form, "response", 20_000),
            refused=text_of(form, "outcome") == "refused",
        )
    except (Invalid, Conflict) as error:
        return show_request(request, principal, request_id, Problems.of(error, page_language(request)))
    return RedirectResponse(f"/sharing/subjects/{request_id}", status_code=303)


@router.get("/sharing/subjects/{request_id}/report")
def report_page(request: Request, principal: PagePrincipal, request_id: UUID) -> Response:
    """The access report as a page to print and hand over."""
    made = service.access_report(request.app.state.ctx, principal, request_id, format="html")
    relationship = made.person.relationship
    return show(
        request,
        "sharing/subject_report.html",
        report=made,
        relationship=value_label("relationship", relationship.value, page_language(request))
        if relationship is not None
        else "",
    )


@router.get("/sharing/subjects/{request_id}/report.json")
def report_file(request: Request, principal: PagePrincipal, request_id: UUID) -> Response:
    made = service.access_report(request.app.state.ctx, principal, request_id, format="json")
    document = service.report_document(made, page_language(request))
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    return attachment(text, "application/json", f"subject-report-{request_id}.json")
