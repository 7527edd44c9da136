"""Errors the domain raises and the edges (API, CLI, web) turn into answers.

Every error carries a :class:`~inklusi.i18n.Text`, so it can be shown in Indonesian or English, and
optionally the list of :class:`Issue` (record, field, reason) that made input invalid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from inklusi.i18n import Text, msg

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One thing wrong (or doubtful) with one field of input."""

    field: str
    code: str
    text: Text
    severity: Severity = "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "code": self.code,
            "severity": self.severity,
            "message": self.text.both(),
        }


class InklusiError(Exception):
    status: int = 400
    slug: str = "bad-request"

    def __init__(self, text: Text, issues: tuple[Issue, ...] | list[Issue] = ()) -> None:
        super().__init__(str(text))
        self.text = text
        self.issues = tuple(issues)

    @property
    def type_uri(self) -> str:
        return f"urn:inklusi:problem:{self.slug}"


class Invalid(InklusiError):
    status, slug = 422, "invalid-input"


class NotFound(InklusiError):
    status, slug = 404, "not-found"


class Unauthenticated(InklusiError):
    status, slug = 401, "unauthenticated"


class Forbidden(InklusiError):
    status, slug = 403, "forbidden"


class Conflict(InklusiError):
    status, slug = 409, "conflict"


class TooManyRequests(InklusiError):
    """Too many attempts (failed logins): try again after ``retry_after`` seconds (``Retry-After``)."""

    status, slug = 429, "too-many-requests"

    def __init__(self, text: Text, retry_after: int) -> None:
        super().__init__(text)
        self.retry_after = max(1, retry_after)


class NotInitialised(InklusiError):
    status, slug = 503, "not-initialised"


class HttpError(InklusiError):
    """A plain HTTP error from the framework (unknown path, wrong method): RFC 9457 ``about:blank``."""

    slug = "http"

    def __init__(self, status: int, text: Text) -> None:
        super().__init__(text)
        self.status = status

    @property
    def type_uri(self) -> str:
        return "about:blank"


STATUS_TITLES = {
    400: msg("Bad request"),
    401: msg("Not logged in"),
    403: msg("Not allowed"),
    404: msg("Not found"),
    405: msg("Method not allowed"),
    409: msg("Conflict"),
    422: msg("Invalid input"),
    429: msg("Too many attempts"),
    503: msg("Not ready"),
}


def status_title(status: int) -> Text:
    """A short title for an HTTP status, for problem details and error pages."""
    return STATUS_TITLES.get(status, msg("Error"))
