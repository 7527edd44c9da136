"""Entity resolution takes effect in the registry (issue 11 #2): after linkage and the stewards' decisions,
a duplicate listing is resolved into the record that represents its household or person, so the welfare
ranking, counts, snapshots and search count each true household and person once; an unmerge restores
both; a read as of before the merge still sees the duplicate as it was. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from inklusi.demo.linkage import prepare_demo
from inklusi.demo.welfare import train_and_rank_demo
from inklusi.linkage import service as linkage
from inklusi.linkage.model import DecisionKind
from inklusi.registry import service as registry
from inklusi.registry.service import export_persons, export_snapshot
from inklusi.synth import SynthConfig, generate, registry_data
from tests.factories import SYSTEM

HOUSEHOLDS, SEED = 400, 3
SURVEY = SynthConfig(households=8_000, seed=11, survey_share=0.1, duplicate_share=0.0)


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("population")
    generate(SynthConfig(households=HOUSEHOLDS, seed=SEED), folder)
    return folder


def _truth(ctx, population: Path) -> dict[UUID, str]:
    """Each registry person's true person id, from the generator's truth files (by name, sex, village and,
    for the registered population, birth date)."""
    persons = pq.read_table(population / "persons.parquet").to_pylist()
    villages = dict(
        zip(
            *pq.read_table(population / "households.parquet", columns=["household_id", "village_code"])
            .to_pydict()
            .values(),
            strict=True,
        )
    )
    original = {
        (p["name"], p["sex"], villages[p["household_id"]], p["birth_date"]): p["person_id"] for p in persons
    }
    duplicates = pq.read_table(population / "duplicate_persons.parquet").to_pylist()
    listed = dict(
        zip(
            *pq.read_table(
                population / "duplicate_households.parquet", columns=["household_id", "village_code"]
            )
            .to_pydict()
            .values(),
            strict=True,
        )
    )
    again = {(p["name"], p["sex"], listed[p["household_id"]]): p["true_person_id"] for p in duplicates}
    truth = {}
    for row in export_persons(ctx, SYSTEM).to_pylist():
        if row["source"] == "demo-second-listing":
            key = (row["name"], row["sex"], row["village_code"])
            truth[UUID(row["person_id"])] = again.get(key, row["person_id"])
        else:
            key = (row["name"], row["sex"], row["village_code"], row["birth_date"])
            truth[UUID(row["person_id"])] = original.get(key, row["person_id"])
    return truth


def _decide_the_queue_by_the_truth(ctx, truth: dict[UUID, str]) -> int:
    decided = 0
    while pairs := linkage.review_queue(ctx, SYSTEM, limit=200).pairs:
        for pair in pairs:
            same = truth[pair.record_a] == truth[pair.record_b]
            linkage.decide(ctx, SYSTEM, pair.id, DecisionKind.match if same else DecisionKind.non_match)
            decided += 1
    return decided


def test_the_demo_population_after_linkage_ranks_each_true_household_once(ctx, population, tmp_path):
    # The demo's path: the population registered, its second listing registered and linked, then ranked.
    registry.load_households(ctx, SYSTEM, registry_data(population), source="demo")
    demo = prepare_demo(ctx, population=population)
    assert demo.second_listing_households > 0 and demo.pending_pairs > 0
    truth_households = pc.count_distinct(pq.read_table(population / "households.parquet")["household_id"])
    listed_again = pq.read_table(population / "duplicate_households.parquet")["true_household_id"]
    assert pc.all(pc.is_in(listed_again, pq.read_table(population / "households.parquet")["household_id"]))
    distinct = truth_households.as_py()  # every second-listing household is one of the population's

    _decide_the_queue_by_the_truth(ctx, _truth(ctx, population))
    assert registry.count_households(ctx) == distinct

    ranking = train_and_rank_demo(ctx, SYSTEM, SURVEY)
    assert ranking.run.households == distinct
    snapshot = export_snapshot(ctx, SYSTEM, tmp_path / "snapshot")
    assert snapshot.household_count == distinct
    persons = pq.read_table(snapshot.persons)
    assert persons.num_rows == pc.count_distinct(persons["person_id"]).as_py()
