"""Issue 11 #1: a log welfare column divided per capita must be exp → divide → log, never log / members.

A small survey made here: log per-capita consumption is a modest function of two proxies plus noise, so an
honest proxy-means test reaches an R² well below 1. The same households written with welfare in levels and
as a log must give the same figures; a leak (R² above 0.95) is flagged in every output."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from typer.testing import CliRunner

from inklusi.welfare.cli import welfare
from inklusi.welfare.evaluation import evaluate_file
from inklusi.welfare.training import Design, sample_from_arrow


def _survey(n: int = 600, seed: int = 3) -> pa.Table:
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 9, n)
    schooling = rng.integers(0, 16, n)
    farm = rng.integers(0, 2, n)
    log_pc = 9.0 + 0.06 * schooling - 0.2 * farm - 0.08 * size + rng.normal(0, 0.5, n)
    total = np.exp(log_pc) * size
    return pa.table(
        {
            "hh": np.arange(n),
            "size": size,
            "schooling": schooling,
            "farm": farm,
            "total": total,
            "log_total": np.log(total),
        }
    )


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("log-survey") / "survey.csv"
    pacsv.write_csv(_survey(), path)
    return path


def _figures(result):
    return {r.kind.value: r.metrics.as_dict() for r in result.results}


def test_log_and_level_spellings_of_the_same_survey_give_the_same_figures(survey_csv):
    common = {"per_capita_by": "size", "proxies": ["schooling", "farm", "size"], "model": "ols", "folds": 3}
    level = evaluate_file(survey_csv, "total", **common)
    logged = evaluate_file(survey_csv, "log_total", welfare_is_log=True, **common)
    assert level.households == logged.households == 600
    assert np.allclose(level.sample.target, logged.sample.target, atol=1e-9)
    a, b = _figures(level)["ols"], _figures(logged)["ols"]
    assert a["r2"] == pytest.approx(b["r2"], abs=1e-9)
    assert a["spearman"] == pytest.approx(b["spearman"], abs=1e-9)
    for x, y in zip(a["coverage"], b["coverage"], strict=True):
        assert x == pytest.approx(y, abs=1e-9)
    assert 0.2 < b["r2"] < 0.9  # a plausible proxy-means test, not the 0.99 of log / members
    assert not logged.warnings


def test_training_from_a_spec_treats_a_log_total_the_same_way():
    table = _survey()
    design = Design(("schooling", "farm"), (), None, folds=3)
    level = sample_from_arrow(table, design, "total", per_capita_by="size", people=None, id_column="hh")
    logged = sample_from_arrow(
        table, design, "log_total", target_is_log=True, per_capita_by="size", people=None, id_column="hh"
    )
    assert np.allclose(level.target, logged.target, atol=1e-9)
    assert np.allclose(level.target, np.log(table["total"].to_numpy() / table["size"].to_numpy()))


def test_a_suspiciously_good_fit_is_flagged_in_text_json_and_report(tmp_path, survey_csv):
    table = _survey()
    # the welfare column itself, slightly renamed, slipped in among the proxies: a leak
    spent = np.log(table["total"].to_numpy() / table["size"].to_numpy())
    leaky = table.append_column("spent", pa.array(spent))
    path = tmp_path / "leaky.csv"
    pacsv.write_csv(leaky, path)
    result = evaluate_file(
        path, "total", per_capita_by="size", proxies=["spent", "size"], model="ols", folds=3
    )
    assert result.metrics(result.chosen).r2 > 0.95
    assert [w.both()["en"] for w in result.warnings] == [
        "Out-of-fold R² is above 0.95 (ols 1.000): a leak of the welfare measure into the proxies is far "
        "likelier than a perfect proxy. Check the proxies."
    ]
    assert "kebocoran" in result.warnings[0].render("id")
    args = ["evaluate", str(path), "--welfare", "total", "--per-capita-by", "size"]
    args += ["--proxies", "spent,size", "--model", "ols", "--folds", "3"]
    report = tmp_path / "report.html"
    text = CliRunner().invoke(welfare, [*args, "--report", str(report)], env={"INKLUSI_LANGUAGE": "en"})
    assert text.exit_code == 0, text.output
    assert "a leak of the welfare measure" in " ".join(text.output.split())
    page = report.read_text(encoding="utf-8")
    assert "a leak of the welfare measure" in page and "kebocoran" in page
    as_json = CliRunner().invoke(welfare, [*args, "--json"])
    document = json.loads(as_json.output)
    assert document["warnings"][0]["en"].startswith("Out-of-fold R² is above 0.95")
    assert "kebocoran" in document["warnings"][0]["id"]
