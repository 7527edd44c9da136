"""``inklusi ppks evaluate`` on a small synthetic population: the rules against the truth file, with deciles
from a PMT fitted on the folder's own survey sample (never from the truth)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from inklusi.cli import app
from inklusi.ppks import service
from inklusi.synth import SynthConfig, generate

WG = (
    "difficulty_seeing",
    "difficulty_hearing",
    "difficulty_walking",
    "difficulty_remembering",
    "difficulty_self_care",
    "difficulty_communicating",
)


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    """3,000 households, 10 % of them (about 300) in the survey sample."""
    folder = tmp_path_factory.mktemp("ppks-population")
    generate(SynthConfig(households=3_000, seed=5, survey_share=0.1, duplicate_share=0.0), folder)
    return folder


@pytest.fixture(scope="module")
def report(population) -> dict:
    result = CliRunner().invoke(app, ["ppks", "evaluate", str(population), "--model", "ols", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _scores(report: dict) -> dict[str, dict]:
    return {row["category"]: row for row in report["categories"]}


def _expected(flagged, truth) -> tuple[int, float | None, float | None]:
    hits = len(flagged & truth)
    return len(truth), (hits / len(flagged) if flagged else None), (hits / len(truth) if truth else None)


def test_every_category_row_has_the_documented_keys(report) -> None:
    assert report["categories"]
    for row in report["categories"]:
        assert {"category", "truth", "flagged", "precision", "recall"} <= set(row)
    assert report["rules"] == "national-1"
    assert report["households"] == 3_000


def test_deciles_come_from_a_pmt_fitted_on_the_survey_sample(report, population) -> None:
    survey = pq.read_table(population / "survey_households.parquet")
    assert report["deciles"] == {"spec": "national-1", "model": "ols", "survey_households": survey.num_rows}
    assert report["skipped_rules"] == []
    poor = _scores(report)["poor"]
    assert poor["flagged"] > 0 and poor["truth"] > 0


def test_disability_and_hiv_figures_are_computed_from_the_truth(report, population) -> None:
    persons = pq.read_table(population / "persons.parquet")
    truth = pq.read_table(population / "truth_persons.parquet")
    ids = persons["person_id"].to_pylist()
    disabled = pc.or_kleene(
        *(pc.is_in(persons[name], value_set=pc.cast([1, 2], persons[name].type)) for name in WG[:2])
    )
    for name in WG[2:]:
        disabled = pc.or_kleene(
            disabled, pc.is_in(persons[name], value_set=pc.cast([1, 2], persons[name].type))
        )
    flagged = {i for i, d in zip(ids, disabled.to_pylist(), strict=True) if d}
    truly = {
        i for i, t in zip(truth["person_id"].to_pylist(), truth["disability"].to_pylist(), strict=True) if t
    }
    scores = _scores(report)["persons_with_disabilities"]
    assert (scores["truth"], scores["precision"], scores["recall"]) == pytest.approx(
        _expected(flagged, truly)
    )
    assert scores["flagged"] == len(flagged)
    assert scores["recall"] >= 0.95  # the Washington Group answers reveal it

    reported = {i for i, c in zip(ids, persons["chronic_illness"].to_pylist(), strict=True) if c == 12}
    hiv = {i for i, t in zip(truth["person_id"].to_pylist(), truth["hiv"].to_pylist(), strict=True) if t}
    scores = _scores(report)["people_living_with_hiv"]
    assert (scores["truth"], scores["precision"], scores["recall"]) == pytest.approx(_expected(reported, hiv))
    assert scores["reveal"] == "partly"
    if hiv:
        assert scores["recall"] < 1.0  # most people with HIV do not report it


def test_what_the_data_cannot_reveal_is_listed_with_reasons(report) -> None:
    gaps = {g["category"]: g for g in report["not_revealed"]}
    assert gaps["drug_abuse_victims"]["reveal"] == "no"
    assert gaps["drug_abuse_victims"]["reason"]["en"] and gaps["drug_abuse_victims"]["reason"]["id"]
    assert gaps["people_living_with_hiv"]["reveal"] == "partly"
    drugs = _scores(report)["drug_abuse_victims"]
    assert (
        drugs["truth"] > 0 and drugs["flagged"] == 0 and drugs["recall"] == 0.0 and drugs["precision"] is None
    )


def test_without_deciles_the_rules_that_read_them_are_skipped_and_said(population, report) -> None:
    result = service.evaluate_folder(population, deciles=False)
    assert "poorest_two_deciles" in result.skipped_rules
    assert result.deciles is None and result.deciles_note is not None
    shelter = next(r for r in result.rule_scores if r.rule_id == "inadequate_shelter")
    poor = next(c for c in result.categories if c.category == "poor")
    assert poor.flagged == shelter.flagged  # only the shelter rule flags poverty without deciles
    assert all(r.rule_id not in result.skipped_rules for r in result.rule_scores)


def test_a_folder_without_the_truth_is_refused(tmp_path) -> None:
    result = CliRunner().invoke(app, ["ppks", "evaluate", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert "truth_persons.parquet" in result.output
