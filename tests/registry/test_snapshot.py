"""The registry snapshot for analytics (SQLite chunked reads, PostgreSQL COPY); one household's layout."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pyarrow.parquet as pq
import pytest

from inklusi.access.model import Principal
from inklusi.analytics.engine import Engine
from inklusi.errors import Forbidden
from inklusi.registry import service as registry
from inklusi.registry.service import export_snapshot, household_tables
from inklusi.synth import SynthConfig, registry_data
from inklusi.welfare.spec import features, load_spec
from tests.factories import user

SYSTEM = Principal.system("tests")


def test_the_snapshot_holds_every_current_household_and_member(ctx, tmp_path):
    sample = list(registry_data(SynthConfig(households=40, seed=5)))
    registry.load_households(ctx, SYSTEM, sample, source="test")
    files = export_snapshot(ctx, SYSTEM, tmp_path / "snapshot")
    households, persons = pq.read_table(files.households), pq.read_table(files.persons)
    assert files.household_count == households.num_rows == 40
    members = sum(len(f.members) for h in sample for f in h.families)
    assert files.person_count == persons.num_rows == members
    assert set(persons["household_id"].to_pylist()) == set(households["household_id"].to_pylist())
    assert {"name", "nik"}.isdisjoint(persons.column_names)  # not needed for ranking: not exported
    cars = sorted(h.assets.get("car", 0.0) for h in sample)
    assert sorted(households["asset_car"].to_pylist()) == cars
    assert households.schema.field("floor_material").type == "int16"


def test_one_household_is_laid_out_like_the_snapshot(ctx, tmp_path):
    registry.load_households(ctx, SYSTEM, registry_data(SynthConfig(households=12, seed=8)), source="test")
    files = export_snapshot(ctx, SYSTEM, tmp_path / "snapshot")
    spec = load_spec("national")
    engine = Engine.open()
    try:
        whole = features(
            spec, engine.read_parquet(files.households), engine.read_parquet(files.persons), date(2025, 6, 30)
        )
        rows = {row["household_id"]: row for row in engine.to_arrow(whole).to_pylist()}
        for household_id in list(rows)[:3]:
            record = registry.get_household(ctx, SYSTEM, UUID(household_id))
            one_households, one_persons = household_tables(record)
            assert set(one_households.column_names) == set(pq.read_schema(files.households).names)
            assert set(one_persons.column_names) == set(pq.read_schema(files.persons).names)
            alone = features(spec, engine.table(one_households), engine.table(one_persons), date(2025, 6, 30))
            assert engine.to_arrow(alone).to_pylist()[0] == rows[household_id]
    finally:
        engine.close()


def test_a_regional_user_may_not_export_the_registry(ctx, tmp_path):
    regional = user(ctx, "jabar", ("steward", "32"))
    with pytest.raises(Forbidden):
        export_snapshot(ctx, regional, tmp_path / "snapshot")
