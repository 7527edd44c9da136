"""Wire models of the registry API (households and persons are returned as their model records; search
results as pages of hits)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from inklusi.registry.codelists import CodeList
from inklusi.registry.model import PersonHit
from inklusi.wilayah.nik import mask_nik


class CodeOut(BaseModel):
    code: int | str
    id: str
    en: str
    question: str | None = None


class CodeListOut(BaseModel):
    question: str | None
    flags: bool
    codes: list[CodeOut]

    @classmethod
    def of(cls, codelist: CodeList) -> CodeListOut:
        entries = [*codelist.codes.values(), *(codelist.special or {}).values()]
        return cls(
            question=codelist.question,
            flags=codelist.flags,
            codes=[CodeOut(code=c.key, id=c.label_id, en=c.label_en, question=c.question) for c in entries],
        )


class PersonHitOut(BaseModel):
    person_id: UUID
    name: str
    nik_masked: str | None = Field(description="The NIK's area and serial digits only")
    sex: int
    birth_date: date | None
    household_id: UUID | None = Field(description="Null for a person registered outside any household")
    village_code: str = Field(
        description="The household's village, or the area (village or district) of a "
        "person outside households"
    )
    relationship: int | None
    living_situation: int | None = Field(
        None, description="Outside households only: code list living_situation (/api/v1/codelists)"
    )
    score: float = Field(description="How closely the name matched (1: exactly)")

    @classmethod
    def of(cls, hit: PersonHit) -> PersonHitOut:
        return cls(
            person_id=hit.person_id,
            name=hit.name,
            nik_masked=mask_nik(hit.nik),
            sex=hit.sex,
            birth_date=hit.birth_date,
            household_id=hit.household_id,
            village_code=hit.village_code,
            relationship=hit.relationship,
            living_situation=hit.living_situation,
            score=hit.score,
        )


class PersonPage(BaseModel):
    items: list[PersonHitOut]
    offset: int
    limit: int
    next_offset: int | None = Field(description="Ask again with this offset for more; null at the end")


class HouseholdHitOut(BaseModel):
    household_id: UUID
    village_code: str
    persons: list[PersonHitOut] = Field(description="The people of the household the search found")


class HouseholdPage(BaseModel):
    items: list[HouseholdHitOut]
    offset: int
    limit: int
    next_offset: int | None
