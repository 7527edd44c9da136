"""``inklusi programmes evaluate`` on a small synthetic population: expected errors (the welfare model's
out-of-fold poverty curve, no truth) against the errors measured with the population's truth, within the
tolerance ``docs/programmes.md`` states; and the same beneficiaries on DuckDB and PySpark."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from inklusi.analytics.engine import Engine, read_arrow
from inklusi.cli import app
from inklusi.programmes.expr import eligible, household_frame, select
from inklusi.programmes.spec import load_programme
from inklusi.synth import SynthConfig, generate

# docs/programmes.md, "How far to trust the expected errors": with a survey of about 300 households
INCLUSION_TOLERANCE = 0.05
EXCLUSION_TOLERANCE = 0.10
BUDGET = 1_000_000_000.0  # Rp a year: about 400 Sembako households of the 3,000


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    """3,000 households, 10 % of them (about 270) in the survey sample."""
    folder = tmp_path_factory.mktemp("programmes-population")
    generate(SynthConfig(households=3_000, seed=5, survey_share=0.1, duplicate_share=0.0), folder)
    return folder


@pytest.fixture(scope="module")
def report(population) -> dict:
    arguments = ["programmes", "evaluate", "pkh", "sembako", str(population), "--model", "ols", "--json"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _programme(report: dict, name: str) -> dict:
    return next(p for p in report["programmes"] if p["programme"] == name)


def test_every_programme_reports_the_documented_keys(report, population) -> None:
    survey = pq.read_table(population / "survey_households.parquet")
    assert report["model"] == "ols" and report["survey_households"] == survey.num_rows
    keys = {"beneficiaries", "cost", "inclusion_error", "exclusion_error", "coverage_poorest_40"}
    keys |= {"expected_inclusion_error", "expected_exclusion_error"}
    for name in ("pkh", "sembako"):
        row = _programme(report, name)
        assert keys <= set(row) and all(row[k] is not None for k in keys)
    assert _programme(report, "pkh")["gaps"] == ["pregnant"]
    assert report["overlaps"][0]["households"] == _programme(report, "pkh")["beneficiaries"]


def test_beneficiaries_are_the_households_of_deciles_one_to_four(report, population) -> None:
    sembako = _programme(report, "sembako")["outcome"]
    by_decile = {row["decile"]: row for row in sembako["by_decile"]}
    assert all(by_decile[d]["beneficiaries"] == by_decile[d]["households"] for d in (1, 2, 3, 4))
    assert all(by_decile[d]["beneficiaries"] == 0 for d in range(5, 11))
    assert sembako["cost"] == 2_400_000 * sembako["beneficiaries"]
    assert sum(a["beneficiaries"] for a in sembako["by_area"]) == sembako["beneficiaries"]
    households = pq.read_table(population / "households.parquet").num_rows
    assert sum(row["households"] for row in sembako["by_decile"]) == households


def test_the_measured_errors_are_computed_from_the_truth(report, population) -> None:
    truth = pq.read_table(population / "truth_households.parquet")
    poor = sum(truth["poor"].to_pylist())
    pkh = _programme(report, "pkh")
    # every measured error is a ratio of whole households: n / beneficiaries and n / poor households
    hits_in = round((1 - pkh["inclusion_error"]) * pkh["beneficiaries"])
    hits_ex = round((1 - pkh["exclusion_error"]) * poor)
    assert hits_in == hits_ex
    assert pkh["inclusion_error"] == pytest.approx(1 - hits_in / pkh["beneficiaries"])


def test_expected_errors_are_within_the_documented_tolerance_of_the_measured(report) -> None:
    for name in ("pkh", "sembako"):
        row = _programme(report, name)
        assert abs(row["expected_inclusion_error"] - row["inclusion_error"]) <= INCLUSION_TOLERANCE, row
        assert abs(row["expected_exclusion_error"] - row["exclusion_error"]) <= EXCLUSION_TOLERANCE, row
        # a figure too good to be true would mean the truth leaked into the ranks or the curve
        assert row["expected_inclusion_error"] != pytest.approx(row["inclusion_error"], abs=1e-6)


def test_a_budget_takes_the_poorest_first_and_stays_within_it(population) -> None:
    arguments = ["programmes", "evaluate", "sembako", str(population), "--model", "ols", "--json"]
    result = CliRunner().invoke(app, [*arguments, "--budget", str(BUDGET)])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)["programmes"][0]
    assert row["cost"] <= BUDGET < row["cost"] + 2_400_000 and row["beneficiaries"] < row["eligible"]
    curve = row["outcome"]["budget_curve"]
    assert curve[-1]["beneficiaries"] == row["eligible"] and curve[-1]["coverage_40"] == 1.0
    first = row["outcome"]["by_decile"][0]
    assert first["decile"] == 1 and first["beneficiaries"] == first["households"]


def test_a_folder_without_truth_is_refused(tmp_path) -> None:
    result = CliRunner().invoke(app, ["programmes", "evaluate", "pkh", str(tmp_path)])
    assert result.exit_code == 1 and "truth_households.parquet" in result.output


@pytest.mark.spark
def test_duckdb_and_spark_select_the_same_beneficiaries(tmp_path, population) -> None:
    truth = pq.read_table(population / "truth_households.parquet")
    households = pq.read_table(population / "households.parquet")
    ranks = pa.table(
        {
            "household_id": truth["household_id"],
            "score": pa.array([float(c) for c in truth["consumption_per_capita"].to_pylist()]),
            "national_percentile": pa.array([1] * truth.num_rows),
            "national_decile": pa.array([1 + (i * 7) % 10 for i in range(truth.num_rows)]),
            "province_decile": pa.array([1] * truth.num_rows),
            "regency_decile": pa.array([1] * truth.num_rows),
        }
    )
    pq.write_table(ranks, tmp_path / "ranks.parquet")
    outputs = {}
    for backend in ("duckdb", "pyspark"):
        engine = Engine.open(
            backend, spark_conf={"spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "2"}
        )
        try:
            frame = household_frame(
                engine.read_parquet(population / "persons.parquet"),
                engine.read_parquet(population / "households.parquet"),
                engine.read_parquet(tmp_path / "ranks.parquet"),
                None,
                None,
                date(2025, 6, 30),
            )
            outputs[backend] = {}
            for name, budget in (("pkh", 500_000_000.0), ("sembako", None)):
                spec = load_programme(name)
                chosen = select(eligible(frame, spec, None, None), spec, budget, None)
                path = engine.write_parquet(chosen, tmp_path / f"{name}-{backend}")
                rows = read_arrow(path).sort_by("household_id").to_pydict()
                outputs[backend][name] = list(
                    zip(rows["household_id"], rows["priority"], rows["benefit"], strict=True)
                )
        finally:
            engine.close()
    assert outputs["duckdb"] == outputs["pyspark"]
    assert 0 < len(outputs["duckdb"]["pkh"]) < len(outputs["duckdb"]["sembako"]) < households.num_rows
