"""Training on a synthetic survey: candidates cross-validated out of fold, chosen by targeting, reproducible,
stored as artifacts that score the same in NumPy and in Ibis; the generic evaluation of any file."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from inklusi.analytics.engine import Engine
from inklusi.welfare.cli import welfare
from inklusi.welfare.evaluation import evaluate_file
from inklusi.welfare.model import ModelKind, measure
from inklusi.welfare.scoring import frame_of
from inklusi.welfare.service import fit_survey
from inklusi.welfare.spec import features, load_spec
from inklusi.welfare.training import model_from_json, model_to_json


@pytest.fixture(scope="module")
def fitted(survey_dir, quick_spec_file):
    spec = load_spec(quick_spec_file)
    trained, sample = fit_survey(
        spec,
        survey_dir / "survey_households.parquet",
        survey_dir / "persons.parquet",
        candidates=(ModelKind.ols, ModelKind.ols_area, ModelKind.separate, ModelKind.gbm),
    )
    return spec, trained, sample


def test_every_candidate_is_measured_out_of_fold_and_the_choice_targets_best(fitted):
    _spec, trained, sample = fitted
    assert {r.kind for r in trained.candidates} == set(ModelKind)
    for result in trained.candidates:
        m = result.metrics
        assert m.households == len(sample) > 1_000
        assert 0.5 < m.r2 < 1 and 0.5 < m.spearman < 1
        assert [c.coverage for c in m.coverage] == [0.1, 0.2, 0.4]
        for c in m.coverage:
            assert 0 < c.exclusion_error < 1 and 0 < c.inclusion_error < 1
        # the measure is recomputable from the stored out-of-fold predictions
        again = measure(sample.target, result.out_of_fold, sample.people, ids=sample.ids)
        assert again.at(0.4) == m.at(0.4)
    best = min(r.metrics.at(0.4).exclusion_error for r in trained.candidates)
    assert trained.result(trained.chosen).metrics.at(0.4).exclusion_error == best


def test_training_is_reproducible(fitted, survey_dir):
    spec, trained, _sample = fitted
    again, _ = fit_survey(
        spec,
        survey_dir / "survey_households.parquet",
        survey_dir / "persons.parquet",
        candidates=(trained.chosen,),
    )
    first = trained.result(trained.chosen).out_of_fold
    assert np.array_equal(again.candidates[0].out_of_fold, first)


@pytest.mark.parametrize("kind", [ModelKind.ols, ModelKind.ols_area, ModelKind.separate, ModelKind.gbm])
def test_an_artifact_scores_the_same_after_storing_in_numpy_and_in_ibis(fitted, survey_dir, kind):
    from inklusi.welfare.training import fit

    spec, _trained, sample = fitted
    from inklusi.welfare.service import design_of

    model = fit(kind, sample, design_of(spec))
    stored = model_from_json(json.loads(json.dumps(model_to_json(model))))
    engine = Engine.open()
    try:
        households = engine.read_parquet(survey_dir / "survey_households.parquet")
        table = features(spec, households, engine.read_parquet(survey_dir / "persons.parquet"))
        table = table.order_by("household_id")
        frame = frame_of(engine.to_arrow(table))
        expected = model.predict(frame)
        assert np.allclose(stored.predict(frame), expected, rtol=0, atol=1e-12)
        if kind != ModelKind.gbm:
            in_engine = engine.to_arrow(table.mutate(score=stored.expression(table)))["score"].to_numpy()
            assert np.allclose(in_engine, expected, rtol=0, atol=1e-9)
    finally:
        engine.close()


def test_evaluate_any_csv_with_text_proxies_and_household_totals(tmp_path, survey_dir):
    survey = pq.read_table(survey_dir / "survey_households.parquet").to_pandas()
    survey["total_consumption"] = survey["consumption_per_capita"] * survey["household_size"]
    survey["roof"] = survey["roof_material"].map({2: "genteng", 3: "seng"}).fillna("lain")
    columns = ["household_id", "total_consumption", "household_size", "roof", "floor_area_m2", "asset_car"]
    path = tmp_path / "survey.csv"
    pacsv.write_csv(pa.Table.from_pandas(survey[[*columns, "province_code"]], preserve_index=False), path)

    result = evaluate_file(
        path, "total_consumption", per_capita_by="household_size", area="province_code", folds=3
    )
    assert result.categorical == ("roof",)  # text: a category; household_id: an identifier, left out
    assert set(result.numeric) == {"floor_area_m2", "asset_car"}
    assert {r.kind for r in result.results} == {ModelKind.ols, ModelKind.ols_area, ModelKind.gbm}

    out = CliRunner().invoke(
        welfare,
        [
            "evaluate",
            str(path),
            "--welfare",
            "total_consumption",
            "--per-capita-by",
            "household_size",
            "--proxies",
            "roof,floor_area_m2",
            "--model",
            "ols",
            "--folds",
            "3",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    document = json.loads(out.output)
    assert list(document["models"]) == ["ols"]
    assert [c["coverage"] for c in document["models"]["ols"]["coverage"]] == [0.1, 0.2, 0.4]


def test_the_targeting_report_is_one_offline_html_page(tmp_path, survey_dir, quick_spec_file):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        welfare,
        [
            "report",
            str(survey_dir / "survey_households.parquet"),
            "--persons",
            str(survey_dir / "persons.parquet"),
            "--out",
            str(out),
            "--spec",
            str(quick_spec_file),
        ],
    )
    assert result.exit_code == 0, result.output
    page = out.read_text()
    for section in ("Error rates by coverage", "By province", "Decile confusion", "Calibration"):
        assert section in page
    assert (
        page.count("<svg") >= 3
        and "<script" not in page
        and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
