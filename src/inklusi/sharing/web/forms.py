"""What the sharing pages share: a page rendered with the slice's words for its codes
(``inklusi.sharing.labels``), the posted form, read once, and a refused form's problems shown above it
(each issue beside its field), never an error page for a mistake in a form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from inklusi.errors import InklusiError
from inklusi.i18n import Language
from inklusi.sharing.labels import words
from inklusi.web.pages import page_language, render


def show(request: Request, template: str, status_code: int = 200, **context: object) -> Response:
    """A sharing page, with ``words`` (every code of the slice as words in the page's language)."""
    return render(
        request,
        template,
        status_code=status_code,
        active="sharing",
        words=words(page_language(request)),
        **context,
    )


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
