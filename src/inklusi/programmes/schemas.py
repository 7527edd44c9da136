"""Request bodies of ``/api/v1/programmes`` and ``/api/v1/grievances``, and the JSON of what the service
gives back (dataclasses as plain dicts; a welfare explanation as its lines)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from inklusi.programmes.service import GrievanceView, MeetingInfo, ProgrammeInfo, RegistrySimulation


class SimulateRequest(BaseModel):
    programmes: list[str | dict[str, Any]] = Field(
        min_length=1, max_length=10, description="Names of programmes (shipped or stored), or specifications"
    )
    budgets: dict[str, float | None] | None = Field(None, description="Rupiah per year, by programme name")
    save_as: str | None = Field(None, max_length=120, description="Save each outcome as a scenario")


class FreezeRequest(BaseModel):
    cycle: str = Field(min_length=1, max_length=60)


class Attendee(BaseModel):
    name: str = Field(max_length=200)
    role: str = Field("", max_length=200)


class DecisionIn(BaseModel):
    household_id: UUID
    decision: Literal["confirm", "remove", "add"]
    reason: str = Field(max_length=4000)
    changes: dict[str, Any] | None = None


class MeetingRequest(BaseModel):
    held_on: date
    place: str = Field(max_length=200)
    attendance: list[Attendee] = Field(max_length=500)
    minutes: str = Field(max_length=20_000)
    decisions: list[DecisionIn] = Field(default_factory=list, max_length=500)


class GrievanceRequest(BaseModel):
    household_id: UUID
    kind: Literal["ranking", "exclusion", "inclusion"]
    statement: str = Field(max_length=4000)
    evidence: str = Field("", max_length=4000)
    list_id: UUID | None = None


class DecideRequest(BaseModel):
    uphold: bool
    note: str = Field(max_length=4000)
    reassess: bool = False


def programme_out(info: ProgrammeInfo) -> dict[str, Any]:
    data = {k: v for k, v in info.__dict__.items() if k != "spec"}
    return {**data, "key": info.key, "spec": info.spec.model_dump(mode="json")}


def simulation_out(result: RegistrySimulation) -> dict[str, Any]:
    return {
        **result.simulation.as_dict(),
        "welfare_run_id": result.welfare_run_id,
        "registry_at": result.registry_at,
        "scenario_ids": result.scenario_ids,
    }


def meeting_out(meeting: MeetingInfo) -> dict[str, Any]:
    data = asdict(meeting)
    data["attendance"] = [{"name": n, "role": r} for n, r in meeting.attendance]
    return data


def grievance_view_out(view: GrievanceView) -> dict[str, Any]:
    explanation = None
    if view.explanation is not None:
        e = view.explanation
        explanation = {
            "score": e.score,
            "baseline": e.baseline,
            "national_decile": e.rank.national_decile,
            "national_percentile": e.rank.national_percentile,
            "data_changed": e.data_changed,
            "contributions": [
                {"proxy": c.proxy, "label": c.label, "value": c.value, "contribution": c.contribution,
                 "percent": c.percent, "text": c.describe()}
                for c in e.contributions
            ],
        }  # fmt: skip
    return {
        **asdict(view.grievance),
        "explanation": explanation,
        "entry": asdict(view.entry) if view.entry else None,
    }
