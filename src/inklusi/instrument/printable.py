"""The instrument as a printable questionnaire (HTML; the browser's "print to PDF" makes the PDF) for paper
enumeration: every block, question number, answer code and skip rule, in Indonesian or English."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from inklusi.i18n import Language, translations
from inklusi.instrument.model import Condition, Instrument, Question

JOINERS = {"id": (" dan ", " atau "), "en": (" and ", " or ")}
DIGITS = re.compile(r"^\^\[0-9\]\{(\d+)\}\$$")


def condition_text(condition: Condition, instrument: Instrument, language: Language) -> str:
    """A skip rule as a reader says it: ``r301a = 1 (Milik sendiri)``, ``r407 ≥ 5``, ``(… dan …)``."""
    if condition.all or condition.any:
        words = JOINERS[language]
        joiner = words[0] if condition.all else words[1]
        parts = (condition_text(part, instrument, language) for part in condition.all or condition.any or ())
        return "(" + joiner.join(parts) + ")"
    code = condition.field
    assert code is not None  # a condition without all/any names a field (Condition checks)
    terms = []
    if condition.in_ is not None:
        options = instrument.question(code).options
        values = [f"{v} ({options[v](language)})" if v in options else str(v) for v in condition.in_]
        terms.append(f"{code} = " + " / ".join(values))
    if condition.min is not None:
        terms.append(f"{code} ≥ {condition.min:g}")
    if condition.max is not None:
        terms.append(f"{code} ≤ {condition.max:g}")
    return JOINERS[language][0].join(terms)


def answer_boxes(question: Question) -> int:
    """Boxes to write the answer in, one per digit (0: a line for text). Codes get one per digit."""
    if question.pattern and (digits := DIGITS.match(question.pattern)):
        return int(digits.group(1))
    if question.options:
        return len(str(max(question.options)))
    if question.max is not None:
        return len(str(int(question.max)))
    return {"integer": 4, "decimal": 6, "date": 8}.get(question.type, 0)


@cache
def _environment(language: Language) -> Environment:
    env = Environment(
        loader=PackageLoader("inklusi.instrument"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        translations(language), newstyle=True
    )
    return env


def questionnaire_html(instrument: Instrument, language: Language = "id") -> str:
    template = _environment(language).get_template("instrument/questionnaire.html")
    return template.render(
        instrument=instrument,
        language=language,
        condition_text=lambda condition: condition_text(condition, instrument, language),
        answer_boxes=answer_boxes,
    )
