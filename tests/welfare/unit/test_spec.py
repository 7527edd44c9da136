"""PMT specifications: validation, packaged files, and the features they compile to (on tiny households)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from inklusi.analytics.engine import Engine
from inklusi.errors import Invalid
from inklusi.welfare.spec import features, household_features, load_spec, packaged_specs, parse_spec

TINY_SPEC = """
name: tiny
proxies:
  - {name: earth_floor, group: housing, column: floor_material, in: [8],
     label: {id: Lantai tanah, en: Earth floor}}
  - {name: floor, group: housing, kind: categorical, column: floor_material, codelist: floor_material,
     label: {id: Lantai, en: Floor}}
  - {name: area_per_person, group: housing, column: floor_area_m2, per_capita: true,
     label: {id: Luas per orang, en: Area per person}}
  - {name: cars, group: assets, column: asset_car, cap: 2, log: true, label: {id: Mobil, en: Cars}}
  - {name: children, group: demographics, source: person, aggregate: share, where: {max_age: 14},
     label: {id: Anak, en: Children}}
  - {name: head_age, group: demographics, source: person, aggregate: head, column: age,
     label: {id: Umur kepala, en: Head age}}
  - {name: head_schooling, group: education, source: person, aggregate: head, column: education,
     values: {3: 6, 13: 12}, label: {id: Sekolah kepala, en: Head schooling}}
  - {name: workers, group: employment, source: person, aggregate: count,
     where: {column: worked_last_week, in: [1]}, label: {id: Bekerja, en: Working}}
  - {name: kelurahan, group: location, source: location, column: kelurahan,
     label: {id: Kelurahan, en: Kelurahan}}
  - {name: city, group: location, source: location, column: city, label: {id: Kota, en: City}}
"""


def test_every_packaged_specification_is_valid():
    names = packaged_specs()
    assert "national" in names
    for name in names:
        spec = load_spec(name)
        assert spec.proxies and {p.group for p in spec.proxies} >= {"housing", "assets"}


def test_an_invalid_specification_names_its_problems():
    broken = TINY_SPEC.replace("aggregate: share", "aggregate: median")
    with pytest.raises(Invalid) as caught:
        parse_spec(broken, "tiny.yaml")
    assert any("aggregate" in issue.field for issue in caught.value.issues)
    with pytest.raises(Invalid):
        parse_spec(
            "name: x\nproxies:\n  - {name: Bad Name, group: housing, column: a, label: {id: a, en: a}}"
        )


def _tiny_tables() -> tuple[pa.Table, pa.Table]:
    households = pa.table(
        {
            "household_id": ["h1", "h2", "h3", "h4"],  # h3: no members; h4: answers missing
            "village_code": ["32.73.01.1001", "11.01.01.2001", "11.01.01.2002", "11.01.01.2003"],
            "floor_material": pa.array([8, 2, None, None], pa.int16()),
            "floor_area_m2": pa.array([30, 80, None, 20], pa.int32()),
            "asset_car": [5.0, 0.0, None, 1.0],
        }
    )
    persons = pa.table(
        {
            "person_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
            "household_id": ["h1", "h1", "h1", "h2", "h2", "h4"],
            # h2 holds two families; the head of the first (smallest family id) is the household's head
            "family_id": ["f1", "f1", "f1", "f3", "f2", "f4"],
            "relationship": pa.array([1, 2, 3, 1, 1, 1], pa.int16()),
            "birth_date": pa.array(
                [
                    date(1980, 7, 1),
                    date(1982, 1, 1),
                    date(2015, 5, 5),
                    date(1950, 1, 1),
                    date(1990, 6, 30),
                    None,
                ]
            ),
            "education": pa.array([3, 3, None, 3, 13, None], pa.int16()),
            "worked_last_week": pa.array([1, 1, None, 2, 1, None], pa.int16()),
            **{
                name: pa.array([None, None, None, None, None, 2], pa.int16())
                for name in (
                    "difficulty_seeing",
                    "difficulty_hearing",
                    "difficulty_walking",
                    "difficulty_remembering",
                    "difficulty_self_care",
                    "difficulty_communicating",
                )
            },
        }
    )
    return households, persons


def test_features_follow_the_specification():
    spec = parse_spec(TINY_SPEC)
    households, persons = _tiny_tables()
    engine = Engine.open()
    try:
        table = features(spec, engine.table(households), engine.table(persons), date(2025, 6, 30))
        rows = {row["household_id"]: row for row in engine.to_arrow(table).to_pylist()}
    finally:
        engine.close()
    h1, h2 = rows["h1"], rows["h2"]
    assert (h1["people"], h2["people"]) == (3, 2)
    assert (h1["earth_floor"], h2["earth_floor"], h1["floor"]) == (1.0, 0.0, 8)
    assert h1["area_per_person"] == pytest.approx(10.0)
    assert h1["cars"] == pytest.approx(1.0986, abs=1e-4)  # log(1 + min(5, 2))
    assert (h1["children"], h2["children"]) == (pytest.approx(1 / 3), 0.0)
    assert h1["head_age"] == 44  # born 1 July 1980: not yet 45 on 30 June 2025
    assert h2["head_age"] == 35 and h2["head_schooling"] == 12  # family f2's head, born 30 June 1990
    assert (h1["workers"], h2["workers"]) == (2.0, 1.0)
    assert (h1["kelurahan"], h1["city"], h2["kelurahan"], h2["city"]) == (1.0, 1.0, 0.0, 0.0)
    assert (h1["province_code"], h1["regency_code"]) == ("32", "32.73")


def _in_python(spec, households: pa.Table, persons: pa.Table, day: date, answers: bool) -> dict[str, dict]:
    members: dict[str, list[dict]] = {}
    for person in persons.to_pylist():
        members.setdefault(person["household_id"], []).append(person)
    return {
        row["household_id"]: household_features(
            spec, row, members.get(row["household_id"], []), day, answers=answers
        )
        for row in households.to_pylist()
    }


def _same(engine_row: dict, python_row: dict) -> bool:
    assert set(engine_row) == set(python_row)
    for name, value in engine_row.items():
        other = python_row[name]
        if isinstance(value, float) and isinstance(other, float):
            if value != pytest.approx(other, rel=1e-12, abs=1e-12):
                return False
        elif value != other or type(value) is not type(other):
            return False
    return True


@pytest.mark.parametrize("answers", [False, True])
def test_one_household_in_python_has_the_engines_features(survey_dir, answers):
    """Explaining one household must not start an engine: :func:`household_features` computes what
    :func:`features` does, for every proxy of every packaged specification, on some 2,400 synthetic survey
    households and on the tiny ones above (missing answers, two families, a household without members)."""
    import pyarrow.parquet as pq

    survey = pq.read_table(survey_dir / "survey_households.parquet")
    persons = pq.read_table(survey_dir / "persons.parquet")
    wanted = pa.array(survey["household_id"].to_pylist()[:800])
    persons = persons.filter(pa.compute.is_in(persons["household_id"], value_set=wanted))
    survey = survey.filter(pa.compute.is_in(survey["household_id"], value_set=wanted))
    day = date(2025, 6, 30)
    engine = Engine.open()
    try:
        for spec in [load_spec(name) for name in packaged_specs()]:
            table = features(spec, engine.table(survey), engine.table(persons), day, answers=answers)
            expected = {row["household_id"]: row for row in engine.to_arrow(table).to_pylist()}
            found = _in_python(spec, survey, persons, day, answers)
            assert len(expected) == len(found) == len(wanted)
            differing = [key for key, row in expected.items() if not _same(row, found[key])]
            assert not differing, (expected[differing[0]], found[differing[0]])
        tiny = parse_spec(TINY_SPEC)
        households, members = _tiny_tables()
        table = features(tiny, engine.table(households), engine.table(members), day, answers=answers)
        expected = {row["household_id"]: row for row in engine.to_arrow(table).to_pylist()}
        found = _in_python(tiny, households, members, day, answers)
        assert set(expected) == {"h1", "h2", "h3", "h4"}
        assert all(_same(row, found[key]) for key, row in expected.items()), (expected, found)
    finally:
        engine.close()
