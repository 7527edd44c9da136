"""The registry snapshot for analytics (SQLite chunked reads, PostgreSQL COPY); one household's layout."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inklusi.access.model import Principal
from inklusi.analytics.engine import Engine
from inklusi.errors import Forbidden
from inklusi.ppks.aggregates import snapshot_programmes
from inklusi.ppks.needs import needs_profile
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.registry.service import export_snapshot, household_tables
from inklusi.synth import SynthConfig, registry_data
from inklusi.welfare.spec import features, load_spec
from inklusi.wilayah.nik import Sex
from tests.factories import JAKARTA_VILLAGE, household, user

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
    # programmes: a list per person and per family, as the synthetic files have them
    assert persons.schema.field("programmes").type.equals(pa.list_(pa.string()))
    own = Counter(tuple(sorted(m.person.programmes)) for h in sample for f in h.families for m in f.members)
    assert Counter(tuple(keys) for keys in persons["programmes"].to_pylist()) == own
    families = pq.read_table(files.families)
    assert files.family_count == families.num_rows == sum(len(h.families) for h in sample)
    assert families.column_names == ["family_id", "household_id", "programmes"]
    assert set(families["family_id"].to_pylist()) == set(persons["family_id"].to_pylist())
    listed = Counter(tuple(sorted(f.programmes)) for h in sample for f in h.families)
    assert Counter(tuple(keys) for keys in families["programmes"].to_pylist()) == listed
    assert any(listed) and any(own)  # the sample has programmes to carry


def test_a_registered_persons_programmes_reach_the_needs_profile(ctx, tmp_path):
    """Person programmes (431b–e), family programmes (501a–g, for every member) and PBI JKN (431a flag 1)
    come out of the snapshot and into ``ppks.aggregates.snapshot_programmes``."""
    data = household(JAKARTA_VILLAGE, members=3)  # the family has PKH (501b)
    family = data.families[0]
    head, spouse, child = family.members
    members = (
        replace(head, person=replace(head.person, programmes=frozenset({"kur", "prakerja"}))),
        replace(spouse, person=replace(spouse.person, health_insurance=3)),  # PBI JKN + JKN Mandiri
        replace(child, person=replace(child.person, programmes=frozenset({"pip"}), health_insurance=2)),
    )
    subsidised = replace(family, programmes=frozenset({"pkh", "electricity_subsidy"}), members=members)
    ids = registry.register_household(ctx, SYSTEM, replace(data, families=(subsidised,)), source="test")
    head_id, spouse_id, child_id = (str(p) for p in ids.person_ids)
    outside = registry.register_persons_outside(
        ctx,
        SYSTEM,
        [
            OutsidePerson(
                PersonData(name="Slamet", sex=Sex.male, programmes=frozenset({"umi"})), JAKARTA_VILLAGE, 1
            )
        ],
        source="outreach",
    )
    slamet = str(outside.person_ids[0])

    files = export_snapshot(ctx, SYSTEM, tmp_path / "snapshot")
    persons = {row["person_id"]: row for row in pq.read_table(files.persons).to_pylist()}
    assert persons[head_id]["programmes"] == ["kur", "prakerja"]
    assert persons[spouse_id]["programmes"] == [] and persons[spouse_id]["health_insurance"] == 3
    assert persons[child_id]["programmes"] == ["pip"]
    assert persons[slamet]["programmes"] == ["umi"] and persons[slamet]["family_id"] is None
    (row,) = pq.read_table(files.families).to_pylist()
    assert row == {
        "family_id": persons[head_id]["family_id"],
        "household_id": persons[head_id]["household_id"],
        "programmes": ["electricity_subsidy", "pkh"],
    }

    engine = Engine.open()
    try:
        found = snapshot_programmes(
            engine.read_parquet(files.persons), engine.read_parquet(files.families), needs_profile()
        )
        pairs = {(row["person_id"], row["programme"]) for row in engine.to_arrow(found).to_pylist()}
    finally:
        engine.close()
    # PKH reaches every member of the family; the electricity subsidy meets no need and is left out;
    # 3 = PBI JKN + JKN Mandiri is PBI JKN, 2 (self-paid) is not
    assert pairs == {
        (head_id, "kur"),
        (head_id, "prakerja"),
        (head_id, "pkh"),
        (spouse_id, "pkh"),
        (spouse_id, "pbi_jkn"),
        (child_id, "pip"),
        (child_id, "pkh"),
        (slamet, "umi"),
    }


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
