"""Wire models of the linkage API (requests; responses are the service's dataclasses)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field


class RunRequest(BaseModel):
    settings: str = Field("persons", description="A packaged linkage settings name")
    incremental: bool = Field(False, description="Link only persons no entity holds yet, with the last model")


class DecisionRequest(BaseModel):
    decision: Literal["match", "non_match"]
    note: str | None = Field(None, max_length=2000)


class MergeRequest(BaseModel):
    first: UUID
    second: UUID
    note: str | None = Field(None, max_length=2000)


class UnmergeRequest(BaseModel):
    records: list[UUID] = Field(min_length=1)
    note: str | None = Field(None, max_length=2000)


class EntityId(BaseModel):
    entity_id: UUID


class DecisionId(BaseModel):
    decision_id: UUID
