"""Every rule of the national PPKS rule set on crafted households: who is flagged, who is not, and the
evidence each candidate carries. The same Ibis expressions as the registry's identification, on DuckDB."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest

from inklusi.analytics.engine import Engine
from inklusi.ppks.expr import OUTPUT, candidates
from inklusi.ppks.spec import load_rules

AS_OF = date(2025, 6, 30)
RURAL = "33.01.01.2001"  # a desa of a kabupaten
KELURAHAN = "33.01.01.1001"  # an urban village (fourth part starts with 1)
CITY = "33.71.01.2001"  # a village of a kota (regency 71+)
REMOTE = "93.02.01.2001"  # a desa of a regency on the remote communities list

PERSON_TYPES = {
    "person_id": pa.string(),
    "household_id": pa.string(),
    "family_id": pa.string(),
    "relationship": pa.int16(),
    "sex": pa.int16(),
    "birth_date": pa.date32(),
    "marital_status": pa.int16(),
    "school_participation": pa.int16(),
    "education": pa.int16(),
    "worked_last_week": pa.int16(),
    "employment_status": pa.int16(),
    "industry": pa.int16(),
    "difficulty_seeing": pa.int16(),
    "difficulty_hearing": pa.int16(),
    "difficulty_walking": pa.int16(),
    "difficulty_remembering": pa.int16(),
    "difficulty_self_care": pa.int16(),
    "difficulty_communicating": pa.int16(),
    "chronic_illness": pa.int16(),
    "health_insurance": pa.int16(),
    "village_code": pa.string(),  # only people registered outside households have their own
}
HOUSEHOLD_TYPES = {
    "household_id": pa.string(),
    "village_code": pa.string(),
    "floor_material": pa.int16(),
    "wall_material": pa.int16(),
    "roof_material": pa.int16(),
    "water_source": pa.int16(),
    "lighting": pa.int16(),
}
WG = (
    "difficulty_seeing",
    "difficulty_hearing",
    "difficulty_walking",
    "difficulty_remembering",
    "difficulty_self_care",
    "difficulty_communicating",
)


def born(age: int) -> date:
    return date(AS_OF.year - age, 1, 1)


def person(pid: str, household: str | None, age: int, **answers) -> dict:
    """A member with unremarkable answers: married adult at work, a child at school, no difficulty."""
    row = {
        "person_id": pid,
        "household_id": household,
        "family_id": f"{household}-K1" if household else None,
        "relationship": 1,
        "sex": 1,
        "birth_date": born(age),
        "marital_status": 2 if age >= 18 else 1,
        "school_participation": 2 if age < 18 else 3,
        "education": 3,
        "worked_last_week": 1 if 18 <= age < 60 else 2,
        "employment_status": None,
        "industry": None,
        **dict.fromkeys(WG, 4),
        "chronic_illness": 1,
        "health_insurance": 1,
        "village_code": None,
    }
    row.update(answers)
    return row


def outside(pid: str, age: int, village: str = CITY) -> dict:
    row = dict.fromkeys(PERSON_TYPES)
    return row | {"person_id": pid, "sex": 1, "birth_date": born(age), "village_code": village}


def household(hid: str, village: str = RURAL, **answers) -> dict:
    row = {
        "household_id": hid,
        "village_code": village,
        "floor_material": 2,
        "wall_material": 1,
        "roof_material": 2,
        "water_source": 3,
        "lighting": 1,
    }
    return row | answers


@pytest.fixture(scope="module")
def engine():
    opened = Engine.open("duckdb")
    yield opened
    opened.close()


def run(engine, persons, households, deciles=None):
    """Candidates as a list of rows; deciles: household id → national decile (None: no welfare run)."""
    p = engine.table(pa.Table.from_pylist(persons, schema=pa.schema(PERSON_TYPES)))
    h = engine.table(pa.Table.from_pylist(households, schema=pa.schema(HOUSEHOLD_TYPES)))
    d = None
    if deciles is not None:
        rows = [{"household_id": k, "national_decile": v} for k, v in deciles.items()]
        schema = pa.schema({"household_id": pa.string(), "national_decile": pa.int16()})
        d = engine.table(pa.Table.from_pylist(rows, schema=schema))
    table = engine.to_arrow(candidates(p, h, d, load_rules(), as_of=AS_OF))
    assert tuple(table.column_names) == OUTPUT
    return table.to_pylist()


def flags(rows, rule_id: str) -> dict[str, dict]:
    """The rule's candidates by person, with their evidence parsed."""
    return {
        r["person_id"]: r | {"evidence": json.loads(r["evidence"])} for r in rows if r["rule_id"] == rule_id
    }


# --- older persons -----------------------------------------------------------------------------------


def test_an_older_person_alone_in_a_poor_decile_is_a_neglected_elderly_candidate(engine) -> None:
    persons = [
        person("alone", "H1", 70),
        person("alone_rich", "H2", 70),
        person("young_alone", "H3", 59),
        person("with_earner", "H4", 75),
        person("earner", "H4", 40, relationship=3),
        person("no_earner", "H5", 68),
        person("spouse", "H5", 66, relationship=2, worked_last_week=2),
    ]
    households = [household(f"H{i}") for i in range(1, 6)]
    rows = run(engine, persons, households, {"H1": 3, "H2": 5, "H3": 1, "H4": 1, "H5": 4})
    found = flags(rows, "older_person_alone_or_no_earner")
    assert set(found) == {"alone", "no_earner", "spouse"}
    assert found["alone"]["evidence"] == {
        "age": 70,
        "household_members": 1,
        "household_earners": 0,
        "national_decile": 3,
    }
    assert found["spouse"]["evidence"]["household_members"] == 2
    assert found["alone"]["category"] == "neglected_elderly"
    assert found["alone"]["household_id"] == "H1"
    assert found["alone"]["rule_version"] == "national-1"


def test_without_deciles_the_rules_that_read_them_are_skipped(engine) -> None:
    rows = run(engine, [person("alone", "H1", 70)], [household("H1")], deciles=None)
    assert flags(rows, "older_person_alone_or_no_earner") == {}
    _usable, skipped = load_rules().usable(with_deciles=False)
    assert {r.id for r in skipped} == {
        "older_person_alone_or_no_earner",
        "child_without_parent_in_poor_household",
        "young_child_without_parent_in_poor_household",
        "poorest_two_deciles",
        "poor_female_head_without_spouse",
    }
    assert all(r.needs_deciles for r in skipped)


def test_a_household_missing_from_the_deciles_is_not_flagged_by_decile_rules(engine) -> None:
    rows = run(engine, [person("alone", "H1", 70)], [household("H1")], deciles={"H9": 1})
    assert flags(rows, "older_person_alone_or_no_earner") == {}


# --- people outside households ------------------------------------------------------------------------


def test_people_outside_households_are_homeless_candidates_and_by_age_elderly_or_street_children(
    engine,
) -> None:
    persons = [outside("G1", 65), outside("G2", 12), outside("G3", 35), person("member", "H1", 35)]
    rows = run(engine, persons, [household("H1")])
    homeless = flags(rows, "registered_outside_household")
    assert set(homeless) == {"G1", "G2", "G3"}
    assert homeless["G3"]["household_id"] is None
    assert homeless["G3"]["category"] == "homeless"
    assert homeless["G3"]["evidence"] == {"village_code": CITY}
    assert set(flags(rows, "older_person_outside_household")) == {"G1"}
    assert flags(rows, "older_person_outside_household")["G1"]["evidence"] == {
        "age": 65,
        "village_code": CITY,
    }
    assert set(flags(rows, "child_outside_household")) == {"G2"}


# --- children ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("village", "rule", "category"),
    [
        (KELURAHAN, "urban_child_working_out_of_school", "street_children"),
        (CITY, "urban_child_working_out_of_school", "street_children"),
        (RURAL, "rural_child_working_out_of_school", "neglected_children"),
    ],
)
def test_a_working_child_out_of_school_is_a_street_child_in_town_and_a_neglected_child_elsewhere(
    engine, village, rule, category
) -> None:
    persons = [
        person("head", "H1", 40),
        person("working", "H1", 13, relationship=3, school_participation=3, worked_last_week=1),
        person("never", "H1", 9, relationship=3, school_participation=1, worked_last_week=1),
        person("at_school", "H1", 14, relationship=3, school_participation=2, worked_last_week=1),
        person("idle", "H1", 15, relationship=3, school_participation=3, worked_last_week=2),
        person("too_young", "H1", 6, relationship=3, school_participation=1, worked_last_week=1),
        person("adult", "H1", 18, relationship=3, school_participation=3, worked_last_week=1),
    ]
    rows = run(engine, persons, [household("H1", village)])
    found = flags(rows, rule)
    assert set(found) == {"working", "never"}
    assert found["working"]["category"] == category
    town = village != RURAL
    assert found["working"]["evidence"] == {
        "age": 13,
        "school_participation": 3,
        "worked_last_week": 1,
        "city": village == CITY,
        "kelurahan": village == KELURAHAN,
    }
    other = "rural_child_working_out_of_school" if town else "urban_child_working_out_of_school"
    assert flags(rows, other) == {}


def test_a_poor_child_without_a_parent_in_the_family_is_a_neglected_child_candidate(engine) -> None:
    persons = [
        # H1: grandparents raising grandchildren whose parents left
        person("grandfather", "H1", 62, worked_last_week=1),
        person("left_grandchild", "H1", 10, relationship=5),
        person("left_toddler", "H1", 3, relationship=5, school_participation=1),
        person("niece", "H1", 15, relationship=8),
        person("head_child", "H1", 16, relationship=3),
        # H2: a grandchild whose mother (the head's daughter) lives in the family
        person("grandmother", "H2", 60, worked_last_week=1),
        person("daughter", "H2", 30, relationship=3),
        person("grandchild", "H2", 8, relationship=5),
        # H3: the same as H1 in a better-off household
        person("rich_grandfather", "H3", 62, worked_last_week=1),
        person("rich_grandchild", "H3", 10, relationship=5),
    ]
    rows = run(engine, persons, [household(h) for h in ("H1", "H2", "H3")], {"H1": 2, "H2": 2, "H3": 7})
    children = flags(rows, "child_without_parent_in_poor_household")
    assert set(children) == {"left_grandchild", "niece"}
    assert children["left_grandchild"]["evidence"] == {
        "age": 10,
        "lives_without_parent": True,
        "national_decile": 2,
        "relationship": 5,
    }
    toddlers = flags(rows, "young_child_without_parent_in_poor_household")
    assert set(toddlers) == {"left_toddler"}
    assert toddlers["left_toddler"]["category"] == "neglected_toddlers"


# --- disability ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", WG)
def test_a_lot_of_difficulty_or_worse_in_any_domain_is_a_disability(engine, domain) -> None:
    persons = [
        person("cannot", "H1", 40, **{domain: 1}),
        person("a_lot", "H1", 12, relationship=3, **{domain: 2}),
        person("some", "H1", 35, relationship=2, **{domain: 3}),
        person("unknown", "H1", 20, relationship=3, **dict.fromkeys(WG)),
    ]
    rows = run(engine, persons, [household("H1")])
    adults = flags(rows, "washington_group_disability")
    assert set(adults) == {"cannot", "a_lot"}
    assert adults["cannot"]["category"] == "persons_with_disabilities"
    assert adults["cannot"]["evidence"] == {name: (1 if name == domain else 4) for name in WG}
    children = flags(rows, "washington_group_disability_child")
    assert set(children) == {"a_lot"}
    assert children["a_lot"]["category"] == "children_with_disabilities"
    assert children["a_lot"]["evidence"]["age"] == 12


# --- health ----------------------------------------------------------------------------------------------


def test_hiv_reported_as_chronic_illness(engine) -> None:
    persons = [
        person("hiv", "H1", 30, chronic_illness=12),
        person("tb", "H1", 28, relationship=2, chronic_illness=7),
    ]
    found = flags(run(engine, persons, [household("H1")]), "hiv_reported_as_chronic_illness")
    assert set(found) == {"hiv"}
    assert found["hiv"]["evidence"] == {"chronic_illness": 12}
    assert found["hiv"]["category"] == "people_living_with_hiv"


# --- poverty, shelter, vulnerable women ---------------------------------------------------------------


def test_every_member_of_a_household_in_the_poorest_two_deciles_is_a_poor_candidate(engine) -> None:
    persons = [person("a", "H1", 40), person("b", "H1", 8, relationship=3), person("c", "H2", 40)]
    found = flags(
        run(engine, persons, [household("H1"), household("H2")], {"H1": 2, "H2": 3}), "poorest_two_deciles"
    )
    assert set(found) == {"a", "b"}
    assert found["b"]["evidence"] == {"national_decile": 2}
    assert found["b"]["category"] == "poor"


@pytest.mark.parametrize(
    ("materials", "flagged"),
    [
        ({"floor_material": 8, "wall_material": 6}, True),
        ({"wall_material": 4, "roof_material": 7}, True),
        ({"floor_material": 8, "wall_material": 7, "roof_material": 5}, True),
        ({"floor_material": 8}, False),
        ({"roof_material": 6, "wall_material": 5}, False),  # wood shingles and logs are durable
        ({"floor_material": None, "wall_material": 6}, False),
    ],
)
def test_inadequate_shelter_needs_two_of_floor_walls_and_roof(engine, materials, flagged) -> None:
    rows = run(engine, [person("a", "H1", 40)], [household("H1", **materials)])
    found = flags(rows, "inadequate_shelter")
    assert (set(found) == {"a"}) is flagged
    if flagged:
        expected = {"floor_material": 2, "wall_material": 1, "roof_material": 2} | materials
        assert found["a"]["evidence"] == expected


def test_a_poor_female_head_without_a_spouse_is_a_vulnerable_woman_candidate(engine) -> None:
    persons = [
        person("widow", "H1", 45, sex=2, marital_status=4),
        person("child", "H1", 12, relationship=3),
        person("divorced_rich", "H2", 45, sex=2, marital_status=3),
        person("married", "H3", 45, sex=2, marital_status=2),
        person("widower", "H4", 45, sex=1, marital_status=4),
        person("old_widow", "H5", 60, sex=2, marital_status=4),
        person("single", "H6", 25, sex=2, marital_status=1),
    ]
    deciles = {"H1": 1, "H2": 6, "H3": 1, "H4": 1, "H5": 1, "H6": 2}
    found = flags(
        run(engine, persons, [household(h) for h in deciles], deciles), "poor_female_head_without_spouse"
    )
    assert set(found) == {"widow", "single"}
    assert found["widow"]["evidence"] == {
        "sex": 2,
        "relationship": 1,
        "age": 45,
        "marital_status": 4,
        "national_decile": 1,
    }


# --- remote indigenous communities -------------------------------------------------------------------


def test_rural_households_without_basic_services_in_listed_regencies_are_remote_community_candidates(
    engine,
) -> None:
    households = [
        household("dark", REMOTE, lighting=4),
        household("river", REMOTE, water_source=9),
        household("served", REMOTE),
        household("town", "93.02.01.1001", lighting=4),
        household("elsewhere", RURAL, lighting=4),
    ]
    persons = [person(f"p_{h['household_id']}", h["household_id"], 30) for h in households]
    found = flags(run(engine, persons, households), "remote_community_without_basic_services")
    assert set(found) == {"p_dark", "p_river"}
    assert found["p_dark"]["evidence"] == {
        "regency_code": "93.02",
        "kelurahan": False,
        "lighting": 4,
        "water_source": 3,
    }
    assert found["p_dark"]["category"] == "remote_indigenous_communities"


# --- the shape of the answer -------------------------------------------------------------------------


def test_nobody_to_flag_gives_the_same_columns_and_no_rows(engine) -> None:
    assert run(engine, [person("a", "H1", 40)], [household("H1")]) == []


def test_evidence_is_valid_json_with_missing_answers_as_null(engine) -> None:
    persons = [person("a", "H1", 40, difficulty_seeing=1, difficulty_hearing=None)]
    (row,) = run(engine, persons, [household("H1")])
    assert json.loads(row["evidence"])["difficulty_hearing"] is None
