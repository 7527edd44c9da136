"""``/api/v1/audit``: check the chain and read recent entries (permission ``audit:read``, which the service
checks)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from inklusi.api import ContextDep, PrincipalDep
from inklusi.audit import service
from inklusi.audit.model import ChainCheck, Entry

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/verify")
def verify(ctx: ContextDep, principal: PrincipalDep) -> ChainCheck:
    return service.verify(ctx, principal)


@router.get("/entries")
def entries(
    ctx: ContextDep,
    principal: PrincipalDep,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    nik: Annotated[
        str | None, Query(max_length=40, description="Only entries about this NIK or KK number (keyed hash)")
    ] = None,
) -> list[Entry]:
    containing = service.pseudonym(ctx, nik) if nik else None
    return service.recent(
        ctx, principal, limit=limit, object_type=object_type, object_id=object_id, containing=containing
    )
