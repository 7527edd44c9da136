"""The area reference data shipped inside the package (Kemendagri 2025, see ``data/SOURCE.md``).

``inklusi init`` loads it into the ``area`` table; NIK and KK validation reads the code book from here
directly, so it works without a database and at import speed.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from functools import cache
from importlib import resources

from inklusi.wilayah.model import Area, AreaLevel, CodeBook, RetiredCode

DATASET = "kemendagri-2025"
EXPECTED_COUNTS = {
    AreaLevel.province: 38,
    AreaLevel.regency: 514,
    AreaLevel.district: 7_285,
    AreaLevel.village: 83_762,
}


def _rows(name: str) -> Iterator[dict[str, str]]:
    path = resources.files("inklusi.wilayah") / "data" / name
    with path.open("rb") as raw:
        binary = gzip.GzipFile(fileobj=raw) if name.endswith(".gz") else raw
        yield from csv.DictReader(io.TextIOWrapper(binary, encoding="utf-8", newline=""))


def areas() -> Iterator[Area]:
    """Every area, parents before children, with population and land area where published."""
    population = {row["code"]: row for row in _rows("penduduk_2025.csv.gz")}
    land = {row["code"]: float(row["area_km2"]) for row in _rows("luas_km2_2025.csv.gz")}
    for row in _rows("wilayah_2025.csv.gz"):
        code = row["code"]
        people = population.get(code)
        yield Area(
            code=code,
            name=" ".join(row["name"].split()),
            level=AreaLevel(row["level"]),
            parent_code=row["parent_code"] or None,
            population=int(people["total"]) if people else None,
            population_male=int(people["male"]) if people else None,
            population_female=int(people["female"]) if people else None,
            land_area_km2=land.get(code),
        )


def retired_codes() -> dict[str, RetiredCode]:
    return {
        row["code"]: RetiredCode(row["code"], row["name"], row["successor_code"], int(row["year"]))
        for row in _rows("retired_codes.csv")
    }


@cache
def code_book() -> CodeBook:
    known = frozenset(
        row["code"] for row in _rows("wilayah_2025.csv.gz") if row["level"] != AreaLevel.village
    )
    return CodeBook(known=known, retired=retired_codes())


@cache
def code_sets() -> dict[str, frozenset[str]]:
    by_level: dict[str, set[str]] = {level.value: set() for level in AreaLevel}
    for row in _rows("wilayah_2025.csv.gz"):
        by_level[row["level"]].add(row["code"])
    sets = {level: frozenset(codes) for level, codes in by_level.items()}
    return sets | {"retired_regency": frozenset(retired_codes())}
