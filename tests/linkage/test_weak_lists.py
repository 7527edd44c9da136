"""The hard linkage scenario (``inklusi.synth.weak_lists``): lists without identity numbers, many records
per person, noise in every field; and what Inklusi's evaluation makes of it."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

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
