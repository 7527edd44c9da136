"""What the sharing pages' forms share: the posted form, read once, and a refused form's problems shown
above it (each issue beside its field), never an error page for a mistake in a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from inklusi.errors import InklusiError
from inklusi.i18n import Language


async def form_of(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(form_of)]


def text_of(form: FormData, name: str, limit: int = 5000) -> str:
    value = form.get(name, "")
    return value[:limit].strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    fields: dict[str, str]
    texts: list[str]

    @classmethod
    def of(cls, error: InklusiError, language: Language) -> Refusal:
        fields: dict[str, str] = {}
        texts = []
        for issue in error.issues:
            text = issue.text.render(language)
            texts.append(f"{issue.field}: {text}")
            fields.setdefault(issue.field, text)
        return cls(error.status, error.text.render(language), fields, texts)
