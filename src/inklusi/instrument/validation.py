"""Checking submissions, column by column (Arrow compute, not a Python loop per field).

Every check yields :class:`Violation` rows — the record (submission, member number), the question, a rule
code and the values that explain it — only for the records that break it. :mod:`inklusi.instrument.rules`
holds the checks across fields (NIK, areas, heads, ages, family size); this module the checks of a single
question: type, required, skip logic, answer codes, ranges, patterns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from inklusi.errors import Severity
from inklusi.instrument.model import Condition, Instrument, Question
from inklusi.instrument.submissions import SUBMISSION_ID

SUBMISSION_ID_LENGTH = 120  # the longest submission id the import's books keep
TEXT_LENGTH = 200  # the longest answer to a text question without a limit of its own
TEXT_LENGTHS = {  # where the registry keeps an answer, the longest it keeps (tests hold these to the tables)
    "household.sls": 32,
    "household.address": 500,
    "person.name": 200,
    "person.birth_place": 100,
}


CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # control characters no answer holds (tab, CR, LF may)


def text_length(question: Question) -> int:
    return TEXT_LENGTHS.get(question.target or "", TEXT_LENGTH)


@dataclass(frozen=True)
class Violation:
    submission_id: str | None
    member_no: int | None  # None: the family part of the form
    field: str  # question code, or "" for the whole form
    code: str  # rule, e.g. "required", "code.unknown", "nik.sex_mismatch"
    params: dict[str, object] = dataclasses.field(default_factory=dict)  # `field` is shadowed
    severity: Severity = "error"


def condition_mask(condition: Condition, table: pa.Table) -> pa.ChunkedArray:
    """Where a question is asked. A condition on an empty answer is false (as in XForm)."""
    if condition.all or condition.any:
        masks = [condition_mask(part, table) for part in (condition.all or condition.any or ())]
        combine = pc.and_ if condition.all else pc.or_
        result = masks[0]
        for mask in masks[1:]:
            result = combine(result, mask)
        return result
    column = table[condition.field]
    mask = pc.is_valid(column)
    if condition.in_ is not None:
        mask = pc.and_(mask, pc.is_in(column, value_set=pa.array(condition.in_, column.type)))
    if condition.min is not None:
        mask = pc.and_(mask, pc.greater_equal(column, condition.min))
    if condition.max is not None:
        mask = pc.and_(mask, pc.less_equal(column, condition.max))
    return pc.fill_null(mask, False)


def violations_where(
    table: pa.Table,
    mask,
    field: str,
    code: str,
    *,
    values: dict[str, str] | None = None,
    constants: dict[str, object] | None = None,
    severity: Severity = "error",
) -> list[Violation]:
    """A violation for each row where ``mask`` holds; ``values`` names columns to quote in the message,
    ``constants`` adds the same parameters to every one."""
    rows = pc.indices_nonzero(pc.fill_null(mask, False))
    if len(rows) == 0:
        return []
    picked = table.take(rows)
    ids = picked[SUBMISSION_ID].to_pylist()
    members = picked["r401"].to_pylist() if "r401" in picked.column_names else [None] * len(ids)
    quoted = {name: picked[column].to_pylist() for name, column in (values or {}).items()}
    return [
        Violation(
            ids[i],
            members[i],
            field,
            code,
            {**(constants or {}), **{n: quoted[n][i] for n in quoted}},
            severity,
        )
        for i in range(len(ids))
    ]


def question_violations(table: pa.Table, question: Question) -> list[Violation]:
    column = table[question.code]
    answered = pc.is_valid(column)
    asked = (
        condition_mask(question.relevant, table)
        if question.relevant
        else pa.array([True] * len(table), pa.bool_())
    )
    found = []
    if question.required:
        found += violations_where(table, pc.and_(asked, pc.invert(answered)), question.code, "required")
    if question.relevant:
        found += violations_where(
            table,
            pc.and_(pc.invert(asked), answered),
            question.code,
            "not_asked",
            values={"value": question.code},
        )
    options = question.options
    if question.type in ("select_one", "yes_no"):
        unknown = pc.and_(
            answered, pc.invert(pc.is_in(column, value_set=pa.array(list(options), pa.int64())))
        )
        found += violations_where(
            table, unknown, question.code, "code.unknown", values={"value": question.code}
        )
    if question.type == "integer" and question.codelist:  # a sum of flag codes
        flags = sum(code for code in options if code not in (0, 99))
        special = pc.is_in(column, value_set=pa.array([0, 99], pa.int64()))
        summable = pc.and_(pc.greater_equal(column, 1), pc.less_equal(column, flags))
        bad = pc.and_(answered, pc.invert(pc.or_(special, summable)))
        found += violations_where(table, bad, question.code, "code.unknown", values={"value": question.code})
    if question.min is not None or question.max is not None:
        outside = pa.array([False] * len(table), pa.bool_())
        if question.min is not None:
            outside = pc.or_(outside, pc.less(column, question.min))
        if question.max is not None:
            outside = pc.or_(outside, pc.greater(column, question.max))
        found += violations_where(
            table,
            pc.and_(answered, outside),
            question.code,
            "range",
            values={"value": question.code},
            constants={"low": question.min, "high": question.max},
        )
    if question.type == "text":
        limit = text_length(question)
        length = pc.utf8_length(column)
        found += violations_where(
            table.append_column("_length", length),
            pc.greater(length, limit),
            question.code,
            "text.too_long",
            values={"length": "_length"},
            constants={"limit": limit},
        )
        found += violations_where(  # NUL and other control characters: PostgreSQL refuses NUL in text
            table, pc.match_substring_regex(column, CONTROL), question.code, "text.control"
        )
    if question.pattern:
        mismatch = pc.and_(answered, pc.invert(pc.match_substring_regex(column, question.pattern)))
        found += violations_where(table, mismatch, question.code, "pattern", values={"value": question.code})
    return found


def form_violations(families: pa.Table, members: pa.Table, instrument: Instrument) -> list[Violation]:
    found = []
    for question in instrument.family_questions:
        found += question_violations(families, question)
    for question in instrument.member_questions:
        found += question_violations(members, question)
    return found
