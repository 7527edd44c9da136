"""Wire models of the PPKS API: the categories a caller may see, flags, decisions, an area's summary."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from inklusi.ppks.model import Category
from inklusi.ppks.summary import Summary, SummaryTable


class CategoryOut(BaseModel):
    code: str
    name: dict[str, str]
    definition: dict[str, str]
    cluster: str
    services: list[str]
    sensitivity: str

    @classmethod
    def of(cls, category: Category) -> CategoryOut:
        return cls(
            code=category.code,
            name={"id": category.name.id, "en": category.name.en},
            definition={"id": category.definition.id, "en": category.definition.en},
            cluster=category.cluster.value,
            services=[s.value for s in category.services],
            sensitivity=category.sensitivity.value,
        )


class FlagOut(BaseModel):
    id: UUID
    person_id: UUID
    household_id: UUID | None
    category: str
    sensitivity: str
    status: str = Field(description="candidate, verified, rejected or retired")
    area_code: str
    rule_id: str
    rule_version: str
    evidence: dict[str, object] = Field(description="rule id -> the answers it read")
    run_id: UUID
    registry_at: datetime
    since: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    name: str | None = Field(
        None, description="The person's name (null: the caller may not read the person in the registry)"
    )
    sex: str | None = Field(None, description="male or female")
    birth_date: date | None = None
    age: int | None = Field(None, description="Age in years on the day of the request")
    village_code: str | None = Field(
        None, description="Where the person lives now (outside households: the area where registered)"
    )


class CandidatePageOut(BaseModel):
    area_code: str
    total: int
    offset: int
    limit: int
    flags: list[FlagOut]


class VerifyRequest(BaseModel):
    note: str | None = Field(None, max_length=2000)


class RejectRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class CellOut(BaseModel):
    category: str = Field(description="A category code, or all (the column total over categories)")
    key: str = Field(description="A sex, age group, decile or area code, unknown, or all (the row total)")
    value: int | None = Field(description="Null when suppressed")
    suppressed: bool


class SummaryTableOut(BaseModel):
    slice: str = Field(description="sex, age_group, decile, child_area or level")
    measure: str = Field(description="flagged, verified, unmet_need, unserved or outside_households")
    cells: list[CellOut] = Field(description="Stored entries only: a missing entry is a published 0")


class ThresholdsOut(BaseModel):
    sensitive: int
    personal: int


class SummaryOut(BaseModel):
    run_id: UUID
    computed_at: datetime
    reference_date: date
    area_code: str = Field(description="ID for the nation")
    level: str
    child_level: str | None
    list_level: str | None = Field(description="The level the level slice lists (with ?level=)")
    categories: list[str] = Field(description="The categories the caller may see, in taxonomy order")
    measures: list[str]
    sensitive: bool = Field(description="Whether sensitive categories and the all rows are shown")
    thresholds: ThresholdsOut
    tables: list[SummaryTableOut]
    previous_run_id: UUID | None
    previous: list[SummaryTableOut] = Field(description="The previous publication's same tables")

    @classmethod
    def of(cls, summary: Summary) -> SummaryOut:
        return cls(
            run_id=summary.run_id,
            computed_at=summary.computed_at,
            reference_date=summary.reference_date,
            area_code=summary.area_code,
            level=summary.level,
            child_level=summary.child_level,
            list_level=summary.list_level,
            categories=list(summary.categories),
            measures=list(summary.measures),
            sensitive=summary.sensitive,
            thresholds=ThresholdsOut(
                sensitive=summary.thresholds.sensitive, personal=summary.thresholds.personal
            ),
            tables=_tables(summary.tables),
            previous_run_id=summary.previous_run_id,
            previous=_tables(summary.previous),
        )


def _tables(found: tuple[SummaryTable, ...]) -> list[SummaryTableOut]:
    return [
        SummaryTableOut(
            slice=t.slice,
            measure=t.measure,
            cells=[
                CellOut(category=c.category, key=c.key, value=c.value, suppressed=c.suppressed)
                for c in t.cells
            ],
        )
        for t in found
    ]
