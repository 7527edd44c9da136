"""``/api/v1/ppks``: the categories a caller may see, the flags of an area, verifying and rejecting a flag,
and an area's summary (the latest run's stored, protected aggregates).

Sensitive categories appear only to callers holding ``ppks:sensitive`` (for flags: in the flag's area);
reads of flags need ``ppks:persons`` (an area outside the scope lists nothing), decisions ``ppks:verify``
in the flag's area (404 outside it). Reads of flags and decisions are audited by the service. The summary
needs ``ppks:read`` over the area (403 outside it); without ``ppks:sensitive`` there its sensitive
categories and its ``all`` rows are left out.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from inklusi.api import ContextDep, PrincipalDep, PurposeDep
from inklusi.ppks import service
from inklusi.ppks.flags import FlagStatus
from inklusi.ppks.schemas import (
    CandidatePageOut,
    CategoryOut,
    FlagOut,
    RejectRequest,
    SummaryOut,
    VerifyRequest,
)

router = APIRouter(prefix="/ppks", tags=["ppks"])


def _flag(flag: service.FlagView) -> FlagOut:
    return FlagOut(**{**flag.__dict__, "status": flag.status.value})


def _page(page: service.CandidatePage) -> CandidatePageOut:
    flags = [_flag(f) for f in page.flags]
    return CandidatePageOut(
        area_code=page.area_code, total=page.total, offset=page.offset, limit=page.limit, flags=flags
    )


@router.get("/categories")
def categories(principal: PrincipalDep) -> list[CategoryOut]:
    """The PPKS taxonomy (Permensos 8/2012) as the caller may see it."""
    return [CategoryOut.of(c) for c in service.visible_categories(principal)]


@router.get("/candidates")
def candidates(
    ctx: ContextDep,
    principal: PrincipalDep,
    purpose: PurposeDep,
    area: Annotated[str, Query(min_length=2, max_length=13, description="An area code: PP, PP.RR, …")],
    category: Annotated[str | None, Query(max_length=60)] = None,
    status: FlagStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> CandidatePageOut:
    """The current flags of an area and the areas inside it (named people: scoped and audited)."""
    page = service.candidates_in(
        ctx,
        principal,
        area,
        category=category,
        status=status,
        limit=limit,
        offset=offset,
        purpose=purpose,
    )
    return _page(page)


@router.post("/flags/{flag_id}/verify")
def verify(ctx: ContextDep, principal: PrincipalDep, flag_id: UUID, request: VerifyRequest) -> FlagOut:
    """Confirm a flag (kept whatever later runs find)."""
    return _flag(service.verify(ctx, principal, flag_id, note=request.note))


@router.post("/flags/{flag_id}/reject")
def reject(ctx: ContextDep, principal: PrincipalDep, flag_id: UUID, request: RejectRequest) -> FlagOut:
    """Reject a flag with a reason (kept whatever later runs find)."""
    return _flag(service.reject(ctx, principal, flag_id, reason=request.reason))


@router.get("/summary")
def summary(
    ctx: ContextDep,
    principal: PrincipalDep,
    purpose: PurposeDep,
    area: Annotated[
        str | None, Query(max_length=13, description="An area code (PP, PP.RR, …); none or ID: the nation")
    ] = None,
    level: Annotated[
        str | None,
        Query(max_length=10, description="Also list every area of this deeper level (province … village)"),
    ] = None,
    measure: Annotated[
        list[str] | None,
        Query(description="Only these measures: flagged, verified, unmet_need, unserved, outside_households"),
    ] = None,
) -> SummaryOut:
    """An area's who/where/what: the latest identification run's protected tables (suppressed cells are
    null), with the previous run's for the change (only where both are published)."""
    found = service.summary(ctx, principal, area, level=level, measures=measure, purpose=purpose)
    return SummaryOut.of(found)
