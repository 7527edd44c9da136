"""Export the instrument as an XLSForm (ODK Collect, KoboToolbox, Enketo), in Indonesian and English.

Skip logic and constraints are compiled from the instrument's conditions to XPath; select answers are
compared as strings (XForm select values are strings), numbers as numbers.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from inklusi.instrument.model import Condition, Instrument, Question
from inklusi.instrument.uploads import private_folder

LANGUAGES = {"id": "Bahasa Indonesia (id)", "en": "English (en)"}
SELECTS = ("select_one", "yes_no")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_name(question: Question) -> str:
    if question.type == "yes_no":
        return "yes_no"
    return question.codelist or f"{question.code}_choices"


def xpath(condition: Condition, instrument: Instrument) -> str:
    """A condition as an XForm ``relevant`` expression."""
    if condition.all or condition.any:
        parts = [xpath(part, instrument) for part in (condition.all or condition.any or ())]
        joiner = " and " if condition.all else " or "
        return "(" + joiner.join(parts) + ")"
    assert condition.field is not None  # a condition without all/any names a field (Condition checks)
    field = f"${{{condition.field}}}"
    selected = instrument.question(condition.field).type in SELECTS
    terms = []
    if condition.in_ is not None:
        values = [f"'{value}'" if selected else str(value) for value in condition.in_]
        terms.append("(" + " or ".join(f"{field} = {value}" for value in values) + ")")
    if condition.min is not None:
        terms.append(f"{field} >= {condition.min:g}")
    if condition.max is not None:
        terms.append(f"{field} <= {condition.max:g}")
    return " and ".join(terms)


def constraint(question: Question) -> str:
    terms = []
    if question.min is not None:
        terms.append(f". >= {question.min:g}")
    if question.max is not None:
        terms.append(f". <= {question.max:g}")
    if question.pattern:
        quote = '"' if "'" in question.pattern else "'"  # XPath 1.0 has no escapes inside a literal
        terms.append(f"regex(., {quote}{question.pattern}{quote})")
    if question.type == "integer" and question.codelist:  # a sum of flag codes (Regsosek "jumlahkan kode")
        options = question.options
        flags = sum(code for code in options if code not in (0, 99))
        terms.append(f"(. = 0 or . = 99 or (. >= 1 and . <= {flags}))")
    return " and ".join(terms)


def survey_rows(instrument: Instrument) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for group in instrument.groups:
        kind = "repeat" if group.repeat else "group"
        rows.append({"type": f"begin {kind}", "name": group.code, **_labels(group.label)})
        for question in group.questions:
            kind_of = f"select_one {list_name(question)}" if question.type in SELECTS else question.type
            row = {"type": kind_of, "name": question.code, **_labels(question.label)}
            if question.required:
                row["required"] = "yes"
            if question.relevant:
                row["relevant"] = xpath(question.relevant, instrument)
            if rule := constraint(question):
                row["constraint"] = rule
            rows.append(row)
        rows.append({"type": f"end {kind}", "name": group.code})
    return rows


def choice_rows(instrument: Instrument) -> list[dict[str, str]]:
    rows, done = [], set()
    for question in instrument.questions:
        if question.type not in SELECTS or list_name(question) in done:
            continue
        done.add(list_name(question))
        for code, label in question.options.items():
            rows.append({"list_name": list_name(question), "name": str(code), **_labels(label)})
    return rows


def _labels(label) -> dict[str, str]:
    return {f"label::{LANGUAGES[code]}": label(code) for code in LANGUAGES}


def write_xlsform(instrument: Instrument, path: Path) -> Path:
    """Write the XLSForm workbook (survey, choices, settings)."""
    workbook = Workbook()
    sheets = {
        "survey": survey_rows(instrument),
        "choices": choice_rows(instrument),
        "settings": [
            {
                "form_title": instrument.title("id"),
                "form_id": instrument.id,
                "version": instrument.version.replace(".", ""),
                "default_language": LANGUAGES["id"],
            }
        ],
    }
    if (default_sheet := workbook.active) is not None:  # a new workbook has one, always
        workbook.remove(default_sheet)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        columns = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column, "") for column in columns])
    workbook.save(path)
    return path


def export_xlsform(instrument: Instrument, exports_dir: Path) -> Path:
    """The instrument's XLSForm written into ``exports_dir`` (created readable by its owner only)."""
    folder = private_folder(exports_dir)
    return write_xlsform(instrument, folder / f"{instrument.id}-{instrument.version}.xlsx")
