"""Households, families and persons: the registry's data and its rules. Pure, no I/O.

Field names follow the ``*_version`` tables; coded fields take the Regsosek answer codes of
``codelists.yaml``. Write-side values (``Dwelling``, ``PersonData``, ``FamilyData``, ``HouseholdData``) are
checked by :mod:`inklusi.registry.checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import IntEnum, StrEnum
from uuid import UUID

from inklusi.wilayah.nik import Sex

# Roughly Indonesia's bounding box, with a margin: a coordinate outside it is a typo.
LATITUDE_RANGE = (-11.5, 6.5)
LONGITUDE_RANGE = (94.5, 141.5)
FLOOR_AREA_RANGE = (1, 997)  # Regsosek 302
WASHINGTON_GROUP_FIELDS = (
    "difficulty_seeing",
    "difficulty_hearing",
    "difficulty_walking",
    "difficulty_remembering",
    "difficulty_self_care",
    "difficulty_communicating",
)


class Relationship(IntEnum):
    """Relationship to the head of the family (Regsosek 409)."""

    head = 1
    spouse = 2
    child = 3
    child_in_law = 4
    grandchild = 5
    parent = 6
    domestic_worker = 7
    other = 8


@dataclass(frozen=True)
class Dwelling:
    village_code: str
    sls: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    tenure: int | None = None
    floor_area_m2: int | None = None
    floor_material: int | None = None
    wall_material: int | None = None
    roof_material: int | None = None
    water_source: int | None = None
    lighting: int | None = None
    electricity_power: int | None = None
    cooking_fuel: int | None = None
    toilet: int | None = None
    toilet_type: int | None = None
    excreta_disposal: int | None = None


@dataclass(frozen=True)
class PersonData:
    name: str
    sex: Sex
    nik: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None
    marital_status: int | None = None
    school_participation: int | None = None
    education: int | None = None
    worked_last_week: int | None = None
    employment_status: int | None = None
    industry: int | None = None
    difficulty_seeing: int | None = None
    difficulty_hearing: int | None = None
    difficulty_walking: int | None = None
    difficulty_remembering: int | None = None
    difficulty_self_care: int | None = None
    difficulty_communicating: int | None = None
    chronic_illness: int | None = None
    health_insurance: int | None = None
    programmes: frozenset[str] = frozenset()

    @property
    def has_disability(self) -> bool | None:
        """Washington Group cut-off: a lot of difficulty (2) or cannot do at all (1) in any domain."""
        answers = [getattr(self, name) for name in WASHINGTON_GROUP_FIELDS]
        if all(answer is None for answer in answers):
            return None
        return any(answer in (1, 2) for answer in answers)

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@dataclass(frozen=True)
class MemberData:
    person: PersonData
    relationship: Relationship


@dataclass(frozen=True)
class FamilyData:
    members: tuple[MemberData, ...]
    kk_number: str | None = None
    programmes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HouseholdData:
    dwelling: Dwelling
    families: tuple[FamilyData, ...]
    assets: Mapping[str, float] = field(default_factory=dict)  # asset key → quantity; 0 = none (not stored)


# --- What the registry holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """When a version was valid, and where it came from."""

    version_id: UUID
    valid_from: datetime
    valid_to: datetime | None
    source: str
    batch_id: UUID | None
    actor_id: UUID | None
    recorded_at: datetime


@dataclass(frozen=True)
class Member:
    person_id: UUID
    person: PersonData
    person_version: Version
    relationship: Relationship
    membership: Version


@dataclass(frozen=True)
class FamilyRecord:
    id: UUID
    kk_number: str | None
    programmes: frozenset[str]
    members: tuple[Member, ...]
    version: Version

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members if m.relationship is Relationship.head), None)


@dataclass(frozen=True)
class HouseholdRecord:
    id: UUID
    dwelling: Dwelling
    assets: Mapping[str, float]
    families: tuple[FamilyRecord, ...]
    version: Version
    as_of: datetime
    resolved_into: UUID | None = None  # a duplicate listing of this household (at ``as_of``)

    @property
    def size(self) -> int:
        return sum(len(family.members) for family in self.families)


@dataclass(frozen=True)
class PersonRecord:
    id: UUID
    data: PersonData
    version: Version
    household_id: UUID | None
    family_id: UUID | None
    relationship: Relationship | None
    resolved_into: UUID | None = None  # a duplicate record of this person (at the moment read)
    outside: Outside | None = None  # registered outside any household (then no household or family)


@dataclass(frozen=True)
class PersonHit:
    """A person found by a search, with where they live now and how well the name matched."""

    person_id: UUID
    name: str
    nik: str | None
    sex: int
    birth_date: date | None
    household_id: UUID | None  # None: registered outside any household (``village_code`` is their area)
    village_code: str  # the household's village, or the area of a person outside households
    relationship: int | None  # None outside households
    score: float = 1.0
    linked: tuple[LinkedRecord, ...] = ()  # duplicate records resolved into this person, in scope
    living_situation: int | None = None  # outside households only (code list ``living_situation``)


@dataclass(frozen=True)
class PersonCard:
    """What a list of people (another slice's: PPKS candidates) shows of each so that a worker can find
    them: the name, sex, birth date and where they live now. No NIK and no answers."""

    person_id: UUID
    name: str
    sex: Sex
    birth_date: date | None
    household_id: UUID | None  # None: registered outside any household (``village_code`` is their area)
    village_code: str  # the household's village, or the area (village or district) of a person outside
    living_situation: int | None = None  # outside households only (code list ``living_situation``)

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


@dataclass(frozen=True)
class LinkedRecord:
    """Another record of the same person (a second listing), resolved into the one a search shows."""

    person_id: UUID
    household_id: UUID
    village_code: str


@dataclass(frozen=True)
class OutsidePerson:
    """A person registered outside any household (by outreach or intake): no dwelling, family or KK, but
    the area where they were found (a village, or a district when no village is known) and how they live
    (code list ``living_situation``)."""

    person: PersonData
    area_code: str
    living_situation: int


@dataclass(frozen=True)
class Outside:
    """Where a person outside households is registered, and since when (a temporal version)."""

    area_code: str
    living_situation: int
    version: Version


def field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


# --- Change requests between rounds -----------------------------------------------------------------


class RequestStatus(StrEnum):
    submitted = "submitted"
    applied = "applied"
    rejected = "rejected"


@dataclass(frozen=True)
class ChangeRequest:
    """A proposed correction of a household's dwelling or a person's data, waiting for (or past) a decision.

    ``changes`` maps field → requested value as JSON (dates as ISO strings); ``current`` holds the
    values the registry has now, for the reviewer to compare; ``replaced``, once the request is applied,
    the values it replaced. ``village_code`` is where the target is now (it follows a move).
    """

    id: UUID
    target_type: str  # "household" | "person"
    target_id: UUID
    household_id: UUID | None
    village_code: str
    changes: Mapping[str, object]
    reason: str
    evidence: str
    status: RequestStatus
    submitted_by: UUID | None
    submitted_by_name: str
    organisation_id: UUID | None
    submitted_at: datetime
    decided_by: UUID | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    applied_version_id: UUID | None = None
    current: Mapping[str, object] = field(default_factory=dict)
    replaced: Mapping[str, object] = field(default_factory=dict)

    def submitted_by_user(self, user_id: UUID | None) -> bool:
        """Four eyes: whoever submitted a request never decides it (a request of the system is nobody's)."""
        return self.submitted_by is not None and self.submitted_by == user_id


# What a change request may change, in the order a form shows it (lists such as programmes change by round).
REQUESTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "household": (
        "address", "sls", "village_code", "tenure", "floor_area_m2", "floor_material", "wall_material",
        "roof_material", "water_source", "lighting", "electricity_power", "cooking_fuel", "toilet",
        "toilet_type", "excreta_disposal", "latitude", "longitude",
    ),
    "person": (
        "name", "nik", "sex", "birth_date", "birth_place", "marital_status", "school_participation",
        "education", "worked_last_week", "employment_status", "industry", "difficulty_seeing",
        "difficulty_hearing", "difficulty_walking", "difficulty_remembering", "difficulty_self_care",
        "difficulty_communicating", "chronic_illness", "health_insurance",
    ),
}  # fmt: skip


def survivor(records: Iterable[tuple[UUID, datetime]]) -> UUID:
    """Which of an entity's records represents it in search, counts, snapshots and rankings: the earliest
    registered (``created_at``), ties broken by the smaller id. Stable: a later listing never displaces
    the record already counted, and the same records always give the same survivor."""
    return min(records, key=lambda record: (record[1], str(record[0])))[0]
