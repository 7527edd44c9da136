"""``/api/v1/households`` and ``/api/v1/persons``: read the registry inside the caller's area scope.

Outside the scope the answer is 404, exactly as for an id that does not exist.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from inklusi.api import ContextDep, PrincipalDep, PurposeDep
from inklusi.registry import service
from inklusi.registry.codelists import codelists
from inklusi.registry.history import Change
from inklusi.registry.model import HouseholdRecord, PersonRecord
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


@router.get("/codelists")
def list_codelists() -> dict[str, CodeListOut]:
    """Every code list with its Regsosek question number and labels in Indonesian and English."""
    return {name: CodeListOut.of(codelist) for name, codelist in codelists().items()}
