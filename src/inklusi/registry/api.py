"""``/api/v1/households`` and ``/api/v1/persons``: search and read the registry inside the caller's area
scope (the search is the web's: ``registry.find_persons``, the same scope and the same audit entry);
``/api/v1/change-requests``: propose corrections and decide on them.

Outside the scope the answer is 404, exactly as for an id that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from inklusi.api import ContextDep, PrincipalDep, PurposeDep
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.registry import service
from inklusi.registry.codelists import codelists
from inklusi.registry.history import Change
from inklusi.registry.model import ChangeRequest, HouseholdRecord, PersonHit, PersonRecord, RequestStatus
from inklusi.registry.schemas import (
    CodeListOut,
    HouseholdHitOut,
    HouseholdPage,
    PersonHitOut,
    PersonPage,
)

router = APIRouter(tags=["registry"])
MAX_RESULTS = 200  # a search finds at most this many (as the web's); page through them with offset
AsOf = Annotated[
    AwareDatetime | None, Query(description="Read the state at this moment (ISO 8601, with a time zone)")
]


class _Search(BaseModel):
    name: str | None = None
    nik: str | None = None
    kk: str | None = None


def _search(ctx, principal, purpose, query: _Search, within: str | None, need: int) -> list[PersonHit]:
    """The web's search (``registry.find_persons``: same scope, same audit entry), asked one way."""
    given = {field: value.strip() for field, value in vars(query).items() if value and value.strip()}
    if len(given) != 1:
        text = msg("Search by exactly one of name, nik or kk")
        raise Invalid(text, [Issue(f"query.{field}", "search.one", text) for field in ("name", "nik", "kk")])
    ((field, value),) = given.items()
    if field != "name":
        number = value.replace(" ", "")
        if not (len(number) == 16 and number.isdigit()):
            text = msg("A {field} number has 16 digits", field=field.upper())
            raise Invalid(text, [Issue(f"query.{field}", "search.number", text)])
        hits = service.find_persons(ctx, principal, number, within=within, limit=MAX_RESULTS, purpose=purpose)
        by_nik = [hit for hit in hits if hit.nik == number]
        return by_nik if field == "nik" else [hit for hit in hits if hit not in by_nik]
    if service.query_kind(value) == "number":  # a name of 16 digits would be searched as a number
        text = msg("Search numbers with nik or kk, not name")
        raise Invalid(text, [Issue("query.name", "search.name", text)])
    return service.find_persons(ctx, principal, value, within=within, limit=need, purpose=purpose)


Name = Annotated[str | None, Query(max_length=100, description="A name, tolerant of spelling")]
Nik = Annotated[str | None, Query(max_length=40, description="A NIK (16 digits)")]
Kk = Annotated[str | None, Query(max_length=40, description="A KK number (16 digits): its family's members")]
Within = Annotated[
    str | None,
    Query(
        max_length=13,
        pattern=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$",
        description="Only inside this area (code)",
    ),
]
Offset = Annotated[int, Query(ge=0, lt=MAX_RESULTS)]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.get("/persons")
def search_persons(
    ctx: ContextDep,
    principal: PrincipalDep,
    purpose: PurposeDep,
    name: Name = None,
    nik: Nik = None,
    kk: Kk = None,
    within: Within = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> PersonPage:
    """Find people in the caller's read scope by name, NIK or KK number, best match first; audited like
    the web's search. NIKs in the list are masked; read a person for the full record."""
    hits = _search(ctx, principal, purpose, _Search(name=name, nik=nik, kk=kk), within, offset + limit + 1)
    page = hits[offset : offset + limit]
    more = offset + limit if len(hits) > offset + limit else None
    return PersonPage(
        items=[PersonHitOut.of(hit) for hit in page], offset=offset, limit=limit, next_offset=more
    )


@router.get("/households")
def search_households(
    ctx: ContextDep,
    principal: PrincipalDep,
    purpose: PurposeDep,
    name: Name = None,
    nik: Nik = None,
    kk: Kk = None,
    within: Within = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> HouseholdPage:
    """The households of the people found (as ``GET /persons``), in the order of their best match (people
    registered outside any household are in none: find them with ``GET /persons``)."""
    hits = _search(ctx, principal, purpose, _Search(name=name, nik=nik, kk=kk), within, MAX_RESULTS)
    households: dict[UUID, HouseholdHitOut] = {}
    for hit in hits:
        if hit.household_id is None:  # registered outside any household: in no household to list
            continue
        found = households.setdefault(
            hit.household_id,
            HouseholdHitOut(household_id=hit.household_id, village_code=hit.village_code, persons=[]),
        )
        found.persons.append(PersonHitOut.of(hit))
    ordered = list(households.values())
    more = offset + limit if len(ordered) > offset + limit else None
    return HouseholdPage(items=ordered[offset : offset + limit], offset=offset, limit=limit, next_offset=more)


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
