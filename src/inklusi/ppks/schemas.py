"""Wire models of the PPKS API: the categories a caller may see, flags, decisions."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from inklusi.ppks.model import Category


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
