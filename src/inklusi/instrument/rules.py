"""Checks across fields and records, vectorised: NIK against sex and birth date, area codes that exist and
nest, one head per family, ages that fit relationships, the family size, duplicates in the file."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from inklusi.instrument.submissions import SUBMISSION_ID
from inklusi.instrument.validation import CONTROL, SUBMISSION_ID_LENGTH, Violation, violations_where

PRESENT = pa.array([1, 4], pa.int64())  # r404: lives with the family, new member
HEAD, SPOUSE, CHILD, GRANDCHILD, PARENT = 1, 2, 3, 5, 6


@dataclass(frozen=True)
class AreaCodes:
    """The codes an answer may use: ``31``, ``31.71``, ``31.71.01``, ``31.71.01.1001``; retired regencies."""

    provinces: frozenset[str]
    regencies: frozenset[str]
    districts: frozenset[str]
    villages: frozenset[str]
    retired_regencies: frozenset[str]


def village_codes(families: pa.Table) -> pa.ChunkedArray:
    """``r101.r102.r103.r104`` (null if any part is missing)."""
    return pc.binary_join_element_wise(
        families["r101"], families["r102"], families["r103"], families["r104"], "."
    )


def _in(values, codes: frozenset[str]):
    return pc.fill_null(pc.is_in(values, value_set=pa.array(sorted(codes), pa.string())), False)


def area_violations(families: pa.Table, areas: AreaCodes) -> list[Violation]:
    """The first level of the location that does not exist (and nest) is named."""
    join = pc.binary_join_element_wise
    province = families["r101"]
    regency = join(province, families["r102"], ".")
    district = join(regency, families["r103"], ".")
    village = join(district, families["r104"], ".")
    complete = pc.is_valid(village)
    found = []
    broken = pa.array([False] * len(families), pa.bool_())
    for level, codes, field, values in (
        ("province", areas.provinces, "r101", province),
        ("regency", areas.regencies, "r102", regency),
        ("district", areas.districts, "r103", district),
        ("village", areas.villages, "r104", village),
    ):
        unknown = pc.and_(pc.and_(complete, pc.invert(broken)), pc.invert(_in(values, codes)))
        found += violations_where(
            families.append_column("_code", values),
            unknown,
            field,
            f"area.{level}_unknown",
            values={"code": "_code"},
        )
        broken = pc.or_(broken, unknown)
    return found


def nik_violations(members: pa.Table, areas: AreaCodes) -> list[Violation]:
    """NIKs of present members: area of first registration, birth day and month, sex, birth date."""
    nik = members["r403"]
    present = pc.fill_null(pc.is_in(members["r404"], value_set=PRESENT), False)
    usable = pc.and_(present, pc.fill_null(pc.match_substring_regex(nik, r"^[0-9]{16}$"), False))
    table = members.append_column("_nik", nik)
    digits = pc.if_else(usable, nik, "0" * 16)  # the parts of a NIK that is not 16 digits are never read
    part = lambda start, stop: pc.utf8_slice_codeunits(digits, start, stop)  # noqa: E731
    province, regency = part(0, 2), pc.binary_join_element_wise(part(0, 2), part(2, 4), ".")
    district = pc.binary_join_element_wise(regency, part(4, 6), ".")
    day, month, year = (pc.cast(part(a, b), pa.int64()) for a, b in ((6, 8), (8, 10), (10, 12)))
    female = pc.greater(day, 40)
    birth_day = pc.if_else(female, pc.subtract(day, 40), day)
    found = []
    province_ok = _in(province, areas.provinces)
    regency_retired = _in(regency, areas.retired_regencies)
    regency_ok = pc.or_(_in(regency, areas.regencies), regency_retired)
    found += violations_where(
        table,
        pc.and_(usable, pc.invert(province_ok)),
        "r403",
        "area.province_unknown",
        values={"code": "_nik"},
    )
    found += violations_where(
        table,
        pc.and_(pc.and_(usable, province_ok), pc.invert(regency_ok)),
        "r403",
        "area.regency_unknown",
        values={"code": "_nik"},
    )
    found += violations_where(
        table,
        pc.and_(usable, regency_retired),
        "r403",
        "area.regency_retired",
        values={"code": "_nik"},
        severity="warning",
    )
    unknown_district = pc.and_(
        pc.and_(usable, pc.invert(regency_retired)), pc.invert(_in(district, areas.districts))
    )
    found += violations_where(
        table,
        pc.and_(unknown_district, regency_ok),
        "r403",
        "area.district_unknown",
        values={"code": "_nik"},
        severity="warning",
    )
    bad_day = pc.invert(pc.or_(_between(day, 1, 31), _between(day, 41, 71)))
    found += violations_where(
        table, pc.and_(usable, bad_day), "r403", "nik.birth_day", values={"code": "_nik"}
    )
    bad_month = pc.invert(_between(month, 1, 12))
    found += violations_where(table, pc.and_(usable, bad_month), "r403", "nik.month", values={"code": "_nik"})
    sex = members["r405"]
    sex_from_nik = pc.if_else(female, 2, 1)
    mismatch = pc.and_(pc.and_(usable, pc.is_valid(sex)), pc.not_equal(sex, sex_from_nik))
    found += violations_where(table, mismatch, "r403", "nik.sex_mismatch", values={"code": "_nik"})
    born = members["r406"]
    two_digit_year = pc.subtract(
        pc.year(born), pc.multiply(pc.divide(pc.year(born), 100), 100)
    )  # integer division
    same_date = pc.and_(
        pc.and_(pc.equal(pc.day(born), birth_day), pc.equal(pc.month(born), month)),
        pc.equal(two_digit_year, year),
    )
    date_mismatch = pc.and_(pc.and_(usable, pc.is_valid(born)), pc.invert(pc.fill_null(same_date, False)))
    date_mismatch = pc.and_(date_mismatch, pc.and_(pc.invert(bad_day), pc.invert(bad_month)))
    found += violations_where(
        table.append_column("_born", pc.cast(born, pa.string())),
        date_mismatch,
        "r403",
        "nik.birth_date_mismatch",
        values={"code": "_nik", "date": "_born"},
    )
    counts = pc.value_counts(pc.filter(nik, usable))
    repeated = [item["values"].as_py() for item in counts if item["counts"].as_py() > 1]
    if repeated:
        twice = pc.and_(usable, _in(nik, frozenset(repeated)))
        found += violations_where(table, twice, "r403", "nik.duplicate", values={"code": "_nik"})
    return found


def _between(values, low: int, high: int):
    return pc.fill_null(pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high)), False)


def structure_violations(families: pa.Table, members: pa.Table) -> list[Violation]:
    """Duplicates, orphans, member numbers, one head, family size, ages against relationships."""
    found = []
    ids = families[SUBMISSION_ID]
    found += violations_where(families, pc.invert(pc.is_valid(ids)), "", "submission.missing_id")
    found += violations_where(
        families,
        pc.greater(pc.utf8_length(ids), SUBMISSION_ID_LENGTH),
        "",
        "submission.id_too_long",
        constants={"limit": SUBMISSION_ID_LENGTH},
    )
    found += violations_where(families, pc.match_substring_regex(ids, CONTROL), SUBMISSION_ID, "text.control")
    counts = pc.value_counts(pc.drop_null(ids))
    repeated = [item["values"].as_py() for item in counts if item["counts"].as_py() > 1]
    if repeated:
        found += violations_where(families, _in(ids, frozenset(repeated)), "", "submission.duplicate")
    orphan = pc.invert(pc.fill_null(pc.is_in(members[SUBMISSION_ID], value_set=ids.combine_chunks()), False))
    found += violations_where(members, orphan, "", "member.orphan")

    present = pc.fill_null(pc.is_in(members["r404"], value_set=PRESENT), False)
    listed = members.filter(present)
    per_form = listed.group_by(SUBMISSION_ID).aggregate([("r404", "count")])
    heads = listed.filter(pc.fill_null(pc.equal(listed["r409"], HEAD), False))
    head_counts = heads.group_by(SUBMISSION_ID).aggregate([(SUBMISSION_ID, "count")])
    head_count = _lookup(families[SUBMISSION_ID], head_counts, f"{SUBMISSION_ID}_count")
    size = _lookup(families[SUBMISSION_ID], per_form, "r404_count")
    with_counts = families.append_column("_heads", head_count).append_column("_size", size)
    found += violations_where(
        with_counts, pc.not_equal(head_count, 1), "r409", "family.heads", values={"n": "_heads"}
    )
    found += violations_where(
        with_counts,
        pc.and_(pc.is_valid(families["r112"]), pc.not_equal(families["r112"], size)),
        "r112",
        "family.size_mismatch",
        values={"declared": "r112", "listed": "_size"},
    )
    number_counts = members.group_by([SUBMISSION_ID, "r401"]).aggregate([("r401", "count")])
    doubled = number_counts.filter(pc.greater(number_counts["r401_count"], 1))
    if doubled.num_rows:
        keys = pc.binary_join_element_wise(members[SUBMISSION_ID], pc.cast(members["r401"], pa.string()), "#")
        doubled_keys = pc.binary_join_element_wise(
            doubled[SUBMISSION_ID], pc.cast(doubled["r401"], pa.string()), "#"
        )
        found += violations_where(
            members, pc.is_in(keys, value_set=doubled_keys), "r401", "member.number_repeated"
        )
    interviewed = pc.take(
        families["r201"].combine_chunks(), pc.index_in(members[SUBMISSION_ID], value_set=ids.combine_chunks())
    )
    return found + _age_violations(members, present, heads, interviewed)


def _lookup(keys: pa.ChunkedArray, table: pa.Table, column: str) -> pa.Array:
    """``table[column]`` for each key (a submission id), 0 where the key has no row."""
    if table.num_rows == 0:
        return pa.array([0] * len(keys), pa.int64())
    index = pc.index_in(keys, value_set=table[SUBMISSION_ID].combine_chunks())
    return pc.fill_null(pc.take(table[column].combine_chunks(), index), 0)


def _age_violations(members: pa.Table, present, heads: pa.Table, interviewed) -> list[Violation]:
    """Ages against relationships and against the birth date on the day of the interview (r201)."""
    found = []
    age = members["r407"]
    index = pc.index_in(members[SUBMISSION_ID], value_set=heads[SUBMISSION_ID].combine_chunks())
    head_age = pc.take(heads["r407"].combine_chunks(), index)  # null where the form has no head
    relation = members["r409"]
    table = members.append_column("_head_age", head_age)
    younger = pc.and_(present, pc.is_in(relation, value_set=pa.array([CHILD, GRANDCHILD], pa.int64())))
    too_old = pc.and_(younger, pc.greater_equal(age, head_age))
    found += violations_where(
        table, too_old, "r407", "age.not_younger_than_head", values={"age": "r407", "head_age": "_head_age"}
    )
    parent = pc.and_(present, pc.equal(relation, PARENT))
    found += violations_where(
        table,
        pc.and_(parent, pc.less_equal(age, head_age)),
        "r407",
        "age.not_older_than_head",
        values={"age": "r407", "head_age": "_head_age"},
    )
    married = pc.and_(present, pc.is_in(members["r408"], value_set=pa.array([2, 3, 4], pa.int64())))
    found += violations_where(
        table, pc.and_(married, pc.less(age, 10)), "r408", "age.too_young_to_marry", values={"age": "r407"}
    )
    days_old = pc.subtract(pc.cast(interviewed, pa.int32()), pc.cast(members["r406"], pa.int32()))
    years = pc.divide(pc.cast(days_old, pa.float64()), 365.2425)
    off = pc.greater(pc.abs(pc.subtract(pc.floor(years), age)), 1)
    found += violations_where(
        table.append_column("_years", pc.floor(years)),
        pc.and_(present, pc.fill_null(off, False)),
        "r407",
        "age.birth_date_mismatch",
        values={"age": "r407", "years": "_years"},
    )
    return found
