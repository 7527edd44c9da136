"""Server-rendered pages: one Jinja2 environment per language, locale-aware filters, and the page response.

Templates live with their slice (``<slice>/templates/<slice>/…``) and the shared layout here
(``web/templates``). Text in templates goes through gettext (``{{ _("…") }}``), from the same catalogue as
the rest of Inklusi. Dates and numbers are formatted with Babel for the page's language, one format for
dates (``| date``) and one for date-times (``| datetime``, in the configured time zone, WIB by default): no
template formats a date by hand.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, datetime
from functools import cache

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from inklusi.i18n import BABEL_LOCALES, LANGUAGES, Language, Text, format_day, format_moment, translations

TEMPLATE_PACKAGES = (
    "inklusi.web",
    "inklusi.access",
    "inklusi.audit",
    "inklusi.registry",
    "inklusi.instrument",
    "inklusi.linkage",
    "inklusi.welfare",
    "inklusi.ppks",
    "inklusi.directory",
    "inklusi.cases",
    "inklusi.programmes",
    "inklusi.sharing",
)
LANGUAGE_COOKIE = "inklusi_lang"


@cache
def environment(language: Language, timezone: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader(package) for package in TEMPLATE_PACKAGES]),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        translations(language), newstyle=True
    )
    locale = BABEL_LOCALES[language]
    # One format per language for dates and one for date-times; templates take no style of their own.
    env.filters["date"] = lambda value: (
        format_day(value.date() if isinstance(value, datetime) else value, language)
        if isinstance(value, date)
        else ""
    )
    env.filters["datetime"] = lambda value: (
        format_moment(value, language, timezone) if isinstance(value, datetime) else ""
    )
    env.filters["number"] = lambda value: format_decimal(value, locale=locale) if value is not None else ""
    env.filters["text"] = lambda value: value.render(language) if isinstance(value, Text) else value
    env.globals["language"] = language
    env.globals["languages"] = LANGUAGES
    return env


def page_language(request: Request) -> Language:
    """The language chosen with the switcher (a cookie); Indonesian until someone chooses English."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else "id"


def render(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    settings = request.app.state.ctx.settings
    env = environment(page_language(request), settings.timezone)
    context.setdefault("principal", getattr(request.state, "principal", None))
    context.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
    html = env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def self_contained(html: str) -> HTMLResponse:
    """A page that carries its own ``<style>`` because it is also saved as a file (the printable
    questionnaire): the Content-Security-Policy allows exactly those styles, by their hash, and nothing else
    inline."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    )
    policy = f"default-src 'self'; style-src 'self' {hashes}; img-src 'self' data:; frame-ancestors 'none'"
    return HTMLResponse(html, headers={"Content-Security-Policy": policy})


def attachment(text: str, media_type: str, name: str) -> PlainTextResponse:
    """Text sent as a file to save (an error report, the held forms)."""
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return PlainTextResponse(text, media_type=media_type, headers=disposition)
