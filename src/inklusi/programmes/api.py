"""``/api/v1/programmes`` and ``/api/v1/grievances``: programmes and their simulation over the registry,
scenarios, frozen beneficiary lists (summaries, a village's named households, exports), village
deliberation (FKP) meetings, grievances. Every rule (permissions, scope, audit) is the service's."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from inklusi.api import ContextDep, LanguageDep, PrincipalDep
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.programmes import service
from inklusi.programmes.schemas import (
    DecideRequest,
    FreezeRequest,
    GrievanceRequest,
    MeetingRequest,
    SimulateRequest,
    grievance_view_out,
    meeting_out,
    programme_out,
    simulation_out,
)
from inklusi.programmes.spec import ProgrammeSpec, parse_programme, parse_yaml

router = APIRouter(tags=["programmes"])
MAX_SPEC_BYTES = 256 * 1024
SPEC_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A programme specification (docs/programmes.md), as YAML or JSON",
        "content": {"application/json": {"schema": {"type": "object"}}, "application/yaml": {"schema": {}}},
    }
}


def _spec(ctx, principal, named: str | dict[str, Any]) -> ProgrammeSpec:
    if isinstance(named, dict):
        return parse_programme(named)
    return service.get_programme(ctx, principal, named).spec


@router.get("/programmes")
def list_programmes(ctx: ContextDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    """The shipped and stored programmes, the newest version of each."""
    return [programme_out(p) for p in service.list_programmes(ctx, principal)]


@router.post("/programmes", status_code=201, openapi_extra=SPEC_BODY)
async def save_programme(request: Request, ctx: ContextDep, principal: PrincipalDep) -> dict[str, Any]:
    """Store a specification (a new version when it changed)."""
    body = await request.body()
    if len(body) > MAX_SPEC_BYTES:
        text = msg("The document is larger than {n} MB", n=0.25)
        raise Invalid(text, [Issue("body", "too_large", text)])
    text = body.decode("utf-8", errors="replace")
    if "json" in request.headers.get("content-type", ""):
        try:
            spec = parse_programme(json.loads(text))
        except json.JSONDecodeError as error:
            problem = msg("{problem}", problem=str(error))
            raise Invalid(problem, [Issue("body", "json", problem)]) from None
    else:
        spec = parse_yaml(text)
    info = await run_in_threadpool(service.save_programme, ctx, principal, spec)
    return programme_out(info)


@router.post("/programmes/simulate")
def simulate(ctx: ContextDep, principal: PrincipalDep, body: SimulateRequest) -> dict[str, Any]:
    """Simulate programmes together on the current registry (optionally saving scenarios)."""
    specs = [_spec(ctx, principal, p) for p in body.programmes]
    result = service.simulate_registry(ctx, principal, specs, budgets=body.budgets, save_as=body.save_as)
    return simulation_out(result)


@router.get("/programmes/scenarios")
def scenarios(
    ctx: ContextDep, principal: PrincipalDep, programme: Annotated[str | None, Query(max_length=60)] = None
) -> list[dict[str, Any]]:
    return [asdict(s) for s in service.list_scenarios(ctx, principal, programme)]


@router.get("/programmes/scenarios/{scenario_id}")
def scenario(ctx: ContextDep, principal: PrincipalDep, scenario_id: UUID) -> dict[str, Any]:
    return asdict(service.get_scenario(ctx, principal, scenario_id))


@router.post("/programmes/scenarios/{scenario_id}/freeze", status_code=201)
def freeze(
    ctx: ContextDep, principal: PrincipalDep, scenario_id: UUID, body: FreezeRequest
) -> dict[str, Any]:
    """Freeze the scenario as the beneficiary list of a cycle (re-simulated on the current registry)."""
    return asdict(service.freeze(ctx, principal, scenario_id, cycle=body.cycle))


@router.get("/programmes/lists")
def lists(ctx: ContextDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return [asdict(item) for item in service.list_lists(ctx, principal)]


@router.get("/programmes/lists/{list_id}")
def get_list(ctx: ContextDep, principal: PrincipalDep, list_id: UUID) -> dict[str, Any]:
    """A list's totals and its households, people and cost per village in the caller's scope."""
    return asdict(service.get_list(ctx, principal, list_id))


@router.get("/programmes/lists/{list_id}/export")
def export(
    ctx: ContextDep,
    principal: PrincipalDep,
    list_id: UUID,
    format: Literal["csv", "xlsx", "parquet"] = "csv",
    area: Annotated[str | None, Query(min_length=2, max_length=13)] = None,
) -> Response:
    """The list's households in the caller's registry scope as CSV, XLSX or Parquet (audited)."""
    exported = service.export_list(ctx, principal, list_id, format, area=area)
    disposition = f'attachment; filename="{exported.filename}"'
    return Response(
        exported.content, media_type=exported.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/programmes/lists/{list_id}/villages/{code}")
def village(ctx: ContextDep, principal: PrincipalDep, list_id: UUID, code: str) -> dict[str, Any]:
    """A village's named households on the list (audited) and the meetings held there."""
    entries = service.list_entries(ctx, principal, list_id, code)
    meetings = [m for m in service.list_meetings(ctx, principal, list_id) if m.village_code == code]
    return {"entries": [asdict(e) for e in entries], "meetings": [meeting_out(m) for m in meetings]}


@router.post("/programmes/lists/{list_id}/villages/{code}/meetings", status_code=201)
def record_meeting(
    ctx: ContextDep, principal: PrincipalDep, list_id: UUID, code: str, body: MeetingRequest
) -> dict[str, Any]:
    """Record an FKP meeting: decisions with changes become change requests, removals and additions
    without them grievances."""
    decisions = [
        service.DecisionInput(d.household_id, d.decision, d.reason, d.changes) for d in body.decisions
    ]
    meeting = service.record_meeting(
        ctx, principal, list_id, code, held_on=body.held_on, place=body.place,
        attendance=[(a.name, a.role) for a in body.attendance], minutes=body.minutes, decisions=decisions,
    )  # fmt: skip
    return meeting_out(meeting)


@router.get("/programmes/meetings/{meeting_id}")
def meeting(ctx: ContextDep, principal: PrincipalDep, meeting_id: UUID) -> dict[str, Any]:
    return meeting_out(service.get_meeting(ctx, principal, meeting_id))


@router.get("/programmes/{name}")
def programme(ctx: ContextDep, principal: PrincipalDep, name: str) -> dict[str, Any]:
    return programme_out(service.get_programme(ctx, principal, name))


@router.post("/grievances", status_code=201)
def submit_grievance(ctx: ContextDep, principal: PrincipalDep, body: GrievanceRequest) -> dict[str, Any]:
    submitted = service.submit_grievance(
        ctx, principal, body.household_id, kind=body.kind, statement=body.statement, evidence=body.evidence,
        list_id=body.list_id,
    )  # fmt: skip
    return asdict(submitted)


@router.get("/grievances")
def grievances(
    ctx: ContextDep,
    principal: PrincipalDep,
    status: Literal["submitted", "upheld", "dismissed", "all"] = "submitted",
) -> list[dict[str, Any]]:
    """Grievances to decide in the caller's scope (or, for a submitter, their own)."""
    found = service.grievance_queue(ctx, principal, status=None if status == "all" else status)
    return [asdict(g) for g in found]


@router.get("/grievances/{grievance_id}")
def grievance(
    ctx: ContextDep, principal: PrincipalDep, language: LanguageDep, grievance_id: UUID
) -> dict[str, Any]:
    """A grievance with the household's welfare explanation (audited)."""
    return grievance_view_out(service.get_grievance(ctx, principal, grievance_id, language=language))


@router.post("/grievances/{grievance_id}/decision")
def decide(
    ctx: ContextDep, principal: PrincipalDep, grievance_id: UUID, body: DecideRequest
) -> dict[str, Any]:
    decided = service.decide_grievance(
        ctx, principal, grievance_id, uphold=body.uphold, note=body.note, reassess=body.reassess
    )
    return asdict(decided)
