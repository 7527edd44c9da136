"""What the programmes service gives its callers (the API, the command line, the pages): plain frozen
dataclasses, JSON-ready through ``as_dict`` where an edge needs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

if TYPE_CHECKING:
    from inklusi.programmes.model import Simulation
    from inklusi.programmes.spec import ProgrammeSpec
    from inklusi.welfare.model import Explanation

Decision = Literal["confirm", "remove", "add"]
GrievanceKind = Literal["ranking", "exclusion", "inclusion"]
GrievanceStatus = Literal["submitted", "upheld", "dismissed"]
ExportFormat = Literal["csv", "xlsx", "parquet"]


@dataclass(frozen=True)
class ProgrammeInfo:
    name: str
    version: int
    label_id: str
    label_en: str
    spec: ProgrammeSpec
    shipped: bool  # a specification shipped with Inklusi (specs/<name>.yaml)
    id: UUID | None = None  # the stored version (None: shipped and never stored)
    created_at: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


@dataclass(frozen=True)
class RegistrySimulation:
    simulation: Simulation
    welfare_run_id: UUID | None
    registry_at: datetime
    scenario_ids: dict[str, UUID] = field(default_factory=dict)  # programme name → saved scenario


@dataclass(frozen=True)
class ScenarioInfo:
    id: UUID
    name: str
    programme: str
    spec_key: str
    programme_id: UUID
    budget: float | None
    welfare_run_id: UUID | None
    registry_at: datetime
    created_at: datetime
    outcome: dict[str, Any]  # Outcome.as_dict()


@dataclass(frozen=True)
class VillageCount:
    code: str
    households: int
    people: int
    cost: float


@dataclass(frozen=True)
class ListInfo:
    id: UUID
    scenario_id: UUID
    programme: str
    spec_key: str
    cycle: str
    welfare_run_id: UUID | None
    registry_at: datetime
    frozen_at: datetime
    households: int
    people: int
    cost: float
    villages: tuple[VillageCount, ...] = ()  # within the caller's scope (get_list only)


@dataclass(frozen=True)
class EntryView:
    household_id: UUID
    village_code: str
    people: int
    score: float | None
    national_decile: int | None
    benefit: float
    priority: int
    head_name: str | None  # as at the freeze


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class DecisionInput:
    household_id: UUID
    decision: Decision
    reason: str
    changes: Mapping[str, object] | None = None  # registry fields to correct: a change request


@dataclass(frozen=True)
class DecisionView:
    id: UUID
    household_id: UUID
    decision: str
    reason: str
    change_request_id: UUID | None
    grievance_id: UUID | None


@dataclass(frozen=True)
class MeetingInfo:
    id: UUID
    list_id: UUID
    village_code: str
    held_on: date
    place: str
    attendance: tuple[tuple[str, str], ...]  # (name, role)
    attendees: int
    minutes: str
    recorded_by: UUID | None
    recorded_at: datetime
    decisions: tuple[DecisionView, ...] = ()


@dataclass(frozen=True)
class GrievanceInfo:
    id: UUID
    household_id: UUID
    village_code: str
    kind: str
    list_id: UUID | None
    meeting_id: UUID | None
    statement: str
    evidence: str
    submitted_by: UUID | None
    submitted_by_name: str
    submitted_at: datetime
    status: str
    decided_by: UUID | None
    decided_by_name: str | None
    decided_at: datetime | None
    decision_note: str | None
    reassessment: bool


@dataclass(frozen=True)
class GrievanceView:
    grievance: GrievanceInfo
    explanation: Explanation | None  # the household's welfare score explained (None: never ranked)
    entry: EntryView | None = None  # the household on the named list, if it is on it
