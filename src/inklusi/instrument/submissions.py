"""Submissions in one shape, whatever the field tool: two Arrow tables, ``families`` (one row per family
form) and ``members`` (one row per member, linked by ``submission_id``), with a column per question code.

Readers: the instrument's own JSON Lines (a member list inside each family) and Parquet (a folder with
``families.parquet`` and ``members.parquet``); ODK Central's CSV export (a ZIP, or the main CSV with its
repeat CSV beside it); KoboToolbox's JSON export. Group paths in column names (``blok3-r303``,
``blok3/r303``) are dropped. Values are typed by :func:`coerce`, which reports what cannot be read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.instrument.model import Instrument, Question

QUESTION_CODE = re.compile(r"(?:^|[-/])(r[0-9]{3}[a-z]?)$")
SUBMISSION_ID = "submission_id"
ARROW_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "select_one": pa.int64(),
    "yes_no": pa.int64(),
    "decimal": pa.float64(),
    "date": pa.date32(),
}
_NUMBER = r"^\s*-?[0-9]+\s*$"
_DECIMAL = r"^\s*-?[0-9]+([.,][0-9]+)?\s*$"


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
            column = columns.get(key if key == SUBMISSION_ID else _question_code(key))
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
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a mix: text and numbers
        inferred = None
    if inferred is not None and pa.types.is_integer(inferred.type):  # whole numbers only, cast at once
        return inferred.cast(pa.string())
    return pa.array([_text(value) for value in values], pa.string())


def _assemble(families: list[dict], members: list[dict], instrument: Instrument, source: str) -> Submissions:
    family_codes = [q.code for q in instrument.family_questions]
    member_codes = [q.code for q in instrument.member_questions]
    return Submissions(_table(families, family_codes), _table(members, member_codes), source)


def read_jsonl(path: Path, instrument: Instrument) -> Submissions:
    families, members = [], []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                error.lineno = number  # the file's line, not the line within the record
                raise
            families.append(record)
            for member in record.get("members") or []:
                members.append({**member, SUBMISSION_ID: record.get(SUBMISSION_ID)})
    return _assemble(families, members, instrument, "jsonl")


def read_kobo_json(path: Path, instrument: Instrument) -> Submissions:
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data["results"] if isinstance(data, dict) else data
    repeat = instrument.member_group.code
    families, members = [], []
    for record in records:
        submission_id = record.get("meta/instanceID") or record.get("_uuid")
        families.append({**record, SUBMISSION_ID: submission_id})
        nested = next((value for key, value in record.items() if key.split("/")[-1] == repeat), None) or []
        members += [{**member, SUBMISSION_ID: submission_id} for member in nested]
    return _assemble(families, members, instrument, "kobo-json")


def read_odk_csv(path: Path, instrument: Instrument) -> Submissions:
    """ODK Central's export: the main CSV and the repeat's CSV (``<form>-<repeat>.csv``), zipped or not."""
    repeat = instrument.member_group.code
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".csv")]
            texts = {n: archive.read(n).decode("utf-8-sig") for n in names}
    else:
        siblings = [path, *path.parent.glob(f"{path.stem}-*.csv")]
        texts = {p.name: p.read_text(encoding="utf-8-sig") for p in siblings}
    repeat_name = next((n for n in texts if n.removesuffix(".csv").endswith(f"-{repeat}")), None)
    main_name = next(n for n in texts if n != repeat_name)
    main = list(csv.DictReader(io.StringIO(texts[main_name])))
    families = [{**row, SUBMISSION_ID: row.get("meta-instanceID") or row.get("KEY")} for row in main]
    ids_by_key = {row.get("KEY"): family[SUBMISSION_ID] for row, family in zip(main, families, strict=True)}
    members = []
    if repeat_name:
        for row in csv.DictReader(io.StringIO(texts[repeat_name])):
            members.append({**row, SUBMISSION_ID: ids_by_key.get(row.get("PARENT_KEY"))})
    return _assemble(families, members, instrument, "odk-csv")


def read_parquet(path: Path, instrument: Instrument) -> Submissions:
    """A folder with ``families.parquet`` and ``members.parquet`` (already typed, or text)."""
    tables = {}
    for name, questions in (
        ("families", instrument.family_questions),
        ("members", instrument.member_questions),
    ):
        table = pq.read_table(path / f"{name}.parquet")
        columns = [SUBMISSION_ID, *(q.code for q in questions)]
        tables[name] = pa.table(
            {
                c: table[c].cast(pa.string())
                if c in table.column_names
                else pa.nulls(len(table), pa.string())
                for c in columns
            }
        )
    return Submissions(tables["families"], tables["members"], "parquet")


READERS = {".jsonl": read_jsonl, ".json": read_kobo_json, ".csv": read_odk_csv, ".zip": read_odk_csv}


def read(path: Path, instrument: Instrument) -> Submissions:
    """The submissions in a file (or a Parquet folder); a file that cannot be read is refused whole,
    saying where it broke."""
    if path.is_dir():
        reader = read_parquet
    elif (reader := READERS.get(path.suffix.lower())) is None:
        text = msg(
            "{file}: expected .jsonl, .json (KoboToolbox), .csv/.zip (ODK Central) or a Parquet folder",
            file=path.name,
        )
        raise Invalid(text, [Issue("file", "format.unknown", text)])
    try:
        found = reader(path, instrument)
    except json.JSONDecodeError as error:
        text = msg(
            "{file}, line {line}: not valid JSON ({error})",
            file=path.name,
            line=error.lineno,
            error=error.msg,
        )
    except UnicodeDecodeError:
        text = msg("{file} is not UTF-8 text", file=path.name)
    except (
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        StopIteration,
        zipfile.BadZipFile,
        pa.ArrowException,
    ) as error:
        problem = ": ".join((type(error).__name__, str(error)))
        text = msg("{file} could not be read: {error}", file=path.name, error=problem)
    else:
        if len(found):
            return found
        text = msg("{file} holds no submissions", file=path.name)
    raise Invalid(text, [Issue("file", "format.unreadable", text)])


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
