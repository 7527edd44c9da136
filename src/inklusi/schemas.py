"""Wire models shared by every slice's API."""

from __future__ import annotations

from pydantic import BaseModel

from inklusi.errors import Issue


class IssueOut(BaseModel):
    field: str
    code: str
    severity: str
    message: dict[str, str]

    @classmethod
    def of(cls, issue: Issue) -> IssueOut:
        return cls.model_validate(issue.as_dict())
