"""Submissions in one shape, whatever the field tool: two Arrow tables, ``families`` (one row per family
form) and ``members`` (one row per member, linked by ``submission_id``), with a column per question code.

Readers: the instrument's own JSON Lines (a member list inside each family) and Parquet (a folder with
``families.parquet`` and ``members.parquet``); ODK Central's CSV export (a ZIP, or the main CSV with its
repeat CSV beside it); KoboToolbox's JSON export. Group paths in column names (``blok3-r303``,
``blok3/r303``) are dropped. Values are typed by :func:`coerce`, which reports what cannot be read.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.instrument.containers import (
    ReadLimits,
    Unreadable,
    csv_rows,
    decode,
    form,
    is_zip,
    zip_texts,
)
from inklusi.instrument.model import Instrument, Question

QUESTION_CODE = re.compile(r"(?:^|[-/])(r[0-9]{3}[a-z]?)$")
SUBMISSION_ID = "submission_id"
FORM = "_form"  # a form's place in the file, and each member's form: keeps forms apart whatever their ids
ARROW_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "select_one": pa.int64(),
    "yes_no": pa.int64(),
    "decimal": pa.float64(),
    "date": pa.date32(),
}
_NUMBER = r"^\s*-?[0-9]{1,18}\s*$"  # 18 digits: still a 64-bit integer
_DECIMAL = r"^\s*-?[0-9]+([.,][0-9]+)?\s*$"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submissions:
    families: pa.Table
    members: pa.Table
    source_format: str

    def __len__(self) -> int:
        return self.families.num_rows


@dataclass(frozen=True)
class TypeProblem:
    table: str  # "families" or "members"
    row: int
    field: str
    value: str


def schema(questions: Iterable[Question], *, members: bool) -> pa.Schema:
    keys = [pa.field(SUBMISSION_ID, pa.string())]
    return pa.schema(keys + [pa.field(q.code, ARROW_TYPES[q.type]) for q in questions])


@cache
def _question_code(column: str) -> str | None:
    found = QUESTION_CODE.search(column.strip().lower())
    return found.group(1) if found else None


def _table(records: list[dict], codes: list[str]) -> pa.Table:
    """A text column per question code (group paths dropped, empty text = no answer): nothing is lost or
    guessed before :func:`coerce` checks it."""
    columns: dict[str, list] = {code: [None] * len(records) for code in [SUBMISSION_ID, *codes]}
    for row, record in enumerate(records):
        for key, value in record.items():
            if not isinstance(key, str):  # a CSV row longer than its header
                continue
            code = key if key == SUBMISSION_ID else _question_code(key)
            column = columns.get(code) if code is not None else None
            if column is not None and value != "":
                column[row] = value
    return pa.table({code: _text_array(values) for code, values in columns.items()})


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text_array(values: list) -> pa.Array:
    try:
        return pa.array(values, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers or dates among the texts (JSON, CSV readers)
        pass
    try:
        inferred = pa.array(values)
    except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError):  # a mix: text and numbers
        inferred = None
    if inferred is not None and pa.types.is_integer(inferred.type):  # whole numbers only, cast at once
        return inferred.cast(pa.string())
    return pa.array([_text(value) for value in values], pa.string())


def _assemble(
    families: list[dict], members: list[dict], instrument: Instrument, source: str, path: Path
) -> Submissions:
    family_codes = [q.code for q in instrument.family_questions]
    member_codes = [q.code for q in instrument.member_questions]
    if families and not any(
        _question_code(key) in family_codes for record in families for key in record if isinstance(key, str)
    ):
        raise Unreadable(
            msg(
                "{file}: none of its columns is a question of the questionnaire (r101, r102, …): "
                "is it an export of the {instrument} form?",
                file=path.name,
                instrument=instrument.id,
            )
        )
    family_table = _table(families, family_codes).append_column(
        FORM, pa.array(range(len(families)), pa.int64())
    )
    member_table = _table(members, member_codes).append_column(
        FORM, pa.array([member.get(FORM) for member in members], pa.int64())
    )
    return Submissions(family_table, member_table, source)


def read_jsonl(path: Path, instrument: Instrument, limits: ReadLimits = ReadLimits()) -> Submissions:
    families, members = [], []
    repeat = instrument.member_group.code
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as error:
                error.lineno = number  # the file's line, not the line within the record
                raise
            family, listed = form(record, repeat, path, "line", number)
            families.append(family)
            link = {SUBMISSION_ID: family.get(SUBMISSION_ID), FORM: len(families) - 1}
            members += [{**member, **link} for member in listed]
    return _assemble(families, members, instrument, "jsonl", path)


def read_kobo_json(path: Path, instrument: Instrument, limits: ReadLimits = ReadLimits()) -> Submissions:
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data.get("results") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise Unreadable(
            msg(
                "{file}: expected KoboToolbox's JSON export, a list of submissions (or an object with "
                '"results": [...])',
                file=path.name,
            )
        )
    repeat = instrument.member_group.code
    families, members = [], []
    for number, record in enumerate(records, 1):
        family, listed = form(record, repeat, path, "record", number)
        submission_id = family.get("meta/instanceID") or family.get("_uuid")
        families.append({**family, SUBMISSION_ID: submission_id})
        members += [{**member, SUBMISSION_ID: submission_id, FORM: number - 1} for member in listed]
    return _assemble(families, members, instrument, "kobo-json", path)


def read_odk_csv(path: Path, instrument: Instrument, limits: ReadLimits = ReadLimits()) -> Submissions:
    """ODK Central's export: the main CSV and the repeat's CSV (``<form>-<repeat>.csv``), zipped or not."""
    repeat = instrument.member_group.code
    if is_zip(path):
        texts = zip_texts(path, limits)
    else:
        siblings = [path, *path.parent.glob(f"{path.stem}-*.csv")]
        texts = {p.name: decode(p.read_bytes(), path, p.name) for p in siblings}
    repeat_name = next((n for n in texts if n.removesuffix(".csv").endswith(f"-{repeat}")), None)
    main_name = next((n for n in texts if n != repeat_name), None)
    if main_name is None:
        raise Unreadable(
            msg(
                "{file} holds only the members' CSV ({name}), not the forms' main CSV",
                file=path.name,
                name=repeat_name,
            )
        )
    main = csv_rows(texts[main_name], path, main_name)
    families = [{**row, SUBMISSION_ID: row.get("meta-instanceID") or row.get("KEY")} for row in main]
    form_by_key = {row.get("KEY"): index for index, row in enumerate(main)}
    members = []
    if repeat_name:
        for row in csv_rows(texts[repeat_name], path, repeat_name):
            form = form_by_key.get(row.get("PARENT_KEY"))
            parent = families[form][SUBMISSION_ID] if form is not None else None
            members.append({**row, SUBMISSION_ID: parent, FORM: form})
    return _assemble(families, members, instrument, "odk-csv", path)


def read_parquet(path: Path, instrument: Instrument, limits: ReadLimits = ReadLimits()) -> Submissions:
    """A folder with ``families.parquet`` and ``members.parquet`` (already typed, or text)."""
    tables = {}
    for name, questions in (
        ("families", instrument.family_questions),
        ("members", instrument.member_questions),
    ):
        part = path / f"{name}.parquet"
        if not part.is_file():
            raise Unreadable(
                msg("{file}: a Parquet folder needs families.parquet and members.parquet", file=path.name)
            )
        try:
            table = pq.read_table(part)
        except (pa.ArrowException, OSError):
            raise Unreadable(
                msg("{file}: {name} is not a readable Parquet file", file=path.name, name=part.name)
            ) from None
        columns = [SUBMISSION_ID, *(q.code for q in questions)]
        try:
            tables[name] = pa.table(
                {
                    c: table[c].cast(pa.string())
                    if c in table.column_names
                    else pa.nulls(len(table), pa.string())
                    for c in columns
                }
            )
        except (pa.ArrowException, ValueError):
            raise Unreadable(
                msg(
                    "{file}: a column of {name} is not text, a number or a date "
                    "(nested values cannot be answers)",
                    file=path.name,
                    name=part.name,
                )
            ) from None
    return Submissions(tables["families"], tables["members"], "parquet")


Reader = Callable[[Path, Instrument, ReadLimits], Submissions]
READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".json": read_kobo_json,
    ".csv": read_odk_csv,
    ".zip": read_odk_csv,
}


def read(path: Path, instrument: Instrument, limits: ReadLimits = ReadLimits()) -> Submissions:
    """The submissions in a file (or a Parquet folder); a file that cannot be read is refused whole,
    saying where it broke in words for the person who sent it (what went wrong inside is logged)."""
    reader: Reader | None
    if path.is_dir():
        reader = read_parquet
    elif (reader := READERS.get(path.suffix.lower())) is None:
        text = msg(
            "{file}: expected .jsonl, .json (KoboToolbox), .csv/.zip (ODK Central) or a Parquet folder",
            file=path.name,
        )
        raise Invalid(text, [Issue("file", "format.unknown", text)])
    try:
        found = reader(path, instrument, limits)
    except Unreadable as error:
        text = error.text
    except json.JSONDecodeError as error:
        text = msg(
            "{file}, line {line}, column {column}: not valid JSON",
            file=path.name,
            line=error.lineno,
            column=error.colno,
        )
    except UnicodeDecodeError:
        text = msg("{file} is not UTF-8 text", file=path.name)
    except RecursionError:
        text = msg("{file}: the JSON is nested too deeply to be a form", file=path.name)
    except Exception:  # a reader's own failure: logged, never shown
        log.exception("reading %s failed", path.name)
        text = msg("{file} could not be read as {kind}", file=path.name, kind=_format_name(path))
    else:
        if len(found):
            return found
        text = msg("{file} holds no submissions", file=path.name)
    raise Invalid(text, [Issue("file", "format.unreadable", text)])


def _format_name(path: Path) -> str:
    if path.is_dir():
        return "Parquet"
    return {".jsonl": "JSON Lines", ".json": "KoboToolbox JSON"}.get(path.suffix.lower(), "ODK Central CSV")


def coerce(table: pa.Table, questions: Iterable[Question], name: str) -> tuple[pa.Table, list[TypeProblem]]:
    """Type every column (vectorised); a value that cannot be read becomes null and a problem."""
    problems: list[TypeProblem] = []
    columns = {SUBMISSION_ID: table[SUBMISSION_ID]}
    for question in questions:
        raw = table[question.code]
        target = ARROW_TYPES[question.type]
        if raw.type == target:  # typed already (Parquet written by a tool that knows the schema)
            columns[question.code] = raw
            continue
        raw = raw if pa.types.is_string(raw.type) else pc.cast(raw, pa.string())
        text = pc.utf8_trim_whitespace(raw)
        if target == pa.string():
            columns[question.code] = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
            continue
        if target == pa.date32():
            parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True).cast(pa.date32())
            readable = pc.is_valid(parsed)
        else:
            pattern = _DECIMAL if target == pa.float64() else _NUMBER
            readable = pc.fill_null(pc.match_substring_regex(text, pattern), False)
            cleaned = pc.replace_substring(text, ",", ".") if target == pa.float64() else text
            parsed = pc.cast(pc.if_else(readable, cleaned, pa.scalar(None, pa.string())), target)
        present = pc.fill_null(pc.not_equal(text, ""), False)
        unreadable = pc.and_(present, pc.invert(pc.fill_null(readable, False)))
        for row in pc.indices_nonzero(unreadable).to_pylist():
            problems.append(TypeProblem(name, row, question.code, raw[row].as_py()))
        columns[question.code] = parsed
    return pa.table(columns), problems
