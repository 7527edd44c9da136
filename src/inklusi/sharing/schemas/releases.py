"""Request bodies of ``/api/v1/sharing/releases``."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field


class ReleaseRequest(BaseModel):
    dataset: str = Field(max_length=40, description="persons_ppks or households_decile")
    level: str = Field("province", max_length=10, description="province or regency")
    epsilon: float = Field(description="The privacy budget this release spends (more than 0, at most 10)")
    agreement_id: UUID | None = Field(None, description="The agreement it is for; none: a public release")
    categories: list[str] = Field(
        default_factory=list,
        max_length=40,
        description="PPKS categories (persons_ppks only; default: every non-sensitive one)",
    )
