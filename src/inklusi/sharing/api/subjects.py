"""``/api/v1/sharing/subject-requests`` (data-subject requests: take one, the queue with deadlines, one
request, its access report, close it) and ``/api/v1/sharing/breach-report`` (who a credential or user
read in a window; JSON or CSV). Every rule (permissions, scope, audit) is the service's."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Response

from inklusi.api import ContextDep, LanguageDep, PrincipalDep
from inklusi.db import utcnow
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.sharing import service
from inklusi.sharing.schemas.subjects import BreachReportIn, CloseIn, SubjectRequestIn
from inklusi.sharing.service import BreachReport, RequestInput, SubjectRequest

router = APIRouter(prefix="/sharing", tags=["data-subject rights"])


def request_out(request: SubjectRequest) -> dict[str, Any]:
    deadline = request.deadline(utcnow())
    return {
        **asdict(request),
        "deadline": {"due_at": deadline.due_at, "state": deadline.state.value},
    }


@router.post("/subject-requests", status_code=201)
def submit(ctx: ContextDep, principal: PrincipalDep, body: SubjectRequestIn) -> dict[str, Any]:
    """Take a request for a person of the caller's area (``subjects:manage``): a correction makes a change
    request, an objection a grievance, a restriction hides the person, a deletion keeps what the law keeps
    (each with its reason) and removes what may go."""
    given = RequestInput(**body.model_dump(exclude={"items"}), items=tuple(body.items))
    return request_out(service.submit_request(ctx, principal, given))


@router.get("/subject-requests")
def queue(
    ctx: ContextDep, principal: PrincipalDep, status: Literal["open", "closed", "all"] = "open"
) -> list[dict[str, Any]]:
    """The requests of the caller's area, the soonest due first, each with its deadline."""
    return [request_out(r) for r in service.request_queue(ctx, principal, show=status)]


@router.get("/subject-requests/{request_id}")
def one(ctx: ContextDep, principal: PrincipalDep, request_id: UUID) -> dict[str, Any]:
    return request_out(service.get_request(ctx, principal, request_id))


@router.get("/subject-requests/{request_id}/report")
def report(
    ctx: ContextDep, principal: PrincipalDep, language: LanguageDep, request_id: UUID
) -> dict[str, Any]:
    """An access request's report: what is held on the person and who read it (audited)."""
    made = service.access_report(ctx, principal, request_id, format="json")
    return service.report_document(made, language)


@router.post("/subject-requests/{request_id}/close")
def close(ctx: ContextDep, principal: PrincipalDep, request_id: UUID, body: CloseIn) -> dict[str, Any]:
    closed = service.close_request(ctx, principal, request_id, response=body.response, refused=body.refused)
    return request_out(closed)


def breach_out(made: BreachReport) -> dict[str, Any]:
    return {
        "actor": made.actor,
        "since": made.since,
        "until": made.until,
        "complete": made.complete,
        "persons": [asdict(p) for p in made.persons],
        "households": [asdict(h) for h in made.households],
        "entries": [asdict(e) for e in made.entries],
    }


def breach_actor(partner: str | None, user: str | None) -> str:
    """The log's actor name for a partner's client id or a username (one of them)."""
    if bool(partner) == bool(user):
        text = msg("Name a partner's client id or a user (one of them)")
        raise Invalid(text, [Issue("partner", "required", text)])
    return service.partner_actor(partner) if partner else str(user)


@router.post("/breach-report", response_model=None)
def breach(
    ctx: ContextDep, principal: PrincipalDep, body: BreachReportIn, format: Literal["json", "csv"] = "json"
) -> dict[str, Any] | Response:
    """Every person and household a credential or user read in the window (``audit:read``; audited)."""
    actor = breach_actor(body.partner, body.user)
    made = service.breach_report(
        ctx, principal, actor=actor, since=body.since, until=body.until, format=format
    )
    if format == "csv":
        return Response(service.report_csv(made), media_type="text/csv; charset=utf-8")
    return breach_out(made)
