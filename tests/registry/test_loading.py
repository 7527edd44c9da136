"""Registering many households at once: one transaction, checked chunk by chunk, one audit entry."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inklusi.audit import service as audit
from inklusi.errors import Forbidden, Invalid
from inklusi.registry import service
from inklusi.registry.model import Dwelling, HouseholdData
from inklusi.registry.tables import household_version, person_name_token, person_version
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user


def count(ctx, table) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_load_writes_everything_in_chunks(ctx):
    batch = [household(JAKARTA_VILLAGE if i % 2 else BANDUNG_VILLAGE) for i in range(7)]
    seen = []
    loaded = service.load_households(ctx, SYSTEM, batch, source="round-1", chunk_size=3, progress=seen.append)
    assert (loaded.households, loaded.persons) == (7, 21)
    assert seen == [3, 6, 7]
    assert count(ctx, household_version) == 7 and count(ctx, person_version) == 21
    assert count(ctx, person_name_token) == 21 * 2  # two name tokens each
    hits = service.find_persons(ctx, SYSTEM, "Siti Aminah")
    assert len(hits) == 7
    record = service.get_household(ctx, SYSTEM, hits[0].household_id)
    assert record.version.batch_id == loaded.batch_id and record.assets == {
        "refrigerator": 1,
        "motorcycle": 2,
    }
    assert record.families[0].programmes == {"pkh"}
    [entry] = [e for e in audit.recent(ctx, SYSTEM) if e.action == "household.load"]
    assert entry.object_id == str(loaded.batch_id) and '"households":7' in entry.detail


def test_one_bad_record_refuses_the_whole_load_and_names_it(ctx):
    bad = household()
    bad = HouseholdData(Dwelling(village_code="31.71.01.9999"), bad.families, bad.assets)
    batch = [household(), household(), household(), bad, household()]
    with pytest.raises(Invalid) as raised:
        service.load_households(ctx, SYSTEM, batch, source="round-1", chunk_size=2)
    assert [(i.field, i.code) for i in raised.value.issues] == [("[3].dwelling.village_code", "area.unknown")]
    assert count(ctx, household_version) == 0  # the first chunk was rolled back too
    assert count(ctx, person_name_token) == 0


def test_a_load_needs_write_permission_in_every_village(ctx):
    steward = user(ctx, "jkt", ("steward", "31"))
    with pytest.raises(Forbidden):
        service.load_households(ctx, steward, [household(), household(BANDUNG_VILLAGE)], source="x")
    assert count(ctx, household_version) == 0
