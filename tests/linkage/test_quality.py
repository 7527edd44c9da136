"""Linkage quality on public labelled data shipped in PyPI packages and on the synthetic Indonesian
population: through the generic ``inklusi linkage evaluate`` command and the pipeline."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

from inklusi.linkage import evaluation as ev
from inklusi.linkage.cli import linkage
from inklusi.linkage.households import link_households
from inklusi.linkage.model import ColumnMap, LinkType
from inklusi.linkage.pipeline import deduplicate
from inklusi.linkage.prepare import prepare
from inklusi.linkage.service import evaluate_table
from inklusi.linkage.spec import load_settings
from tests.linkage import populations


def evaluate_cli(path, mapping: str, *extra: str) -> dict:
    result = CliRunner().invoke(
        linkage,
        ["evaluate", str(path), "--id", "rec_id", "--truth", "truth", "--map", mapping, "--json", *extra],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_febrl3_dedupe_through_the_generic_command(tmp_path):
    report = evaluate_cli(populations.febrl3_csv(tmp_path), populations.FEBRL_MAP, "--no-sweep")
    assert report["records"] == 5000 and report["true_pairs"] == 6538
    assert report["clusters"]["f1"] >= 0.995
    assert report["pairwise_at_best_threshold"]["f1"] >= 0.995
    assert report["pairwise_at_threshold"]["precision"] >= 0.999
    assert report["blocking_recall"] >= 0.99
    # an identity number on every record: m from pairs sharing one, the settings' blocking, 0.999
    training = report["training"]
    assert training["path"] == "identifiers" and training["identity_numbers"]
    assert training["blocking_rules_added"] == [] and training["auto_merge"] == 0.999


def test_febrl4_link_through_the_generic_command_with_the_trade_off(tmp_path):
    report = evaluate_cli(populations.febrl4_csv(tmp_path), "source=src," + populations.FEBRL_MAP)
    assert report["settings"].endswith("(link_only)") and report["true_pairs"] == 5000
    assert report["clusters"]["f1"] >= 0.995
    assert report["pairwise_at_threshold"]["f1"] >= 0.995
    assert report["pairwise_at_best_threshold"]["f1"] >= 0.995
    thresholds = [row["threshold"] for row in report["trade_off"]]
    assert thresholds == sorted(thresholds) and 0.999 in thresholds
    for row in report["trade_off"]:
        assert row["constrained"]["precision"] >= row["connected_components"]["precision"]


def test_pseudopeople_people_and_households():
    table = populations.pseudopeople_records()
    columns = ColumnMap.parse(populations.PSEUDOPEOPLE_MAP, record_id="record_id")
    report = evaluate_table(table, columns, "simulant_id", link_type=LinkType.link_and_dedupe, sweep=False)
    # the census writes MM/DD/YYYY with the odd day-first value, WIC MMDDYYYY: all of them are dates
    assert report.at_threshold.precision >= 0.95 and report.at_threshold.recall >= 0.9
    assert report.clusters.precision >= 0.95 and report.clusters.recall >= 0.9
    assert report.blocking_recall >= 0.98
    # household data: the near-certain pairs train m (EM would learn "same family")
    assert report.extra["training"]["path"] == "names"

    spec = load_settings("persons").model_copy(update={"link_type": LinkType.link_and_dedupe})
    prepared = prepare(table, columns)
    outcome = deduplicate(prepared, spec)
    households = link_households(  # survey samples list only some members: divide by the smaller household
        prepared["household_ref"],
        outcome.cluster_ids(),
        source=prepared["source_dataset"],
        denominator="smaller",
    )
    truth_of = dict(zip(table["household"].to_pylist(), table["household_id"].to_pylist(), strict=True))
    truth = ev.codes(
        pc.take(table["household_id"], pc.index_in(households.households, value_set=table["household"]))
    )
    quality = ev.cluster_quality(households.labels, truth, ev.true_pair_count(truth))
    assert len(truth_of) == len(households.households)
    assert quality.precision >= 0.9 and quality.recall >= 0.7


def test_pseudopeople_at_five_times_the_default_noise():
    # a typo, a fake name, a nickname or a blank in about one name of four; dates copied and swapped
    table = populations.pseudopeople_records(noise=5.0)
    columns = ColumnMap.parse(populations.PSEUDOPEOPLE_MAP, record_id="record_id")
    report = evaluate_table(table, columns, "simulant_id", link_type=LinkType.link_and_dedupe, sweep=False)
    assert report.clusters.precision >= 0.93 and report.clusters.recall >= 0.65
    assert report.blocking_recall >= 0.93


def _synthetic_report(tmp_path, households: int, seed: int, rounds: int):
    table = populations.synthetic_people(tmp_path, households, seed, rounds)
    columns = ColumnMap.parse(populations.SYNTH_MAP, record_id="person_id")
    return table, columns, evaluate_table(table, columns, "truth", sweep=False)


def _household_quality(table, columns):
    """Household clusters (from the person clusters) against the true households."""
    prepared = prepare(table, columns)
    outcome = deduplicate(prepared, load_settings("persons"))
    # each list or round holds a household once: it links to one household of each other source at most
    links = link_households(prepared["household_ref"], outcome.cluster_ids(), source=table["source"])
    position = pc.index_in(links.households, value_set=table["household_id"])
    truth = ev.codes(pc.take(table["true_household"], position))
    return ev.cluster_quality(links.labels, truth, ev.true_pair_count(truth))


def test_synthetic_population_precision_and_recall_at_the_auto_merge_threshold(tmp_path):
    table, columns, report = _synthetic_report(tmp_path, households=4_000, seed=21, rounds=1)
    assert report.true_pairs > 300
    assert report.at_threshold.threshold == load_settings("persons").auto_merge
    assert report.at_threshold.precision >= 0.999 and report.at_threshold.recall >= 0.98
    assert report.clusters.precision >= 0.999 and report.clusters.recall >= 0.98
    households = _household_quality(table, columns)
    assert households.precision >= 0.99 and households.recall >= 0.95


@pytest.mark.slow
def test_synthetic_population_with_a_second_round(tmp_path):
    table, columns, report = _synthetic_report(tmp_path, households=30_000, seed=11, rounds=2)
    assert report.at_threshold.precision >= 0.999 and report.at_threshold.recall >= 0.98
    assert report.clusters.precision >= 0.999 and report.clusters.recall >= 0.98
    households = _household_quality(table, columns)
    assert households.precision >= 0.99 and households.recall >= 0.95
    assert np.isfinite(report.seconds["total"])
