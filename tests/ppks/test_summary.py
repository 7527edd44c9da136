"""Issue 14: the who/where/what publication is computed, protected and stored once per identification run,
and served from storage (``ppks.service.summary``, the API and the command line), on both databases."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from inklusi.access.model import Grant, Permission, Principal
from inklusi.cli import app
from inklusi.db import utcnow
from inklusi.disclosure import MARKER
from inklusi.errors import Forbidden, Invalid, NotFound
from inklusi.ids import new_id
from inklusi.ppks import service, store
from inklusi.ppks.model import Sensitivity
from inklusi.ppks.publication import SCHEMA, Thresholds
from inklusi.ppks.tables import ppks_cell
from inklusi.ppks.taxonomy import categories
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah.nik import Sex, format_nik
from tests.conftest import bearer
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, user
from tests.ppks.conftest import CASE_WORKER, principal

EXACT = Thresholds(sensitive=1, personal=1)  # nothing is small: every figure is published
DISABILITY = "persons_with_disabilities"
SENSITIVE = {c.code for c in categories() if c.sensitivity is Sensitivity.sensitive}
PLANNER_31 = principal("planner", "31", Permission.ppks_read)
WORKER_31 = principal("case_worker", "31", *CASE_WORKER)


def shown(summary: service.Summary) -> set[str]:
    """Every row of every table (current and previous)."""
    return {c.category for t in (*summary.tables, *summary.previous) for c in t.cells}


def test_a_run_stores_its_publication_and_the_next_keeps_it_as_previous(ctx, crafted):
    first = service.identify(ctx, SYSTEM, thresholds=EXACT)
    with ctx.transaction(readonly=True) as conn:
        stored = conn.execute(select(func.count()).where(ppks_cell.c.run_id == first.id)).scalar_one()
    assert stored == first.cells > 0
    nation = service.summary(ctx, SYSTEM)
    assert (nation.run_id, nation.area_code, nation.level, nation.child_level) == (
        first.id,
        "ID",
        "national",
        "province",
    )
    assert nation.previous_run_id is None and nation.previous == () and nation.thresholds == EXACT
    assert {t.slice for t in nation.tables} == {"sex", "age_group", "decile", "child_area"}
    provinces = nation.table("child_area", "flagged")
    assert provinces.get("poor", "31").value == 3  # the Jakarta household in an inadequate shelter
    assert provinces.get(DISABILITY, "31").value == provinces.get(DISABILITY, "32").value == 1
    assert provinces.get("all", "31").value == 6  # 3 poor, 1 disability, the rough sleeper twice
    assert provinces.get("poor", "32") == service.Cell("poor", "32", 0, False)  # not stored: a published 0
    sexes = nation.table("sex", "flagged")
    assert (sexes.get("poor", "male").value, sexes.get("poor", "female").value) == (1, 2)
    ages = nation.table("age_group", "flagged")
    asked = (("poor", "6-17"), ("poor", "18-59"), ("all", "60+"))
    assert [ages.get(category, key).value for category, key in asked] == [1, 2, 2]
    assert nation.table("decile", "flagged").get("poor", "unknown").value == 3  # no welfare run yet
    assert nation.table("child_area", "outside_households").get("homeless", "31").value == 1
    assert nation.categories == tuple(c.code for c in categories())  # the system sees every category

    head = next(
        f
        for f in service.candidates_in(ctx, SYSTEM, "31", category=DISABILITY).flags
        if f.person_id == crafted.jakarta_head
    )
    service.verify(ctx, principal("case_worker", None, *CASE_WORKER), head.id, note="visit")
    assert service.summary(ctx, SYSTEM).run_id == first.id  # a decision does not recompute
    second = service.identify(ctx, SYSTEM, thresholds=EXACT)
    later = service.summary(ctx, SYSTEM, "31")
    assert (later.run_id, later.previous_run_id) == (second.id, first.id)
    assert later.table("child_area", "verified").get(DISABILITY, "31.71").value == 1
    assert later.previous_table("child_area", "verified").get(DISABILITY, "31.71").value == 0
    assert later.change("child_area", "verified", DISABILITY, "31.71") == 1
    assert later.change("child_area", "flagged", "poor", "31.71") == 0


def test_suppressed_cells_come_back_empty_and_marked(ctx, crafted):
    run = service.identify(ctx, SYSTEM)  # the default thresholds: 10 sensitive, 5 personal
    nation = service.summary(ctx, SYSTEM)
    assert nation.thresholds == Thresholds(10, 5)
    cell = nation.table("child_area", "flagged").get("poor", "31")
    assert cell == service.Cell("poor", "31", None, True)  # 3 people: below 5
    assert not hasattr(cell, "reason")
    assert all(c.value is None for t in nation.tables for c in t.cells if c.suppressed)
    # a change next to a suppressed figure is never given
    second = service.identify(ctx, SYSTEM)
    again = service.summary(ctx, SYSTEM)
    assert again.previous_run_id == run.id and again.run_id == second.id
    assert again.change("child_area", "flagged", "poor", "31") is None


def test_the_level_slice_lists_every_area_of_a_deeper_level(ctx, crafted):
    born, district = date(1950, 1, 2), BANDUNG_VILLAGE[:8]
    nik = format_nik(district, born, Sex.male, 9102)
    karta = PersonData(name="Karta", sex=Sex.male, nik=nik, birth_date=born)
    # registered by outreach in a district, no village known
    registry.register_persons_outside(ctx, SYSTEM, [OutsidePerson(karta, district, 1)], source="outreach")
    service.identify(ctx, SYSTEM, thresholds=EXACT)
    provinces = service.summary(ctx, SYSTEM, level="province").table("level", "flagged")
    assert provinces.keys == ("31", "32", "all")  # the nation's own child areas
    regencies = service.summary(ctx, SYSTEM, level="regency", measures=["flagged"])
    assert regencies.list_level == "regency" and regencies.measures == ("flagged",)
    listed = regencies.table("level", "flagged")
    assert listed.keys == (JAKARTA_VILLAGE[:5], BANDUNG_VILLAGE[:5], "all")
    assert listed.get("poor", JAKARTA_VILLAGE[:5]).value == 3
    assert listed.get("homeless", BANDUNG_VILLAGE[:5]).value == 1
    assert listed.get("all", "all").value == 9  # Jakarta 6, Bandung 1, Karta twice
    districts = service.summary(ctx, SYSTEM, "32", level="district").table("level", "flagged")
    assert districts.keys == (BANDUNG_VILLAGE[:8], "all")
    assert districts.get("homeless", BANDUNG_VILLAGE[:8]).value == 1
    villages = service.summary(ctx, SYSTEM, "32.73", level="village").table("level", "flagged")
    assert villages.keys == (BANDUNG_VILLAGE, "all")
    assert villages.get(DISABILITY, BANDUNG_VILLAGE).value == 1
    assert villages.get("homeless", "all").value == 1  # in the regency, in no village
    district = service.summary(ctx, SYSTEM, BANDUNG_VILLAGE[:8]).table("child_area", "flagged")
    assert district.get("homeless", "unknown").value == 1  # the district's own, outside its villages
    village = service.summary(ctx, SYSTEM, JAKARTA_VILLAGE)
    assert (village.level, village.child_level, village.tables) == ("village", None, ())
    for area, level in ((None, "district"), ("32", "village")):  # too many areas: ask nearer
        with pytest.raises(Invalid, match="too large"):
            service.summary(ctx, SYSTEM, area, level=level)
    with pytest.raises(Invalid):
        service.summary(ctx, SYSTEM, "32.73", level="province")  # not below the area


def test_scope_and_sensitive_categories(ctx, crafted):
    service.identify(ctx, SYSTEM, thresholds=EXACT)
    planner = service.summary(ctx, PLANNER_31, "31", level="district")
    assert not shown(planner) & SENSITIVE and "all" not in shown(planner)  # totals would reveal them
    assert "poor" in shown(planner) and not planner.sensitive
    assert not set(planner.categories) & SENSITIVE
    worker = service.summary(ctx, WORKER_31, "31.71")
    assert {DISABILITY, "all"} <= shown(worker) and worker.sensitive
    for area in ("32", None, "32.73.01.1001"):
        with pytest.raises(Forbidden):
            service.summary(ctx, PLANNER_31, area)
    # the sensitive permission must cover the area asked for, not only a part of it
    national = Grant("planner", frozenset({Permission.ppks_read}), None)
    mixed = Principal(None, "mixed", "mixed", None, (national, *WORKER_31.grants))
    assert DISABILITY not in shown(service.summary(ctx, mixed))
    assert DISABILITY in shown(service.summary(ctx, mixed, "31"))
    with pytest.raises(Forbidden):
        service.summary(ctx, principal("steward", "31", Permission.ppks_persons), "31")


def test_bad_input_gets_a_clear_error(ctx, crafted):
    with pytest.raises(NotFound, match="inklusi ppks identify"):
        service.summary(ctx, SYSTEM)
    service.identify(ctx, SYSTEM)
    for area in ("99", "3x", "31.71.01.9999", ""):
        with pytest.raises(Invalid):
            service.summary(ctx, SYSTEM, area)
    with pytest.raises(Invalid):
        service.summary(ctx, SYSTEM, level="city")
    with pytest.raises(Invalid):
        service.summary(ctx, SYSTEM, measures=["people"])
    assert service.summary(ctx, SYSTEM, "id").area_code == "ID"


def test_the_store_round_trips_a_publication(ctx):
    """Written with COPY (PostgreSQL) or executemany (SQLite), read back with suppressed values null."""
    cells = pa.table(
        {
            "level": ["national", "national", "province"],
            "area_code": ["ID", "ID", "31"],
            "slice": ["child_area", "child_area", "sex"],
            "category": ["poor", "all", "poor"],
            "key": ["31", "31", "female"],
            "measure": ["flagged", "flagged", "unserved"],
            "value": [None, 12, 7],
            "suppressed": [True, False, False],
            "reason": ["primary", "published", "published"],
        },
        schema=SCHEMA,
    )
    run_id = new_id()
    with ctx.transaction() as conn:
        store.insert_run(
            conn,
            {
                "id": run_id,
                "rules": "national",
                "rules_version": "national-1",
                "reference_date": date.today(),
                "registry_at": utcnow(),
                "welfare_run_id": None,
                "skipped_rules": "[]",
                "started_at": utcnow(),
                "actor_id": None,
                **dict.fromkeys(("candidates", "new_flags", "changed", "retired"), 0),
            },
        )
        store.insert_publication(
            conn,
            {"run_id": run_id, "computed_at": utcnow(), "threshold_sensitive": 10, "threshold_personal": 5,
             "measures": '["flagged", "unserved"]', "breakdowns": '["national", "province"]', "cells": 3},
        )  # fmt: skip
        store.insert_cells(conn, {"run_id": [run_id] * cells.num_rows, **cells.to_pydict()})
    with ctx.transaction(readonly=True) as conn:
        nation = store.cells(conn, run_id, ["ID"], hidden=())
        province = store.cells(conn, run_id, ["31"], hidden=("all",), measures=["unserved"])
        assert not store.cells(conn, run_id, ["ID"], hidden=("poor", "all"))
        assert store.child_codes(conn, run_id, ["ID"], "flagged") == ["31"]
    assert sorted(tuple(r) for r in nation) == [
        ("flagged", "child_area", "all", "31", 12, False),
        ("flagged", "child_area", "poor", "31", None, True),
    ]
    assert [tuple(r) for r in province] == [("unserved", "sex", "poor", "female", 7, False)]
    summary = service.summary(ctx, SYSTEM, "31")
    assert summary.measures == ("flagged", "unserved")
    assert summary.table("sex", "unserved").get("poor", "female").value == 7


def test_api_and_command_line(client, ctx, settings, crafted):
    user(ctx, "planner-31", ("planner", "31"))
    headers = bearer(client, "planner-31")
    url = "/api/v1/ppks/summary"
    assert client.get(url, params={"area": "31"}, headers=headers).status_code == 404  # nothing stored yet
    service.identify(ctx, SYSTEM)
    asked = {"area": "31", "level": "district", "measure": "flagged"}
    answer = client.get(url, params=asked, headers=headers)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["area_code"] == "31" and document["list_level"] == "district"
    assert {t["slice"] for t in document["tables"]} == {"sex", "age_group", "decile", "child_area", "level"}
    cells = [c for t in document["tables"] for c in t["cells"]]
    assert cells and all(c["value"] is None for c in cells if c["suppressed"])
    assert not {c["category"] for c in cells} & (SENSITIVE | {"all"})
    assert all("reason" not in c for c in cells)
    for params, status in (
        ({"area": "32"}, 403),
        ({}, 403),
        ({"area": "abc"}, 422),
        ({"area": "31", "level": "city"}, 422),
        ({"area": "31", "measure": "people"}, 422),
    ):
        refused = client.get(url, params=params, headers=headers)
        assert refused.status_code == status, (params, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"

    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en", "COLUMNS": "200"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    text = CliRunner().invoke(app, ["ppks", "summary", "--area", "31"], env=env)
    assert text.exit_code == 0, text.output
    assert "fewer than 10 people in a sensitive category, 5 in another" in text.output
    assert f" {MARKER} " in text.output and "flagged × child_area" in text.output
    listed = CliRunner().invoke(app, ["ppks", "summary", "--level", "province", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert {t["slice"] for t in json.loads(listed.output)["tables"]} >= {"level", "child_area"}
    wrong = CliRunner().invoke(app, ["ppks", "summary", "--area", "99"], env=env)
    assert wrong.exit_code == 1 and "99" in wrong.output


def test_services_recorded_in_cases_meet_needs_in_the_stored_picture(ctx, crafted):
    """A service of every type the category needs, recorded for the Bandung head (case management's
    ``delivered_services``), leaves them without an unmet need; one type alone leaves a need unmet."""
    before = service.identify(ctx, SYSTEM, thresholds=EXACT)
    assert before.cells > 0

    def figures() -> tuple[int | None, int | None]:
        provinces = service.summary(ctx, SYSTEM)
        unmet, unserved = (
            provinces.table("child_area", m).get(DISABILITY, "32") for m in ("unmet_need", "unserved")
        )
        return (unmet.value if unmet else 0), (unserved.value if unserved else 0)

    assert figures()[0] == 1
    head = str(crafted.bandung_head)
    one = pa.table({"person_id": [head], "service_type": ["physical_therapy"]})
    service.identify(ctx, SYSTEM, thresholds=EXACT, services=one)
    assert figures() == (1, 0)  # served, a need still unmet
    needed = ["physical_therapy", "accessibility_support", "vocational_training", "social_assistance"]
    every = pa.table({"person_id": [head] * len(needed), "service_type": needed})
    service.identify(ctx, SYSTEM, thresholds=EXACT, services=every)
    assert figures() == (0, 0)
