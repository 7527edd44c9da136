"""Request bodies of ``/api/v1/programmes`` and ``/api/v1/grievances``."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field


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
