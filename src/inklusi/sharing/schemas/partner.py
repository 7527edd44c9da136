"""Request bodies of the partner API (``/api/v1/partner``). Every request names its purpose: the ``purpose``
field of a body, the ``purpose`` query parameter or the ``X-Purpose`` header."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LookupRequest(BaseModel):
    """One household by a member's NIK, its id, a member's id or a pseudonym this partner received. (A POST,
    so that a NIK never appears in a URL or an access log.)"""

    by: Literal["nik", "household_id", "person_id", "pseudonym"]
    value: str = Field(max_length=64)
    purpose: str | None = Field(None, max_length=200)


class SearchRequest(BaseModel):
    area_code: str | None = Field(None, max_length=13)
    deciles: list[int] = Field(default_factory=list, max_length=10)
    ppks_categories: list[str] = Field(default_factory=list, max_length=30)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=100)
    purpose: str | None = Field(None, max_length=200)


class ExtractRequest(BaseModel):
    area_code: str | None = Field(None, max_length=13)
    deciles: list[int] = Field(default_factory=list, max_length=10)
    ppks_categories: list[str] = Field(default_factory=list, max_length=30)
    format: Literal["csv", "jsonl"] = "jsonl"
    purpose: str | None = Field(None, max_length=200)


class MatchRequest(BaseModel):
    """Is the person with this NIK in a household of these national deciles (in this area)? Yes or no."""

    nik: str = Field(max_length=16)
    deciles: list[int] = Field(min_length=1, max_length=10)
    area_code: str | None = Field(None, max_length=13)
    purpose: str | None = Field(None, max_length=200)
