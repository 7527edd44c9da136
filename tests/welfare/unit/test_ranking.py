"""The decile rule, exactly: hand-computable cases for ties, person weighting and the first-member rule,
and the Ibis ranking (DuckDB) against the plain-Python statement of the rule."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from inklusi.analytics.engine import Engine
from inklusi.welfare.model import decile_of, rank_reference
from inklusi.welfare.ranking import national_cutoffs, rank


@pytest.fixture(scope="module")
def engine():
    opened = Engine.open("duckdb")
    yield opened
    opened.close()


def ranked(engine, rows: dict[str, list]) -> dict[str, dict[str, int]]:
    table = pa.table(rows)
    result = engine.to_arrow(rank(engine, engine.table(table))).to_pylist()
    return {row["household_id"]: row for row in result}


# Four households, ten people. Sorted poorest first: b (0.1), c (0.1, tie broken by id), a (0.5), d (0.9).
# People before each household's first member: b 0, c 4, a 7, d 8.
HAND = {
    "household_id": ["a", "b", "c", "d"],
    "score": [0.5, 0.1, 0.1, 0.9],
    "people": [1, 4, 3, 2],
    "province_code": ["32", "32", "32", "11"],
    "regency_code": ["32.73", "32.73", "32.01", "11.01"],
}


def test_deciles_are_of_people_at_each_households_first_member(engine):
    result = ranked(engine, HAND)
    assert {h: result[h]["national_decile"] for h in "abcd"} == {"b": 1, "c": 5, "a": 8, "d": 9}
    assert {h: result[h]["national_percentile"] for h in "abcd"} == {"b": 1, "c": 41, "a": 71, "d": 81}


def test_household_deciles_count_every_household_once(engine):
    result = ranked(engine, HAND)
    # positions 0, 1, 2, 3 of 4: floor(10 * position / 4) + 1
    assert {h: result[h]["household_decile"] for h in "abcd"} == {"b": 1, "c": 3, "a": 6, "d": 8}


def test_ties_are_broken_by_household_id_whatever_the_input_order(engine):
    reordered = {key: list(reversed(values)) for key, values in HAND.items()}
    assert ranked(engine, reordered) == ranked(engine, HAND)
    swapped = dict(HAND, household_id=["a", "c", "b", "d"])  # the tie is now b (3 people), then c (4)
    result = ranked(engine, swapped)
    assert (result["b"]["national_decile"], result["c"]["national_decile"]) == (1, 4)


def test_regional_deciles_apply_the_rule_inside_each_area(engine):
    result = ranked(engine, HAND)
    # Province 32: b (4 people), c (3), a (1) -> before 0, 4, 7 of 8 people
    assert {h: result[h]["province_decile"] for h in "abc"} == {"b": 1, "c": 6, "a": 9}
    # Regency 32.73: b (4), a (1) -> before 0, 4 of 5; alone in its regency, c and d are in decile 1
    assert {h: result[h]["regency_decile"] for h in "abcd"} == {"b": 1, "a": 9, "c": 1, "d": 1}


def test_one_household_per_decile_when_ten_singles(engine):
    rows = {
        "household_id": [f"h{i}" for i in range(10)],
        "score": [float(9 - i) for i in range(10)],
        "people": [1] * 10,
        "province_code": ["32"] * 10,
        "regency_code": ["32.73"] * 10,
    }
    result = ranked(engine, rows)
    assert sorted(result[f"h{i}"]["national_decile"] for i in range(10)) == list(range(1, 11))
    assert result["h9"]["national_decile"] == 1 and result["h0"]["national_decile"] == 10


def test_ibis_ranking_equals_the_rule_on_random_households_with_ties(engine):
    rng = np.random.default_rng(5)
    n = 3_000
    ids = [f"H{i:05d}" for i in rng.permutation(n)]
    scores = np.round(rng.normal(size=n), 2)  # many ties
    people = rng.integers(1, 9, n)
    regencies = rng.choice(["32.73", "32.01", "11.01"], n)
    rows = {
        "household_id": ids,
        "score": scores.tolist(),
        "people": people.tolist(),
        "province_code": [r[:2] for r in regencies],
        "regency_code": regencies.tolist(),
    }
    result = ranked(engine, rows)
    expected = rank_reference(scores.tolist(), ids, people.tolist())
    assert {i: result[i]["national_decile"] for i in ids} == expected
    percentiles = rank_reference(scores.tolist(), ids, people.tolist(), parts=100)
    assert {i: result[i]["national_percentile"] for i in ids} == percentiles
    for regency in np.unique(regencies):
        inside = np.flatnonzero(regencies == regency)
        sub = rank_reference(scores[inside].tolist(), [ids[i] for i in inside], people[inside].tolist())
        assert {i: result[i]["regency_decile"] for i in sub} == sub


def test_decile_of_is_floor_of_the_people_share():
    assert [decile_of(before, 10) for before in range(10)] == list(range(1, 11))
    assert decile_of(0, 3) == 1 and decile_of(1, 3) == 4 and decile_of(2, 3) == 7


def test_approximate_cutoffs_start_groups_at_the_first_bin_that_reaches_them():
    # 5 bins with 2 people each (10 people): deciles 1,3,5,7,9 start at bins 0..4
    histogram = {"bin": np.arange(5), "people": np.full(5, 2), "households": np.ones(5, dtype=int)}
    cutoffs = national_cutoffs(histogram, bins=5)
    assert cutoffs["national_decile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5]
