"""NIK numbers for linkage: decoded in bulk, and compared with tolerance for one slip. Pure.

:func:`decode_niks` applies the rules of :func:`inklusi.wilayah.nik.parse_nik` to a whole column at once
(NumPy instead of a Python call per record: a million NIKs take a second, not twelve): 16 digits; a known
province and regency (a retired regency is still valid), the district may be unknown; birth day 01-31 for
men or 41-71 for women; a real date, read as 20YY unless that lies after ``today``; serial not 0000.
The test suite checks that both agree.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.wilayah.nik import FEMALE_DAY_OFFSET, NIK_LENGTH
from inklusi.wilayah.reference import code_book


def digits_only(values: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(values, r"[^0-9]", "")


def calendar_ok(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    ok = (month >= 1) & (month <= 12) & (day >= 1)
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (np.where(ok, month, 1) - 1)
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    return ok & (day <= length)


def _as_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    safe = calendar_ok(year, month, day)
    months = (np.where(safe, year, 2000) - 1970).astype("datetime64[Y]").astype("datetime64[M]")
    return (months + (np.where(safe, month, 1) - 1)).astype("datetime64[D]") + (np.where(safe, day, 1) - 1)


def decode_niks(values: pa.Array, today: date) -> dict[str, pa.Array]:
    """``nik`` (16 digits or null), ``nik_valid``, ``nik_key`` (valid NIKs only), ``nik_district``
    (``PP.RR.DD``), ``nik_birth_date`` (ISO), ``nik_sex`` (1/2), ``nik_head`` (first 12 digits: district
    and birth date) and ``nik_tail`` (last 10: birth date and serial)."""
    digits = digits_only(values)
    sixteen = pc.fill_null(pc.equal(pc.utf8_length(digits), NIK_LENGTH), False)
    nik = pc.if_else(sixteen, digits, pa.nulls(len(digits), pa.string()))
    n = len(nik)
    raw = np.array(pc.fill_null(nik, "0" * NIK_LENGTH).to_pylist(), dtype=f"S{NIK_LENGTH}")
    matrix = raw.view(np.uint8).reshape(n, NIK_LENGTH).astype(np.int64) - 48 if n else np.zeros((0, 16), int)

    def number(start: int, length: int) -> np.ndarray:
        result = np.zeros(n, np.int64)
        for column in range(start, start + length):
            result = result * 10 + matrix[:, column]
        return result

    present = sixteen.to_numpy(zero_copy_only=False) if n else np.zeros(0, bool)
    district = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(nik, 0, 2),
        pc.utf8_slice_codeunits(nik, 2, 4),
        pc.utf8_slice_codeunits(nik, 4, 6),
        ".",
    )
    province, regency = pc.utf8_slice_codeunits(district, 0, 2), pc.utf8_slice_codeunits(district, 0, 5)
    codes = code_book()
    known = pa.array(sorted(codes.known), pa.string())
    retired = pa.array(sorted(codes.retired), pa.string())
    area_ok = pc.and_(
        pc.is_in(province, value_set=known),
        pc.or_(pc.is_in(regency, value_set=known), pc.is_in(regency, value_set=retired)),
    )
    area_ok = pc.fill_null(area_ok, False).to_numpy(zero_copy_only=False) if n else np.zeros(0, bool)

    raw_day, month, two_digit_year = number(6, 2), number(8, 2), number(10, 2)
    female = raw_day > FEMALE_DAY_OFFSET
    day = np.where(female, raw_day - FEMALE_DAY_OFFSET, raw_day)
    day_ok = ((raw_day >= 1) & (raw_day <= 31)) | ((raw_day >= 41) & (raw_day <= 71))
    limit = np.datetime64(today.isoformat(), "D")
    year = 2000 + two_digit_year
    recent = calendar_ok(year, month, day) & (_as_dates(year, month, day) <= limit)
    year = np.where(recent, year, 1900 + two_digit_year)
    dated = day_ok & calendar_ok(year, month, day) & (_as_dates(year, month, day) <= limit)
    serial_ok = number(12, 4) != 0
    valid = present & area_ok & dated & serial_ok

    mask = ~valid
    iso = pc.strftime(pa.array(_as_dates(year, month, day), pa.date32()), format="%Y-%m-%d")
    return {
        "nik": nik,
        "nik_valid": pa.array(valid),
        "nik_key": pc.if_else(pa.array(valid), nik, pa.nulls(n, pa.string())),
        "nik_district": pc.if_else(pa.array(valid), district, pa.nulls(n, pa.string())),
        "nik_birth_date": pc.if_else(pa.array(valid), iso, pa.nulls(n, pa.string())),
        "nik_sex": pa.array(np.where(female, 2, 1), pa.int8(), mask=mask),
        "nik_head": pc.utf8_slice_codeunits(nik, 0, 12),
        "nik_tail": pc.utf8_slice_codeunits(nik, 6, 16),
    }


def within_one_slip(a: str, b: str) -> bool:
    """Equal, or one digit mistyped, or two neighbouring digits swapped."""
    if len(a) != len(b):
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) <= 1:
        return True
    i, j = differ[0], differ[-1]
    return len(differ) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
