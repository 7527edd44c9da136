"""Indonesian preparation of person records for linkage: one Arrow table in, comparable columns out. Pure.

Input is any table plus a :class:`~inklusi.linkage.model.ColumnMap`; output has the canonical columns the
settings refer to (:data:`PREPARED_COLUMNS`): name tokens in written and sorted order, without spaces, a
phonetic key (:mod:`inklusi.linkage.person_names`); the birth date and its parts (falling back to the
NIK's); sex; the NIK with what it encodes (district of first registration, birth date, sex, a validity
flag following :func:`inklusi.wilayah.nik.parse_nik`); the KK number; the area hierarchy of the village
code (village, district, regency, province); postcode, address, birth place, phone, other identity numbers
and extra attributes in folded form. Everything is vectorised with Arrow and NumPy, except name folding,
which runs once per distinct name.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.linkage.model import ColumnMap, Role
from inklusi.linkage.nik_numbers import calendar_ok, decode_niks, digits_only
from inklusi.linkage.person_names import name_parts, phonetic_key
from inklusi.wilayah.model import fold

NAME_COLUMNS = (
    "name_norm",
    "name_sorted",
    "name_joined",
    "name_phonetic",
    "name_first",
    "name_last",
    "name_first_phonetic",
    "name_given",
    "name_given_phonetic",
    "patronymic",
)
_SEX_WORDS = {
    "1": 1,
    "m": 1,
    "male": 1,
    "l": 1,
    "lk": 1,
    "laki": 1,
    "laki laki": 1,
    "pria": 1,
    "2": 2,
    "f": 2,
    "female": 2,
    "p": 2,
    "pr": 2,
    "perempuan": 2,
    "wanita": 2,
    "w": 2,
}
_ADDRESS_WORDS = {"jl": "jalan", "jln": "jalan", "gg": "gang", "no": "nomor", "kp": "kampung", "ds": "desa"}


def prepare(table: pa.Table, columns: ColumnMap, *, today: date | None = None) -> pa.Table:
    """Comparable columns for every record of ``table`` (``unique_id`` first)."""
    today = today or date.today()
    if Role.record_id not in columns.roles:
        raise Invalid(msg("Name the column with the record ids (--id)"))
    ids = _text(table, columns.roles[Role.record_id])
    if ids.null_count or pc.count_distinct(ids).as_py() != len(ids):
        raise Invalid(
            msg(
                "Record ids must be present and unique: column {column}", column=columns.roles[Role.record_id]
            )
        )
    out: dict[str, pa.Array] = {"unique_id": ids}
    roles = columns.roles
    if Role.source in roles:
        out["source_dataset"] = _text(table, roles[Role.source])
    if Role.household in roles:
        out["household_ref"] = _text(table, roles[Role.household])
    out |= _names(table, columns)
    niks = None
    if Role.nik in roles:
        niks = decode_niks(_text(table, roles[Role.nik]), today)
        out |= niks
    out |= _birth_dates(table, columns, niks)
    if Role.sex in roles:
        out["sex"] = _sex(_text(table, roles[Role.sex]))
        if niks is not None:
            agrees = pc.equal(out["sex"], niks["nik_sex"])
            out["sex_from_nik"] = pc.if_else(
                pc.fill_null(agrees, False), out["sex"], pa.nulls(len(agrees), pa.int8())
            )
    if Role.kk in roles:
        kk = digits_only(_text(table, roles[Role.kk]))
        out["kk"] = pc.if_else(pc.equal(pc.utf8_length(kk), 16), kk, pa.nulls(len(kk), pa.string()))
    if Role.village_code in roles:
        out |= _areas(_text(table, roles[Role.village_code]))
    for role, transform in (
        (Role.postcode, _postcode),
        (Role.address, _address),
        (Role.birth_place, _place),
        (Role.phone, _phone),
        (Role.id_number, _identifier),
    ):
        if role in roles:
            out[role.value] = transform(_text(table, roles[role]))
    for name, column in columns.extras.items():
        out[f"extra_{_safe(name)}"] = _folded(_text(table, column))
    return pa.table(out)


def _safe(name: str) -> str:
    return re.sub(r"[^0-9a-z_]", "_", name.lower())


def _text(table: pa.Table, column: str) -> pa.Array:
    values = table[column].combine_chunks() if isinstance(table[column], pa.ChunkedArray) else table[column]
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    elif pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
        values = pc.strftime(values, format="%Y-%m-%d")
    elif pa.types.is_floating(values.type):
        values = pc.cast(values, pa.int64(), safe=False).cast(pa.string())
    else:
        values = values.cast(pa.string())
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.nulls(len(trimmed), pa.string()), trimmed)


def _per_distinct(values: pa.Array, function) -> tuple[pa.Array, list]:
    """Apply ``function`` once per distinct value; returns (indices into the results, results)."""
    distinct = pc.unique(values)
    results = [function(value) for value in distinct.to_pylist()]
    return pc.index_in(values, value_set=distinct), results


def _names(table: pa.Table, columns: ColumnMap) -> dict[str, pa.Array]:
    roles = columns.roles
    parts = [roles[r] for r in (Role.given_name, Role.family_name) if r in roles]
    if Role.full_name in roles:
        full = _text(table, roles[Role.full_name])
    elif parts:
        pieces = [pc.fill_null(_text(table, column), "") for column in parts]
        full = pc.utf8_trim_whitespace(pc.binary_join_element_wise(*pieces, " "))
    else:
        return {}
    index, results = _per_distinct(full, name_parts)
    rows = []
    for parsed in results:
        tokens = parsed.tokens
        rows.append(
            (
                parsed.normalised or None,
                parsed.sorted_tokens or None,
                parsed.joined or None,
                parsed.phonetic or None,
                tokens[0] if tokens else None,
                tokens[-1] if len(tokens) > 1 else None,
                phonetic_key(tokens[0]) if tokens else None,
                parsed.given,
                phonetic_key(parsed.given) if parsed.given else None,
                " ".join(parsed.patronymic) or None,
            )
        )
    out = {"name_raw": full}
    for position, name in enumerate(NAME_COLUMNS):
        lookup = pa.array([row[position] for row in rows], pa.string())
        out[name] = pc.take(lookup, index)
    token_lists = pa.array([list(p.core) for p in results], pa.list_(pa.string()))
    out["name_tokens"] = pc.take(token_lists, index)  # without Muhammad, Siti, I/Ni …: see person_names
    for role, column in ((Role.given_name, "given_norm"), (Role.family_name, "family_norm")):
        if role in roles:
            values = _text(table, roles[role])
            positions, normalised = _per_distinct(values, lambda v: name_parts(v).normalised or None)
            out[column] = pc.take(pa.array(normalised, pa.string()), positions)
            phonetic = [_phonetic_words(text) for text in normalised]
            out[column.replace("_norm", "_phonetic")] = pc.take(pa.array(phonetic, pa.string()), positions)
    return out


def _phonetic_words(text: str | None) -> str | None:
    """The phonetic key of each word, in written order (blocking on given or family names with typos)."""
    return " ".join(phonetic_key(word) for word in text.split()) or None if text else None


def _date_parts(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day from ISO ``YYYY-MM-DD``, ``YYYYMMDD``, ``DD/MM/YYYY``, ``MM/DD/YYYY``,
    ``DDMMYYYY`` or ``MMDDYYYY``. The order of day and month is decided per column by majority: whichever
    part exceeds 12 in more values is the day (a few typed-in dates with the day first do not turn a
    column of American dates around; a value that is no date in the column's order is read
    in the other)."""
    n = len(text)
    year, month, day = (np.zeros(n, np.int64) for _ in range(3))
    cleaned = pc.fill_null(text, "")
    iso = pc.extract_regex(cleaned, r"^(?P<y>\d{4})-?(?P<m>\d{1,2})-?(?P<d>\d{1,2})")
    slashed = pc.extract_regex(cleaned, r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})")
    compact = pc.extract_regex(cleaned, r"^(?P<a>\d{2})(?P<b>\d{2})(?P<y>\d{4})$")

    def ints(struct: pa.Array, name: str) -> np.ndarray:
        field = pc.struct_field(struct, name)
        return pc.fill_null(pc.cast(field, pa.int64()), 0).to_numpy(zero_copy_only=False)

    def matched(struct: pa.Array) -> np.ndarray:
        return struct.is_valid().to_numpy(zero_copy_only=False)

    iso_parts = [ints(iso, k) for k in ("y", "m", "d")]
    iso_ok = matched(iso) & valid_dates(*iso_parts)
    year[iso_ok], month[iso_ok], day[iso_ok] = (part[iso_ok] for part in iso_parts)
    slash_ok = matched(slashed) & ~iso_ok
    compact_ok = matched(compact) & ~iso_ok & ~slash_ok
    first = np.where(compact_ok, ints(compact, "a"), ints(slashed, "a"))
    second = np.where(compact_ok, ints(compact, "b"), ints(slashed, "b"))
    other = slash_ok | compact_ok
    if other.any():
        day_first = ((first > 12) & (second <= 12) & other).sum()
        month_first = ((second > 12) & (first <= 12) & other).sum() > day_first
        day_values, month_values = (second, first) if month_first else (first, second)
        years = np.where(compact_ok, ints(compact, "y"), ints(slashed, "y"))
        swapped = ~valid_dates(years, month_values, day_values)  # one value written the other way
        day_values, month_values = (
            np.where(swapped, month_values, day_values),
            np.where(swapped, day_values, month_values),
        )
        year[other] = years[other]
        month[other], day[other] = month_values[other], day_values[other]
    return year, month, day


def valid_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Which (year, month, day) triples are real calendar dates (years 1800-2200)."""
    plausible = (year >= 1800) & (year <= 2200)
    return plausible & calendar_ok(np.where(plausible, year, 2000), month, day)


def _birth_dates(
    table: pa.Table, columns: ColumnMap, niks: dict[str, pa.Array] | None
) -> dict[str, pa.Array]:
    n = table.num_rows
    if Role.birth_date in columns.roles:
        year, month, day = _date_parts(_text(table, columns.roles[Role.birth_date]))
        known = valid_dates(year, month, day)
    else:
        year = month = day = np.zeros(n, np.int64)
        known = np.zeros(n, bool)
    if niks is not None:
        nik_date = niks["nik_birth_date"]
        from_nik = nik_date.is_valid().to_numpy(zero_copy_only=False) & ~known
        if from_nik.any():
            ny, nm, nd = _date_parts(nik_date)
            year, month, day = (np.where(from_nik, a, b) for a, b in ((ny, year), (nm, month), (nd, day)))
            known = known | from_nik
    if not known.any() and Role.birth_date not in columns.roles:
        return {}
    mask = ~known
    iso = [
        f"{y:04d}-{m:02d}-{d:02d}" if k else None
        for y, m, d, k in zip(year.tolist(), month.tolist(), day.tolist(), known.tolist(), strict=True)
    ]
    return {
        "birth_date": pa.array(iso, pa.string()),
        "birth_year": pa.array(year, pa.int32(), mask=mask),
        "birth_month": pa.array(month, pa.int8(), mask=mask),
        "birth_day": pa.array(day, pa.int8(), mask=mask),
    }


def _sex(values: pa.Array) -> pa.Array:
    folded = _folded(values)
    codes = [_SEX_WORDS.get(v) if v is not None else None for v in pc.unique(folded).to_pylist()]
    lookup = pa.array(codes, pa.int8())
    return pc.take(lookup, pc.index_in(folded, value_set=pc.unique(folded)))


def _areas(values: pa.Array) -> dict[str, pa.Array]:
    code = pc.utf8_replace_slice(values, 13, 1000, "")
    parts = {
        "village_code": (13, 13),
        "district_code": (8, 8),
        "regency_code": (5, 5),
        "province_code": (2, 2),
    }
    out = {}
    for name, (length, cut) in parts.items():
        sliced = pc.utf8_slice_codeunits(code, 0, cut)
        long_enough = pc.greater_equal(pc.utf8_length(code), length)
        out[name] = pc.if_else(long_enough, sliced, pa.nulls(len(code), pa.string()))
    return out


def _folded(values: pa.Array) -> pa.Array:
    index, results = _per_distinct(values, lambda v: fold(v) or None if v is not None else None)
    return pc.take(pa.array(results, pa.string()), index)


def _postcode(values: pa.Array) -> pa.Array:
    return _blank_to_null(pc.utf8_upper(pc.replace_substring_regex(values, r"\s+", "")))


def _address(values: pa.Array) -> pa.Array:
    def normalise(text: str | None) -> str | None:
        if text is None:
            return None
        words = [_ADDRESS_WORDS.get(word, word) for word in fold(text).split()]
        return " ".join(words) or None

    index, results = _per_distinct(values, normalise)
    return pc.take(pa.array(results, pa.string()), index)


def _place(values: pa.Array) -> pa.Array:
    def normalise(text: str | None) -> str | None:
        if text is None:
            return None
        words = [w for w in fold(text).split() if w not in {"kab", "kabupaten", "kota", "kotamadya"}]
        return " ".join(words) or None

    index, results = _per_distinct(values, normalise)
    return pc.take(pa.array(results, pa.string()), index)


def _phone(values: pa.Array) -> pa.Array:
    digits = digits_only(values)
    local = pc.replace_substring_regex(digits, r"^62", "0")
    return _blank_to_null(local)


def _identifier(values: pa.Array) -> pa.Array:
    return _blank_to_null(pc.utf8_upper(pc.replace_substring_regex(values, r"[^0-9A-Za-z]", "")))


def _blank_to_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.nulls(len(values), pa.string()), values)
