"""Scenarios and frozen lists over the registry (SQLite and PostgreSQL): a list does not change when the
registry does, exports in three formats parse back to the same rows, and a reader sees only their area."""

from __future__ import annotations

import csv
import io
import json
from uuid import UUID

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.errors import Conflict, Forbidden, NotFound
from inklusi.programmes import service
from inklusi.registry import service as registry
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user
from tests.programmes.registries import BENEFIT, everyone, small_registry


def _frozen(ctx, planner):
    result = service.simulate_registry(ctx, planner, [everyone()], save_as="all of them")
    scenario_id = result.scenario_ids["bantuan_uji"]
    return result, service.freeze(ctx, planner, scenario_id, cycle="2025-1")


def test_a_frozen_list_does_not_change_when_the_registry_does(ctx):
    small = small_registry(ctx)
    planner = user(ctx, "perencana", ("planner", None))
    result, frozen = _frozen(ctx, planner)
    outcome = result.simulation.outcome("bantuan_uji")
    assert (outcome.beneficiaries, outcome.cost) == (4, 4 * BENEFIT)
    assert (frozen.households, frozen.people, frozen.cost) == (4, 10, 4 * BENEFIT)
    before = service.list_entries(ctx, SYSTEM, frozen.id, JAKARTA_VILLAGE)
    assert {e.head_name for e in before} == {"Budi Santoso"}
    assert sorted(e.household_id for e in before) == sorted(small.jakarta)

    registry.update_household(ctx, SYSTEM, small.jakarta[0], {"village_code": BANDUNG_VILLAGE}, source="test")
    registry.register_household(ctx, SYSTEM, household(), source="test")
    after = service.list_entries(ctx, SYSTEM, frozen.id, JAKARTA_VILLAGE)
    assert after == before
    assert service.get_list(ctx, planner, frozen.id).households == 4
    with pytest.raises(Conflict):
        service.freeze(ctx, planner, result.scenario_ids["bantuan_uji"], cycle="2025-1")
    # the next cycle's list sees the registry as it is now
    again = service.freeze(ctx, planner, result.scenario_ids["bantuan_uji"], cycle="2025-2")
    assert again.households == 5
    actions = [
        e.action for e in audit.search_log(ctx, SYSTEM, LogQuery(action="programme"), limit=200).entries
    ]
    assert {"programme.simulate", "programme.freeze", "programme.list_read", "programme.save"} <= set(actions)


def test_exports_in_three_formats_hold_the_same_rows(ctx):
    small_registry(ctx)
    planner = user(ctx, "perencana", ("planner", None))
    _result, frozen = _frozen(ctx, planner)
    files = {fmt: service.export_list(ctx, planner, frozen.id, fmt) for fmt in ("csv", "xlsx", "parquet")}
    parquet = pq.read_table(io.BytesIO(files["parquet"].content)).to_pylist()
    rows = {(r["household_id"], r["village_code"], r["head_name"], float(r["benefit"])) for r in parquet}
    text = files["csv"].content.decode("utf-8-sig")
    from_csv = {
        (r["household_id"], r["village_code"], r["head_name"], float(r["benefit"]))
        for r in csv.DictReader(io.StringIO(text))
    }
    sheet = load_workbook(io.BytesIO(files["xlsx"].content)).active
    header, *values = list(sheet.values)
    from_xlsx = {
        (r["household_id"], r["village_code"], r["head_name"], float(r["benefit"]))
        for r in (dict(zip(header, v, strict=True)) for v in values)
    }
    assert len(rows) == 4 and rows == from_csv == from_xlsx
    assert files["csv"].filename == "bantuan_uji-2025-1.csv"
    assert files["parquet"].media_type == "application/vnd.apache.parquet"
    bandung = service.export_list(ctx, planner, frozen.id, "parquet", area="32")
    assert {r["village_code"] for r in pq.read_table(io.BytesIO(bandung.content)).to_pylist()} == {
        BANDUNG_VILLAGE
    }
    exports = audit.search_log(ctx, SYSTEM, LogQuery(action="programme.list_export")).entries
    assert sorted(json.loads(e.detail)["rows"] for e in exports) == [2, 4, 4, 4]


def test_an_area_reader_sees_only_their_villages(ctx):
    small = small_registry(ctx)
    planner = user(ctx, "perencana", ("planner", None))
    _result, frozen = _frozen(ctx, planner)
    steward = user(ctx, "dinsos.dki", ("steward", "31"))
    listed = service.get_list(ctx, steward, frozen.id)
    assert [v.code for v in listed.villages] == [JAKARTA_VILLAGE]
    assert {e.household_id for e in service.list_entries(ctx, steward, frozen.id, JAKARTA_VILLAGE)} == set(
        small.jakarta
    )
    with pytest.raises(NotFound):
        service.list_entries(ctx, steward, frozen.id, BANDUNG_VILLAGE)
    exported = service.export_list(ctx, steward, frozen.id, "parquet")
    ids = {UUID(r["household_id"]) for r in pq.read_table(io.BytesIO(exported.content)).to_pylist()}
    assert ids == set(small.jakarta)
    with pytest.raises(Forbidden):
        service.simulate_registry(ctx, steward, [everyone()])
    enumerator = user(ctx, "pencacah", ("enumerator", "31"))
    with pytest.raises(Forbidden):
        service.get_list(ctx, enumerator, frozen.id)


def test_scenarios_are_listed_and_a_changed_spec_is_a_new_version(ctx):
    small_registry(ctx)
    planner = user(ctx, "perencana", ("planner", None))
    result = service.simulate_registry(
        ctx, planner, [everyone()], budgets={"bantuan_uji": 2 * BENEFIT}, save_as="two"
    )
    assert result.simulation.outcome("bantuan_uji").beneficiaries == 2
    (scenario,) = service.list_scenarios(ctx, planner, "bantuan_uji")
    assert scenario.spec_key == "bantuan_uji-1" and scenario.outcome["beneficiaries"] == 2
    assert service.get_scenario(ctx, planner, scenario.id).budget == 2 * BENEFIT
    same = service.save_programme(ctx, planner, everyone())
    assert same.version == 1
    changed = service.save_programme(ctx, planner, everyone().model_copy(update={"budget": 1.0}))
    assert changed.version == 2 and service.get_programme(ctx, planner, "bantuan_uji").version == 2
    names = {p.name for p in service.list_programmes(ctx, planner)}
    assert {"pkh", "sembako", "pbi_jkn", "bantuan_uji"} <= names
