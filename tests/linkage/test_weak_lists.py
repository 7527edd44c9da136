"""The hard linkage scenario (``inklusi.synth.weak_lists``): lists without identity numbers, many records
per person, noise in every field; and what Inklusi's evaluation makes of it."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pyarrow as pa
import pytest

from inklusi.linkage.linker import _pairs_sharing, anchored, choose_blocking
from inklusi.linkage.model import ColumnMap
from inklusi.linkage.pipeline import model_threshold
from inklusi.linkage.prepare import prepare
from inklusi.linkage.service import evaluate_table
from inklusi.linkage.spec import load_settings
from inklusi.synth.weak_lists import WeakListsConfig, weak_lists

SMALL = WeakListsConfig(people=400, seed=5)


@pytest.fixture(scope="module")
def scenario():
    return weak_lists(SMALL)


def test_many_records_per_person_and_no_identity_numbers(scenario):
    assert {"nik", "kk", "kk_number"}.isdisjoint(scenario.column_names)
    per_person = Counter(scenario["truth"].to_pylist())
    assert len(per_person) == SMALL.people
    assert min(per_person.values()) >= 3 and max(per_person.values()) <= 20
    assert scenario.num_rows / len(per_person) >= 5
    assert len(set(scenario["record_id"].to_pylist())) == scenario.num_rows


def test_noise_everywhere_and_people_outside_households(scenario):
    rows = scenario.to_pylist()
    by_person: dict[str, list[dict]] = {}
    for row in rows:
        by_person.setdefault(row["truth"], []).append(row)
    spellings = [len({r["given_name"] for r in records}) for records in by_person.values()]
    dates = [len({r["birth_date"] for r in records}) for records in by_person.values()]
    assert sum(s > 1 for s in spellings) / len(spellings) > 0.8  # most people under several spellings
    assert sum(d > 1 for d in dates) / len(dates) > 0.8
    assert any(r["birth_date"] is None for r in rows) and any(r["family_name"] is None for r in rows)
    outside = [p for p, records in by_person.items() if records[0]["household"] is None]
    assert 0.15 < len(outside) / len(by_person) < 0.45
    assert all(r["postcode"] is None for p in outside for r in by_person[p])


def test_the_record_order_and_ids_tell_nothing_about_the_person(scenario):
    truth = scenario["truth"].to_pylist()
    neighbours = sum(a == b for a, b in pairwise(truth)) / (len(truth) - 1)
    assert neighbours < 0.02  # shuffled: a person's records are not next to each other
    ordered = [t for _, t in sorted(zip(scenario["record_id"].to_pylist(), truth, strict=True))]
    assert sum(a == b for a, b in pairwise(ordered)) / (len(truth) - 1) < 0.02


def test_the_same_seed_gives_the_same_lists():
    small = WeakListsConfig(people=60, seed=9)
    assert weak_lists(small).equals(weak_lists(small))
    assert not weak_lists(small).equals(weak_lists(WeakListsConfig(people=60, seed=10)))


MAPPING = (
    "given_name=given_name,family_name=family_name,birth_date=birth_date,sex=sex,postcode=postcode,"
    "birth_place=birth_place,extra:occupation=occupation"
)


def test_without_identity_numbers_the_model_learns_by_em_and_finds_most_people(scenario):
    report = evaluate_table(scenario, ColumnMap.parse(MAPPING, record_id="record_id"), "truth", sweep=False)
    training = report.extra["training"]
    assert training["path"] == "expectation maximisation" and not training["identity_numbers"]
    assert "given_phonetic,family_phonetic" in training["blocking_rules_added"]
    assert 0.5 <= training["auto_merge"] <= 0.999
    assert report.at_threshold.threshold == training["auto_merge"]
    assert report.blocking_recall >= 0.85
    assert report.at_threshold.f1 >= 0.8 and report.clusters.f1 >= 0.85
    assert report.clusters.precision >= 0.97
    # the queue: one pair for each two groups left apart, mostly people the clustering did not dare join
    queued, same = report.extra["review_pairs"], report.extra["review_pairs_same_person"]
    assert 0 < queued <= report.records / 10 and same / queued >= 0.4


def test_the_comparisons_budget_limits_the_blocking_rules_added(scenario):
    prepared = prepare(scenario, ColumnMap.parse(MAPPING, record_id="record_id"))
    spec = load_settings("persons")
    rules, added = choose_blocking(prepared, spec)
    assert added and rules[-len(added) :] == added
    tight = spec.model_copy(
        update={"weak_identifiers": spec.weak_identifiers.model_copy(update={"budget": 1.0})}
    )
    _, few = choose_blocking(prepared, tight)
    assert len(few) < len(added)
    assert sum(_pairs_sharing(prepared, rule) for rule in few) <= prepared.num_rows


def test_with_identity_numbers_no_rule_is_added():
    from tests.linkage.unit.test_clustering import records

    table = records(niks=[f"31710101019000{i:02d}" for i in range(10)])
    table = table.append_column("birth_year", pa.array([1990] * 10)).append_column(
        "birth_month", pa.array([1] * 10)
    )
    assert anchored(table, load_settings("persons").weak_identifiers)
    assert choose_blocking(table, load_settings("persons"))[1] == []


def test_the_threshold_from_the_model_s_own_probabilities():
    p = pa.array([0.99] * 100 + [0.6] * 50 + [0.2] * 1000)
    spec = load_settings("persons").weak_identifiers
    assert model_threshold(p, spec) == 0.6  # expected F1 0.54 against 0.46 at 0.99 (0.2 is below the range)
    assert model_threshold(p, spec.model_copy(update={"threshold_range": (0.7, 0.999)})) == 0.99
    assert model_threshold(pa.array([], pa.float64()), spec) == 0.999
