"""The who/where/what cube through Ibis on a small crafted population (DuckDB, and Spark when marked)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyarrow as pa
import pytest

from inklusi.analytics.engine import Engine
from inklusi.ppks.aggregates import (
    AGE_GROUPS,
    LEVELS,
    MEASURES,
    NATIONAL,
    UNKNOWN,
    cube,
    flags_from_candidates,
    snapshot_programmes,
)
from inklusi.ppks.model import ServiceType
from inklusi.ppks.needs import category_masks, has_unmet_need, is_unserved, needs_profile, service_bit
from inklusi.ppks.publication import publish
from inklusi.ppks.taxonomy import categories

AS_OF = date(2025, 6, 30)
HOUSEHOLDS = {"H1": "11.01.01.2001", "H2": "11.01.02.2001", "H3": "12.01.01.2001"}
DECILES = {"H1": 1, "H2": 3}  # H3 has no decile
# person: household (None: outside), village if outside, sex, birth date, family, own programmes, insurance
PERSONS = {
    "P1": ("H1", None, 1, date(1950, 1, 1), "F1", [], 0),
    "P2": ("H1", None, 2, date(2015, 7, 1), "F1", ["pip"], 0),
    "P3": ("H2", None, 2, date(1990, 6, 30), "F2", [], 3),  # PBI JKN + JKN Mandiri
    "P4": ("H3", None, 1, date(2022, 3, 3), "F3", [], 99),  # 99 = does not know: no PBI
    "P5": (None, "11.01.01.2002", 1, date(1980, 1, 1), None, None, None),
    "P6": ("H2", None, None, None, "F2", [], 2),
}
FAMILY_PROGRAMMES = {"F1": ["pkh", "lpg_subsidy"], "F2": [], "F3": ["electricity_subsidy"]}
FLAGS = [
    ("P1", "neglected_elderly", "candidate"),
    ("P1", "neglected_elderly", "candidate"),  # a second rule: counted once
    ("P1", "poor", "verified"),
    ("P2", "neglected_children", "candidate"),
    ("P3", "persons_with_disabilities", "verified"),
    ("P3", "persons_with_disabilities", "candidate"),  # verified wins
    ("P4", "neglected_toddlers", "candidate"),
    ("P5", "homeless", "candidate"),
    ("P6", "poor", "candidate"),
    ("P7", "poor", "candidate"),  # not in the snapshot: left out
]
SERVICES = [
    ("P4", s) for s in ("social_care", "decent_living_support", "family_support", "social_assistance")
]


def tables() -> dict[str, pa.Table]:
    persons = pa.table(
        {
            "person_id": list(PERSONS),
            "household_id": [p[0] for p in PERSONS.values()],
            "village_code": [p[1] for p in PERSONS.values()],
            "sex": pa.array([p[2] for p in PERSONS.values()], pa.int16()),
            "birth_date": [p[3] for p in PERSONS.values()],
            "family_id": [p[4] for p in PERSONS.values()],
            "programmes": pa.array([p[5] for p in PERSONS.values()], pa.list_(pa.string())),
            "health_insurance": pa.array([p[6] for p in PERSONS.values()], pa.int16()),
        }
    )
    return {
        "persons": persons,
        "households": pa.table({"household_id": list(HOUSEHOLDS), "village_code": list(HOUSEHOLDS.values())}),
        "deciles": pa.table(
            {"household_id": list(DECILES), "national_decile": pa.array(list(DECILES.values()), pa.int16())}
        ),
        "families": pa.table(
            {
                "family_id": list(FAMILY_PROGRAMMES),
                "programmes": pa.array(list(FAMILY_PROGRAMMES.values()), pa.list_(pa.string())),
            }
        ),
        "flags": pa.table(
            {k: [f[i] for f in FLAGS] for i, k in enumerate(("person_id", "category", "status"))}
        ),
        "services": pa.table(
            {"person_id": [s[0] for s in SERVICES], "service_type": [s[1] for s in SERVICES]}
        ),
    }


def expected_cube() -> dict[tuple[str, ...], tuple[int, ...]]:
    """The cube computed in plain Python from the same data and the needs profile."""
    masks, profile = category_masks(), needs_profile()
    met: dict[str, int] = defaultdict(int)
    for person, (_h, _v, _s, _b, family, own, insurance) in PERSONS.items():
        for code in [*(own or []), *FAMILY_PROGRAMMES.get(family or "", [])]:
            met[person] |= profile.programme_masks().get(code, 0)
        if insurance is not None and 0 < insurance <= 15 and insurance & 1:
            met[person] |= profile.programme("pbi_jkn").mask
    for person, service in SERVICES:
        met[person] |= service_bit(ServiceType(service))
    flags: dict[tuple[str, str], int] = {}
    for person, code, status in FLAGS:
        if person in PERSONS:
            flags[(person, code)] = max(flags.get((person, code), 0), int(status == "verified"))
    out: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for (person, code), verified in flags.items():
        household, village, sex, born, *_ = PERSONS[person]
        village = village or HOUSEHOLDS[str(household)]
        age = (
            None
            if born is None
            else AS_OF.year - born.year - ((born.month, born.day) > (AS_OF.month, AS_OF.day))
        )
        group = next(
            (label for label, low, high in AGE_GROUPS if age is not None and low <= age <= (high or 200)),
            UNKNOWN,
        )
        keys = (
            code,
            {1: "male", 2: "female"}.get(sex or 0, UNKNOWN),
            group,
            str(DECILES[str(household)]) if household in DECILES else UNKNOWN,
        )
        values = (
            1,
            verified,
            int(has_unmet_need(masks[code], met[person])),
            int(is_unserved(masks[code], met[person])),
            int(household is None),
        )
        for level, width in LEVELS:
            entry = out[(level, NATIONAL if width == 0 else village[:width], *keys)]
            for i, value in enumerate(values):
                entry[i] += value
    return {key: tuple(values) for key, values in out.items()}


@pytest.fixture(params=["duckdb", pytest.param("pyspark", marks=pytest.mark.spark)])
def engine(request: pytest.FixtureRequest):
    opened = Engine.open(request.param, spark_conf={"spark.driver.memory": "1g"})
    yield opened
    opened.close()


def test_the_cube_counts_every_flag_once_at_every_level(engine: Engine) -> None:
    data = {name: engine.table(table) for name, table in tables().items()}
    profile = needs_profile()
    programmes = snapshot_programmes(data["persons"], data["families"], profile)
    result = engine.to_arrow(
        cube(
            data["flags"],
            data["persons"],
            data["households"],
            data["deciles"],
            profile,
            as_of=AS_OF,
            programmes=programmes,
            services=data["services"],
        )
    )
    got = {
        (r["level"], r["area_code"], r["category"], r["sex"], r["age_group"], r["decile"]): tuple(
            r[m] for m in MEASURES
        )
        for r in result.to_pylist()
    }
    assert got == expected_cube()
    parents = {(r["level"], r["area_code"]): r["parent_code"] for r in result.to_pylist()}
    assert parents[("national", NATIONAL)] is None
    assert parents[("province", "11")] == NATIONAL
    assert parents[("village", "11.01.01.2002")] == "11.01.01"
    # every level counts everyone once
    for level, _ in LEVELS:
        assert sum(r["flagged"] for r in result.to_pylist() if r["level"] == level) == len(
            {(p, c) for p, c, _ in FLAGS if p in PERSONS}
        )
    # the published figures come straight from this cube
    published = publish(result, categories())
    assert published.num_rows > 0


def test_programmes_from_the_snapshot_lists(engine: Engine) -> None:
    data = {name: engine.table(table) for name, table in tables().items()}
    found = engine.to_arrow(snapshot_programmes(data["persons"], data["families"], needs_profile()))
    pairs = sorted(zip(found["person_id"].to_pylist(), found["programme"].to_pylist(), strict=True))
    # subsidies meet no need and are left out; 99 (does not know) and 2 (self-paid) are not PBI JKN
    assert pairs == [("P1", "pkh"), ("P2", "pip"), ("P2", "pkh"), ("P3", "pbi_jkn")]


def test_flags_from_candidates_are_distinct_candidates(engine: Engine) -> None:
    found = engine.table(
        pa.table(
            {"person_id": ["A", "A", "B"], "category": ["poor", "poor", "poor"], "rule_id": ["x", "y", "x"]}
        )
    )
    flags = engine.to_arrow(flags_from_candidates(found)).sort_by("person_id").to_pylist()
    assert flags == [
        {"person_id": "A", "category": "poor", "status": "candidate"},
        {"person_id": "B", "category": "poor", "status": "candidate"},
    ]
