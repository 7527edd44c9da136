"""What the programme pages share: reading numbers typed in a form (as an issue naming the field when they
are not numbers), and the refusal of a form shown above it with each issue beside its field — never an error
page for a mistake in a form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from inklusi.errors import InklusiError, Invalid, Issue
from inklusi.i18n import Language, msg


async def form_of(request: Request) -> FormData:
    """The posted form (read once; ``require_csrf`` has read it already)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_of)]


@dataclass
class Posted:
    """A form's values, read field by field; what cannot be read is an issue naming the field."""

    form: FormData
    issues: list[Issue] = field(default_factory=list)

    def text(self, name: str, limit: int = 5000) -> str:
        value = self.form.get(name, "")
        return value[:limit].strip() if isinstance(value, str) else ""

    def amount(self, name: str) -> float | None:
        """Rupiah as typed ("2.400.000", "2,400,000", "2400000"); empty: None."""
        raw = self.text(name).replace("Rp", "").replace(".", "").replace(",", "").replace(" ", "")
        if not raw:
            return None
        if not raw.isdigit():
            self.issues.append(Issue(name, "invalid", msg("{value} is not an amount", value=self.text(name))))
            return None
        return float(raw)

    def whole(self, name: str, low: int, high: int) -> int | None:
        raw = self.text(name).replace(".", "").replace(",", "").replace(" ", "")
        if not raw:
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.issues.append(
                Issue(name, "invalid", msg("Give a whole number from {low} to {high}", low=low, high=high))
            )
            return None
        return int(raw)

    def check(self) -> None:
        if self.issues:
            raise Invalid(msg("Some values are not valid"), self.issues)


@dataclass(frozen=True)
class Problems:
    """A refused form: the message, each field's first issue, every issue's words, the values typed."""

    status: int
    message: str
    fields: dict[str, str]
    texts: list[str]
    posted: dict[str, str]

    @classmethod
    def of(
        cls,
        error: InklusiError,
        language: Language,
        form: FormData | None = None,
        *,
        rename: Callable[[str], str] = str,
    ) -> Problems:
        """``rename``: a service's field name as the form names it (``decisions[0].reason`` → a row's)."""
        fields: dict[str, str] = {}
        texts = []
        for issue in error.issues:
            text = issue.text.render(language)
            name = rename(issue.field)
            texts.append(f"{name}: {text}" if name else text)
            fields.setdefault(name, text)
        posted = {k: v for k, v in (form or {}).items() if isinstance(v, str) and k != "csrf_token"}
        return cls(error.status, error.text.render(language), fields, texts, posted)
