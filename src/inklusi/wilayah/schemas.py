"""Wire models of the areas and NIK API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from inklusi.schemas import IssueOut
from inklusi.wilayah.model import Area
from inklusi.wilayah.nik import NumberCheck


class AreaOut(BaseModel):
    code: str
    name: str
    level: str
    kind: str | None
    parent_code: str | None
    population: int | None = None
    land_area_km2: float | None = None

    @classmethod
    def of(cls, area: Area) -> AreaOut:
        return cls(
            code=area.code,
            name=area.name,
            level=area.level.value,
            kind=area.kind,
            parent_code=area.parent_code,
            population=area.population,
            land_area_km2=area.land_area_km2,
        )


class AreaDetailOut(AreaOut):
    ancestors: list[AreaOut]


class NikOut(BaseModel):
    valid: bool
    province_code: str | None
    regency_code: str | None
    district_code: str | None
    birth_date: date | None
    sex: str | None
    serial: str | None
    issues: list[IssueOut]

    @classmethod
    def of(cls, check: NumberCheck) -> NikOut:
        return cls(
            valid=check.valid,
            province_code=check.province_code,
            regency_code=check.regency_code,
            district_code=check.district_code,
            birth_date=check.date,
            sex=check.sex.name if check.sex else None,
            serial=check.serial,
            issues=[IssueOut.of(issue) for issue in check.issues],
        )
