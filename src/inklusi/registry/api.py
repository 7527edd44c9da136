"""``/api/v1/households`` and ``/api/v1/persons``: read the registry inside the caller's area scope;
``/api/v1/change-requests``: propose corrections and decide on them.

Outside the scope the answer is 404, exactly as for an id that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from inklusi.api import ContextDep, PrincipalDep, PurposeDep
from inklusi.registry import service
from inklusi.registry.codelists import codelists
from inklusi.registry.history import Change
from inklusi.registry.model import ChangeRequest, HouseholdRecord, PersonRecord, RequestStatus
from inklusi.registry.schemas import CodeListOut

router = APIRouter(tags=["registry"])
AsOf = Annotated[
    AwareDatetime | None, Query(description="Read the state at this moment (ISO 8601, with a time zone)")
]


@router.get("/households/{household_id}")
def get_household(
    ctx: ContextDep, principal: PrincipalDep, purpose: PurposeDep, household_id: UUID, as_of: AsOf = None
) -> HouseholdRecord:
    return service.get_household(ctx, principal, household_id, as_of=as_of, purpose=purpose)


@router.get("/households/{household_id}/history")
def household_history(
    ctx: ContextDep, principal: PrincipalDep, purpose: PurposeDep, household_id: UUID
) -> list[Change]:
    return service.get_household_history(ctx, principal, household_id, purpose=purpose)


@router.get("/persons/{person_id}")
def get_person(
    ctx: ContextDep, principal: PrincipalDep, purpose: PurposeDep, person_id: UUID, as_of: AsOf = None
) -> PersonRecord:
    return service.get_person(ctx, principal, person_id, as_of=as_of, purpose=purpose)


class ChangeRequestIn(BaseModel):
    target_type: Literal["household", "person"]
    target_id: UUID
    changes: dict[str, Any] = Field(description="Field → new value (codes as numbers, dates as YYYY-MM-DD)")
    reason: str = Field(max_length=2000)
    evidence: str = Field(max_length=2000, description="The document, letter or visit that shows it")


class DecisionIn(BaseModel):
    approve: bool
    note: str | None = Field(None, max_length=2000, description="Required to reject")


@router.post("/change-requests", status_code=201, tags=["change requests"])
def submit_change_request(ctx: ContextDep, principal: PrincipalDep, body: ChangeRequestIn) -> ChangeRequest:
    """Propose a correction of a household's dwelling or a person's data (anyone who may read them)."""
    return service.submit_change_request(
        ctx,
        principal,
        body.target_type,
        body.target_id,
        body.changes,
        reason=body.reason,
        evidence=body.evidence,
    )


@router.get("/change-requests", tags=["change requests"])
def change_requests(
    ctx: ContextDep,
    principal: PrincipalDep,
    status: RequestStatus | None = RequestStatus.submitted,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ChangeRequest]:
    """The review queue in the caller's areas (oldest first), or the caller's own requests (``mine``)."""
    return service.change_request_queue(ctx, principal, status=status, mine=mine, limit=limit)


@router.get("/change-requests/{request_id}", tags=["change requests"])
def change_request(ctx: ContextDep, principal: PrincipalDep, request_id: UUID) -> ChangeRequest:
    """One request, with the registry's current values of the fields it changes."""
    return service.get_change_request(ctx, principal, request_id)


@router.post("/change-requests/{request_id}/decision", tags=["change requests"])
def decide_change_request(
    ctx: ContextDep, principal: PrincipalDep, request_id: UUID, body: DecisionIn
) -> ChangeRequest:
    """Apply (a new version, in the same transaction) or reject with a note; not your own request."""
    return service.decide_change_request(ctx, principal, request_id, approve=body.approve, note=body.note)


@router.get("/codelists")
def list_codelists() -> dict[str, CodeListOut]:
    """Every code list with its Regsosek question number and labels in Indonesian and English."""
    return {name: CodeListOut.of(codelist) for name, codelist in codelists().items()}
