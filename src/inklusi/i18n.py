"""Messages in Bahasa Indonesia (default) and English.

Code writes messages in English with :func:`msg`; the Indonesian text comes from the gettext catalogue in
``inklusi/locale/id/LC_MESSAGES/inklusi.po`` (``make messages`` extracts new ones). A message keeps its
parameters apart, so it can be rendered in either language at the edge (API, CLI, web, error reports).
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from io import BytesIO
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_time, get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")
DEFAULT_LANGUAGE: Language = "id"
BABEL_LOCALES = {"id": "id_ID", "en": "en_GB"}  # for dates and numbers
DOMAIN = "inklusi"


@dataclass(frozen=True)
class Text:
    """A translatable message: the English msgid and its parameters."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``language``; a date among its parameters reads like every other date a person
        sees in that language (:func:`format_day`), a message among them is rendered in it too."""
        text = translations(language).gettext(self.msgid)
        if not self.params:
            return text
        shown = {name: _shown(value, language) for name, value in self.params.items()}
        return text.format(**shown)

    def both(self) -> dict[str, str]:
        """The message in every language, e.g. for an error report a steward may read in either."""
        return {language: self.render(language) for language in LANGUAGES}

    def __str__(self) -> str:
        return self.render("en")


def _shown(value: object, language: str) -> object:
    """A parameter as a message shows it: a date like every other date, a message in the same language."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_day(value, language)
    if isinstance(value, Text):
        return value.render(language)
    return value


def msg(msgid: str, **params: object) -> Text:
    """Mark a message for translation (``pybabel extract -k msg``)."""
    return Text(msgid, params)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue for ``language``; English (the msgids) for anything not translated."""
    if language not in LANGUAGES or language == "en":
        return gettext.NullTranslations()
    po_file = resources.files("inklusi") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def pick_language(accept_language: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """The first supported language in an HTTP ``Accept-Language`` header (quality order)."""
    if not accept_language:
        return default
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((quality, tag.strip().lower().split("-")[0]))
    for _quality, tag in sorted(ranked, key=lambda item: -item[0]):
        if tag in LANGUAGES:
            return tag
    return default


def format_day(value: date, language: str) -> str:
    """Every date a person reads, in one format per language: Babel's medium ("9 Apr 1993")."""
    return format_date(value, "medium", locale=BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT_LANGUAGE]))


def format_moment(value: datetime, language: str, timezone: str) -> str:
    """Every date and time a person reads, in ``timezone`` (WIB by default): the day as :func:`format_day`,
    the time to the minute, joined as the language joins them ("9 Apr 1993 14.30", "9 Apr 1993, 14:30")."""
    locale = Locale.parse(BABEL_LOCALES.get(language, BABEL_LOCALES[DEFAULT_LANGUAGE]))
    zone = get_timezone(timezone)
    day = format_date(value.astimezone(zone) if value.tzinfo else value, "medium", locale=locale)
    at = format_time(value, "short", tzinfo=zone, locale=locale)
    return str(locale.datetime_formats["medium"]).format(at, day)
