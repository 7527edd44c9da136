"""Wire models of the auth API."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenOut:
    access_token: str
    token_type: str
    expires_in: int


@dataclass(frozen=True)
class GrantOut:
    role: str
    area_code: str | None


@dataclass(frozen=True)
class MeOut:
    username: str
    display_name: str
    organisation_id: str | None
    language: str
    grants: list[GrantOut]
