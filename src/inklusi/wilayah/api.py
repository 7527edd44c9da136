"""``/api/v1/areas`` (public reference data) and ``/api/v1/nik`` (parse a NIK or KK number)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from inklusi.api import ContextDep, PrincipalDep
from inklusi.wilayah import service
from inklusi.wilayah.model import AreaLevel
from inklusi.wilayah.schemas import AreaDetailOut, AreaOut, NikOut

router = APIRouter(tags=["areas"])


@router.get("/areas")
def search_areas(
    ctx: ContextDep,
    q: Annotated[str | None, Query(description="Name, e.g. 'Kab. Bandung'; omit for provinces")] = None,
    within: Annotated[str | None, Query(description="Only inside this area code")] = None,
    level: AreaLevel | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[AreaOut]:
    found = service.search(ctx, q, within=within, level=level, limit=limit) if q else service.children(ctx)
    return [AreaOut.of(area) for area in found]


@router.get("/areas/{code}")
def get_area(ctx: ContextDep, code: str) -> AreaDetailOut:
    found = service.get_with_ancestors(ctx, code)
    return AreaDetailOut(
        **AreaOut.of(found.area).model_dump(), ancestors=[AreaOut.of(a) for a in found.ancestors]
    )


@router.get("/areas/{code}/children")
def area_children(ctx: ContextDep, code: str) -> list[AreaOut]:
    return [AreaOut.of(area) for area in service.children(ctx, code)]


@router.get("/nik/{number}", tags=["nik"])
def parse_nik(number: str, _principal: PrincipalDep) -> NikOut:
    """Decode a NIK: area of first registration, birth date, sex; with every reason it is invalid."""
    return NikOut.of(service.check_nik(number))


@router.get("/kk/{number}", tags=["nik"])
def parse_kk(number: str, _principal: PrincipalDep) -> NikOut:
    """Decode a KK number: district and date of issue; with every reason it is invalid."""
    return NikOut.of(service.check_kk(number))
