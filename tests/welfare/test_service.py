"""Welfare ranking of the registry through the service, on SQLite and PostgreSQL: train, rank, read (scoped
and audited), explain, re-rank after an update round (history and movements), and the demo's entry point."""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from babel.numbers import format_decimal

from inklusi.access.model import Principal
from inklusi.audit import service as audit
from inklusi.demo.welfare import train_and_rank_demo
from inklusi.errors import Forbidden, NotFound
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, registry_data
from inklusi.welfare import service
from inklusi.welfare.model import DECILES
from inklusi.welfare.tables import household_rank
from inklusi.wilayah import service as wilayah
from tests.factories import user

SYSTEM = Principal.system("tests")
HOUSEHOLDS = 160


@pytest.fixture
def ranked(ctx, survey_dir, quick_spec_file):
    """A registry of synthetic households, a model trained on the survey, one ranking run."""
    registry.load_households(
        ctx, SYSTEM, registry_data(SynthConfig(households=HOUSEHOLDS, seed=3)), source="test"
    )
    model = service.train_model(
        ctx,
        SYSTEM,
        survey_dir / "survey_households.parquet",
        survey_dir / "persons.parquet",
        spec=str(quick_spec_file),
    )
    return model, service.rank_registry(ctx, SYSTEM)


def some_household(ctx, run_id: UUID, province: str | None = None) -> UUID:
    from sqlalchemy import text

    sql = "SELECT household_id, village_code FROM household_rank WHERE run_id = :run ORDER BY household_id"
    with ctx.engine.connect() as conn:
        rows = conn.execute(text(sql), {"run": run_id.hex if ctx.engine.dialect.name == "sqlite" else run_id})
        for household_id, village in rows:
            if province is None or village.startswith(province + ".") == (province is not None):
                return UUID(str(household_id))
    raise AssertionError("no household")


def test_every_household_is_ranked_with_the_model_version(ctx, ranked):
    model, run = ranked
    assert run.model_version == model.version and run.households == HOUSEHOLDS
    assert model.metrics["chosen"] == model.kind.value
    deciles = service.decile_summary(ctx, SYSTEM)
    assert [d for d, _h, _p in deciles] == list(range(1, DECILES + 1))
    people = [p for _d, _h, p in deciles]
    assert (
        sum(people) == run.persons and max(people) - min(people) <= 2 * 12
    )  # equal people, up to households


def test_training_keeps_the_targeting_report_for_the_run_page(ctx, ranked):
    """Made from training's own out-of-fold predictions (no second training when a page asks for it)."""
    model, run = ranked
    details = service.run_details(ctx, SYSTEM, run.id)
    assert service.report_available(ctx, details)
    html = service.run_report(ctx, SYSTEM, run.id)
    assert html.startswith("<!doctype html>") and "Targeting report" in html
    assert model.metrics["chosen"] in html


def test_a_household_rank_is_scoped_and_audited(ctx, ranked):
    _model, run = ranked
    household_id = some_household(ctx, run.id)
    rank = service.household_rank(ctx, SYSTEM, household_id)
    assert rank.run.id == run.id and 1 <= rank.national_decile <= DECILES
    entries = audit.recent(ctx, SYSTEM, object_type="household", object_id=str(household_id))
    assert "welfare.rank.read" in [e.action for e in entries]

    elsewhere = "11" if not rank.village_code.startswith("11.") else "12"
    outsider = user(ctx, "dinsos", ("steward", elsewhere))
    with pytest.raises(NotFound):
        service.household_rank(ctx, outsider, household_id)
    with pytest.raises(NotFound):
        service.explain_household(ctx, outsider, household_id)
    with pytest.raises(Forbidden):
        service.rank_registry(ctx, outsider)


def test_an_explanation_adds_up_to_the_stored_score(ctx, ranked):
    _model, run = ranked
    household_id = some_household(ctx, run.id)
    found = service.explain_household(ctx, SYSTEM, household_id, language="id")
    assert not found.data_changed
    assert found.score == pytest.approx(found.rank.score, abs=1e-6)
    sizes = [abs(c.contribution) for c in found.contributions]
    assert sizes == sorted(sizes, reverse=True)
    assert {c.group for c in found.contributions} >= {"housing", "assets", "demographics"}
    line = found.contributions[0]
    assert line.label and line.value and line.describe().startswith(line.label)
    english = service.explain_household(ctx, SYSTEM, household_id, language="en")
    assert [c.proxy for c in english.contributions] == [c.proxy for c in found.contributions]
    assert "Floor" in {c.label for c in english.contributions}
    entries = audit.recent(ctx, SYSTEM, object_type="household", object_id=str(household_id))
    assert [(e.action, json.loads(e.detail)) for e in entries[:2]] == [
        ("welfare.rank.read", {"run": str(run.id), "explained": True})
    ] * 2


def test_an_explanation_shows_the_answers_a_person_recognises(ctx, ranked):
    """Issue 11 #10: not "Luas lantai per kapita (log) = 11" but the answer, in the reader's language."""
    _model, run = ranked
    household_id = some_household(ctx, run.id)
    record = registry.get_household(ctx, SYSTEM, household_id)
    per_person = record.dwelling.floor_area_m2 / record.size
    for language, locale, label, yes_no in (
        ("id", "id_ID", "Luas lantai per kapita (m²)", {"ya", "tidak"}),
        ("en", "en_GB", "Floor area per person (m²)", {"yes", "no"}),
    ):
        found = service.explain_household(ctx, SYSTEM, household_id, language=language)
        lines = {c.proxy: c for c in found.contributions}
        assert lines["floor_area_per_capita"].label == label
        assert lines["floor_area_per_capita"].value == format_decimal(
            round(per_person, 2), "#,##0.##", locale=locale
        )
        assert lines["members"].value == str(record.size)
        assert lines["head_female"].value in yes_no and lines["kelurahan"].value in yes_no
        assert lines["children_share"].value.endswith("%")
        assert not [c.label for c in found.contributions if "log" in c.label]
        floor = lines["floor"].value
        assert floor and not floor.isdigit()  # a code's label
        if "province_code" in lines:  # area effects: the province by name
            province = lines["province_code"].value
            assert province == wilayah.get_area(ctx, record.dwelling.village_code[:2]).name


def test_re_ranking_keeps_history_and_reports_movements(ctx, ranked):
    _model, first = ranked
    household_id = some_household(ctx, first.id)
    before = service.household_rank(ctx, SYSTEM, household_id)
    # An update round: the household lost its assets and now cooks with firewood on an earth floor.
    record = registry.get_household(ctx, SYSTEM, household_id)
    registry.update_household(
        ctx,
        SYSTEM,
        household_id,
        {"floor_material": 8, "cooking_fuel": 10, "wall_material": 6},
        assets=dict.fromkeys(record.assets, 0.0),
        source="round-2",
    )
    second = service.rank_registry(ctx, SYSTEM)
    assert second.previous_run_id == first.id

    history = service.rank_history(ctx, SYSTEM, household_id)
    assert [h.run.id for h in history] == [first.id, second.id]
    assert history[1].score < before.score
    # the first run still explains itself from the data it ranked
    old = service.explain_household(ctx, SYSTEM, household_id, run_id=first.id)
    assert old.score == pytest.approx(before.score, abs=1e-6) and not old.data_changed

    moved = service.movements(ctx, SYSTEM)
    assert (moved.from_run, moved.to_run) == (first.id, second.id)
    assert sum(map(sum, moved.matrix)) == HOUSEHOLDS and moved.entered == moved.left == 0
    assert moved.moved_up + moved.moved_down + moved.stayed == HOUSEHOLDS
    assert moved.moved_up + moved.moved_down >= 1


def test_ranking_reports_its_steps_and_the_households_written(ctx, ranked):
    """Issue 11 #13: `welfare rank` shows progress; the service reports it through a callback."""
    heard: list[tuple[str, int, int | None]] = []
    run = service.rank_registry(
        ctx, SYSTEM, progress=lambda text, done=0, total=None: heard.append((text.render("en"), done, total))
    )
    steps = list(dict.fromkeys(text for text, _done, _total in heard))
    assert steps == [
        "Taking a snapshot of the registry",
        "Scoring and ranking the households (duckdb)",
        "Writing the ranks",
    ]
    assert heard[-1] == ("Writing the ranks", run.households, run.households) and run.households == HOUSEHOLDS


def test_nothing_to_read_before_a_ranking(ctx):
    with pytest.raises(NotFound):
        service.get_run(ctx)
    with pytest.raises(NotFound):
        service.rank_registry(ctx, SYSTEM)  # no model yet


def test_the_demo_trains_on_a_synthetic_survey_and_ranks_the_registry(ctx, survey_dir):
    registry.load_households(ctx, SYSTEM, registry_data(SynthConfig(households=60, seed=4)), source="demo")
    demo = train_and_rank_demo(ctx, SYSTEM, survey_dir)
    assert demo.run.model_version == demo.model.version
    assert demo.run.households == 60 and demo.model.spec_name == "national"
    assert set(demo.model.metrics["candidates"]) == {"ols", "ols-area", "gbm"}


def _explained_by_the_engine(ctx, household_id: UUID, language: str):
    """The explanation as it was computed before issue 12 #9: the household through the analytics engine."""
    from inklusi.analytics.engine import Engine
    from inklusi.welfare.explanation import explain_row
    from inklusi.welfare.scoring import frame_of
    from inklusi.welfare.service.reads import load_model_of_run
    from inklusi.welfare.spec import AREA_COLUMNS, features

    rank = service.household_rank(ctx, SYSTEM, household_id)
    with ctx.transaction(readonly=True) as conn:
        _row, spec, model = load_model_of_run(conn, rank.run.id)
    record = registry.get_household(ctx, SYSTEM, household_id, as_of=rank.run.snapshot_at)
    households, persons = registry.household_tables(record)
    engine = Engine.open("duckdb")
    try:
        households, persons = engine.table(households), engine.table(persons)
        table = features(spec, households, persons, rank.run.reference_date)
        row = {name: values[0] for name, values in frame_of(engine.to_arrow(table)).items()}
        said = features(spec, households, persons, rank.run.reference_date, answers=True)
        answers = {name: values[0] for name, values in frame_of(engine.to_arrow(said)).items()}
    finally:
        engine.close()
    names = wilayah.area_names(ctx, {str(row[c]) for c in AREA_COLUMNS if c in row})
    return explain_row(spec, model, row, language, answers=answers, area_names=names)


def test_an_explanation_is_the_engines_without_an_engine(ctx, ranked, monkeypatch):
    """Issue 12 #9: one household is explained in plain Python, in one transaction with one audit entry,
    and says exactly what the analytics engine's computation said."""
    from sqlalchemy import event, func, select

    from inklusi.analytics import engine as analytics
    from inklusi.audit.tables import audit_log

    _model, run = ranked
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(household_rank.c.household_id).where(household_rank.c.run_id == run.id))
        households = sorted(UUID(str(h)) for (h,) in rows)[:: HOUSEHOLDS // 6][:6]
    begun, opened = [0], [0]
    monkeypatch.setattr(analytics.Engine, "open", lambda *a, **k: opened.__setitem__(0, opened[0] + 1))
    event.listen(ctx.engine, "begin", lambda _conn: begun.__setitem__(0, begun[0] + 1))
    for household_id in households:
        for language in ("id", "en"):
            with ctx.engine.connect() as conn:
                logged = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
            begun[0] = 0
            found = service.explain_household(ctx, SYSTEM, household_id, language=language)
            assert begun == [1] and opened == [0]
            with ctx.engine.connect() as conn:
                assert conn.execute(select(func.count()).select_from(audit_log)).scalar_one() == logged + 1
            monkeypatch.undo()
            baseline, expected = _explained_by_the_engine(ctx, household_id, language)
            monkeypatch.setattr(
                analytics.Engine, "open", lambda *a, **k: opened.__setitem__(0, opened[0] + 1)
            )
            assert found.baseline == pytest.approx(baseline, rel=1e-12)
            assert [(c.proxy, c.group, c.label, c.value) for c in found.contributions] == [
                (c.proxy, c.group, c.label, c.value) for c in expected
            ]
            assert [c.contribution for c in found.contributions] == pytest.approx(
                [c.contribution for c in expected], rel=1e-9, abs=1e-12
            )
