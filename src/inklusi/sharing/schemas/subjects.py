"""Request bodies of ``/api/v1/sharing/subject-requests`` and ``/api/v1/sharing/breach-report``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

DeletionItemName = Literal[
    "registry_record", "welfare_rank", "ppks_flags", "access_log", "request_contact", "restriction"
]


class SubjectRequestIn(BaseModel):
    kind: Literal["access", "correction", "objection", "restriction", "deletion"]
    person_id: UUID | None = Field(None, description="The person's id (or give their NIK)")
    nik: str | None = Field(None, max_length=20, description="The person's NIK (or give their id)")
    statement: str = Field(max_length=4000, description="What the person asks, in their words")
    channel: Literal["office", "letter", "phone", "email", "other"] = "office"
    contact: str | None = Field(None, max_length=4000, description="How to reach them with the answer")
    received_at: datetime | None = Field(None, description="When it was received (default: now)")
    evidence: str = Field("", max_length=4000, description="A correction's evidence (required for one)")
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="A correction: field → new value (as the registry's change requests)",
    )
    items: list[
        Literal[
            "registry_record", "welfare_rank", "ppks_flags", "access_log", "request_contact", "restriction"
        ]
    ] = Field(default_factory=list, max_length=10, description="A deletion: what the person asks to remove")


class CloseIn(BaseModel):
    response: str = Field(max_length=4000, description="The answer given to the person")
    refused: bool = Field(False, description="The answer refuses the request (the reasons in the response)")


class BreachReportIn(BaseModel):
    partner: str | None = Field(None, max_length=100, description="A partner's client id")
    user: str | None = Field(None, max_length=120, description="A user's username")
    since: datetime = Field(description="From (inclusive)")
    until: datetime = Field(description="To (exclusive)")
