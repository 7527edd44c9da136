"""Identifiers: NIK and KK numbers that parse as valid (``inklusi.wilayah.nik``), and the true ids.

A NIK is ``district of first registration + birth date (day + 40 for women) + serial``. Serials run 0001,
0002 … within each (district, birth date, sex) for people registered where they live now; since households
come ordered by regency, a small carry-over between chunks keeps them unique without holding every cell in
memory. People first registered elsewhere (movers) get serials 5000-9999 at random in their home district.
KK numbers do the same on (district, date of issue).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.synth.sampling import Rng, ranks_within

EPOCH = np.datetime64("1970-01-01", "D")
MOVER_SERIAL_START = 5000


def days(day: date) -> int:
    return int((np.datetime64(day, "D") - EPOCH).astype(np.int64))


class SerialCounter:
    """Sequential serials per cell, unique across chunks that arrive ordered by regency."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self.regency = -1

    def assign(self, keys: np.ndarray, regency: np.ndarray, last_regency: int) -> np.ndarray:
        ranks = ranks_within(keys)
        if len(self.keys):
            found = np.searchsorted(self.keys, keys).clip(0, len(self.keys) - 1)
            ranks = ranks + np.where(self.keys[found] == keys, self.counts[found], 0)
        carried_keys, carried_counts = (self.keys, self.counts) if self.regency == last_regency else ([], [])
        open_rows = regency == last_regency
        cell_keys, cell_counts = np.unique(keys[open_rows], return_counts=True)
        merged_keys = np.concatenate([carried_keys, cell_keys]).astype(np.int64)
        merged_counts = np.concatenate([carried_counts, cell_counts]).astype(np.int64)
        self.keys, inverse = np.unique(merged_keys, return_inverse=True)
        self.counts = np.bincount(inverse, weights=merged_counts).astype(np.int64)
        self.regency = last_regency
        return ranks + 1


def nik_cells(district: np.ndarray, sex: np.ndarray, birth_days: np.ndarray) -> np.ndarray:
    return (district.astype(np.int64) * 2 + (sex - 1)) * 100_000 + (birth_days + 30_000)


def nik_numbers(
    district_number: np.ndarray, birth_days: np.ndarray, sex: np.ndarray, serial: np.ndarray
) -> pa.Array:
    """16-digit NIK strings from six district digits, days since 1970, sex (1/2) and serial (1-9999)."""
    day, month, year = _calendar(birth_days)
    day = day + np.where(sex == 2, 40, 0)
    number = district_number * 10**10 + day * 10**8 + month * 10**6 + (year % 100) * 10**4 + serial
    return pc.utf8_lpad(pc.cast(pa.array(number, type=pa.int64()), pa.string()), 16, "0")


def kk_numbers(district_number: np.ndarray, issue_days: np.ndarray, serial: np.ndarray) -> pa.Array:
    day, month, year = _calendar(issue_days)
    number = district_number * 10**10 + day * 10**8 + month * 10**6 + (year % 100) * 10**4 + serial
    return pc.utf8_lpad(pc.cast(pa.array(number, type=pa.int64()), pa.string()), 16, "0")


def _calendar(day_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dates = EPOCH + day_numbers.astype("timedelta64[D]")
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return day, month, year


def registration_district(
    rng: Rng,
    home_district: np.ndarray,
    age: np.ndarray,
    district_regency: np.ndarray,
    regency_province: np.ndarray,
    district_weights: np.ndarray,
) -> np.ndarray:
    """District of first registration: home for most; some adults (and fewer children) came from elsewhere."""
    n = len(home_district)
    moved = rng.random(n) < np.where(age >= 17, 0.09, 0.03)
    rows = np.flatnonzero(moved)
    cumulative = np.cumsum(district_weights)
    elsewhere = np.searchsorted(cumulative, rng.random(len(rows)) * cumulative[-1], side="right")
    elsewhere = elsewhere.clip(0, len(district_weights) - 1)
    # Most moves are short: keep the draw only if it lands in the same province, else retry once nationally.
    home_province = regency_province[district_regency[home_district[rows]]]
    near = regency_province[district_regency[elsewhere]] == home_province
    keep_far = rng.random(len(rows)) < 0.3
    result = home_district.copy()
    chosen = np.where(near | keep_far, elsewhere, home_district[rows])
    result[rows] = chosen
    return result


def text_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def family_ids(household_ids: pa.Array, family_number: np.ndarray) -> pa.Array:
    suffix = pc.cast(pa.array(family_number + 1, type=pa.int64()), pa.string())
    return pc.binary_join_element_wise(household_ids, suffix, "-K")
