"""Reading the case pages' forms, and showing what went wrong in the form that was sent.

A form's values arrive as text: :class:`Posted` reads each as what the service takes (a date, a whole
number, an id, one of a set of codes), and a value that is not one becomes an issue naming its field, like
the service's own. When the service refuses (bad input 422, a guard of the case's state 409, a step that is
not the sender's 403), the page is shown again with :class:`Problems`: the message above the form that was
sent, each issue beside its field, and what was typed kept — never an error page for a mistake in a form."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from inklusi.cases.model import ActorRefused
from inklusi.errors import Conflict, InklusiError, Invalid, Issue
from inklusi.i18n import Language, msg
from inklusi.web.pages import render

E = TypeVar("E", bound=StrEnum)
MAX_FIELD = 20_000  # characters kept of one posted value (the service checks its own limits)


async def form_of(request: Request) -> FormData:
    """The posted form (read once; ``require_csrf`` has read it already)."""
    return await request.form()


@dataclass
class Posted:
    """A form's values, read field by field; what cannot be read is an issue naming the field."""

    form: FormData
    issues: list[Issue] = field(default_factory=list)

    def text(self, name: str) -> str:
        value = self.form.get(name, "")
        return value[:MAX_FIELD].strip() if isinstance(value, str) else ""

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def texts(self, name: str) -> list[str]:
        return [v[:MAX_FIELD].strip() for v in self.form.getlist(name) if isinstance(v, str)]

    def flag(self, name: str) -> bool:
        return self.text(name) in ("1", "on", "true", "yes")

    def _read(self, name: str, value: str, parse: Callable[[str], object], problem) -> object | None:
        try:
            return parse(value)
        except ValueError:
            self.issues.append(Issue(name, "invalid", problem))
            return None

    def day(self, name: str, *, required: bool = False, value: str | None = None) -> date | None:
        raw = self.text(name) if value is None else value
        if not raw:
            if required:
                self.issues.append(Issue(name, "required", msg("Give a date")))
            return None
        found = self._read(name, raw, date.fromisoformat, msg("{value} is not a date", value=raw))
        return found if isinstance(found, date) else None

    def whole(self, name: str) -> int | None:
        raw = self.text(name).replace(".", "").replace(",", "").replace(" ", "")
        if not raw:
            return None
        found = self._read(name, raw, int, msg("{value} is not a whole number", value=self.text(name)))
        return found if isinstance(found, int) else None

    def ident(self, name: str, *, required: bool = False, value: str | None = None) -> UUID | None:
        raw = self.text(name) if value is None else value
        if not raw:
            if required:
                self.issues.append(Issue(name, "required", msg("Choose one")))
            return None
        found = self._read(name, raw, UUID, msg("Choose one of the options"))
        return found if isinstance(found, UUID) else None

    def choice(
        self, name: str, kind: type[E], *, required: bool = True, value: str | None = None
    ) -> E | None:
        raw = self.text(name) if value is None else value
        if not raw:
            if required:
                self.issues.append(Issue(name, "required", msg("Choose one")))
            return None
        found = self._read(name, raw, kind, msg("Choose one of the options"))
        return found if isinstance(found, kind) else None

    def check(self) -> None:
        """Refuse the form (422) when a value could not be read."""
        if self.issues:
            raise Invalid(msg("Some values are not valid"), self.issues)

    def values(self) -> dict[str, str]:
        """What was typed, to show it again (a field posted several times: its values, one a line, under
        ``name[]``)."""
        found = {name: self.text(name) for name in self.form if name != "csrf_token"}
        for name in self.form:
            found[name + "[]"] = "\n".join(self.texts(name))
        return found


@dataclass(frozen=True)
class Problems:
    """What went wrong in the form ``form``: the message, each field's issue (the first, by the field's name:
    ``categories[2]`` is ``categories``), every issue's words for the summary, and the values typed."""

    form: str
    status: int
    message: str
    fields: dict[str, str]
    texts: list[str]
    posted: dict[str, str]

    def value(self, name: str, default: object = "") -> object:
        return self.posted.get(name, default)

    def chosen(self, name: str) -> list[str]:
        """The values of a field posted several times (checkboxes)."""
        return [v for v in self.posted.get(name + "[]", "").split("\n") if v]

    @classmethod
    def of(cls, form: str, error: InklusiError, language: Language, posted: dict[str, str]) -> Problems:
        fields: dict[str, str] = {}
        texts = []
        for issue in error.issues:
            text = issue.text.render(language)
            texts.append(text)
            fields.setdefault(LISTED.sub(r"\1", issue.field), text)
        return cls(form, error.status, error.text.render(language), fields, texts, posted)


LISTED = re.compile(r"^(categories|goals)\[\d+\]$")


def render_again(request: Request, template: str, problems: Problems | None, **context: object) -> Response:
    """A page shown again with ``problems`` beside the form that was sent; when that form is no longer on
    the page (the case moved on meanwhile), the refusal is shown at the top instead: never lost."""
    status = problems.status if problems else 200
    response = render(request, template, status_code=status, problems=problems, **context)
    if problems is not None and f'id="problems-{problems.form}"'.encode() not in response.body:
        response = render(
            request, template, status_code=status, problems=problems, orphan=problems, **context
        )
    return response


def shown_in_form(error: InklusiError) -> bool:
    """The refusals a form shows itself: bad input, a guard of the case's state, a step not the sender's.
    Anything else (not found, no permission at all) is the application's error page (and audited)."""
    return isinstance(error, Invalid | Conflict | ActorRefused)
