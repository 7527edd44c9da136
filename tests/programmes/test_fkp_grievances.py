"""Village deliberation (FKP) and grievances (SQLite and PostgreSQL): decisions become change requests and
grievances in one transaction; a grievance shows the household's explanation and its decision is audited."""

from __future__ import annotations

import json
from datetime import date

import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.errors import Forbidden, Invalid, NotFound
from inklusi.programmes import service
from inklusi.programmes.service import DecisionInput
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, registry_data
from inklusi.welfare import service as welfare
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user
from tests.programmes.registries import everyone, small_registry
from tests.welfare.conftest import quick_spec_file, survey_dir  # noqa: F401  (fixtures)

EARTH_FLOOR = 8


def _list(ctx):
    small = small_registry(ctx)
    planner = user(ctx, "perencana", ("planner", None))
    result = service.simulate_registry(ctx, planner, [everyone()], save_as="s")
    return small, service.freeze(ctx, planner, result.scenario_ids["bantuan_uji"], cycle="2025-1")


def test_fkp_decisions_become_change_requests_and_grievances(ctx):
    small, frozen = _list(ctx)
    outsider = registry.register_household(
        ctx, SYSTEM, household(JAKARTA_VILLAGE), source="test"
    ).household_id
    steward = user(ctx, "dinsos.dki", ("steward", "31"))
    meeting = service.record_meeting(
        ctx, steward, frozen.id, JAKARTA_VILLAGE, held_on=date(2025, 1, 15), place="Balai desa",
        attendance=[("Pak Lurah", "kepala desa"), ("Bu RT", "ketua RT")], minutes="Dibahas dua rumah tangga.",
        decisions=[
            DecisionInput(small.jakarta[0], "confirm", "layak"),
            DecisionInput(small.jakarta[1], "remove", "lantai keramik", {"floor_material": EARTH_FLOOR}),
            DecisionInput(outsider, "add", "tidak mampu"),
        ],
    )  # fmt: skip
    by_household = {d.household_id: d for d in meeting.decisions}
    request_id = by_household[small.jakarta[1]].change_request_id
    assert request_id is not None and by_household[small.jakarta[0]].change_request_id is None
    request = registry.get_change_request(ctx, SYSTEM, request_id)
    assert request.changes == {"floor_material": EARTH_FLOOR} and "FKP" in request.reason
    grievance_id = by_household[outsider].grievance_id
    (queued,) = service.grievance_queue(ctx, steward)
    assert (queued.id, queued.kind, queued.meeting_id) == (grievance_id, "exclusion", meeting.id)
    assert service.get_meeting(ctx, steward, meeting.id).attendees == 2
    assert [m.id for m in service.list_meetings(ctx, steward, frozen.id)] == [meeting.id]
    (entry,) = audit.search_log(ctx, SYSTEM, LogQuery(action="fkp.meeting")).entries
    detail = json.loads(entry.detail)
    assert detail["change_requests"] == [str(request_id)] and detail["grievances"] == [str(grievance_id)]


def test_a_wrong_decision_records_nothing_and_names_the_field(ctx):
    small, frozen = _list(ctx)
    steward = user(ctx, "dinsos.dki", ("steward", "31"))
    with pytest.raises(Invalid) as raised:
        service.record_meeting(
            ctx, steward, frozen.id, JAKARTA_VILLAGE, held_on=date(2025, 1, 15), place="Balai desa",
            attendance=[("Pak Lurah", "kepala desa")], minutes="m",
            decisions=[
                DecisionInput(small.jakarta[0], "remove", "x", {"floor_material": 99}),
                DecisionInput(small.bandung[0], "confirm", "not in this village"),
            ],
        )  # fmt: skip
    fields = {issue.field for issue in raised.value.issues}
    assert "decisions[1].household_id" in fields
    assert service.list_meetings(ctx, steward, frozen.id) == []
    with pytest.raises(NotFound):  # a Jakarta steward cannot hold a Bandung meeting
        service.record_meeting(
            ctx, steward, frozen.id, BANDUNG_VILLAGE, held_on=date(2025, 1, 15), place="p",
            attendance=[("a", "b")], minutes="m", decisions=[],
        )  # fmt: skip
    planner = user(ctx, "perencana2", ("planner", None))
    with pytest.raises(Forbidden):
        service.record_meeting(
            ctx, planner, frozen.id, JAKARTA_VILLAGE, held_on=date(2025, 1, 15), place="p",
            attendance=[("a", "b")], minutes="m", decisions=[],
        )  # fmt: skip


def test_a_grievance_shows_the_explanation_and_its_decision_is_audited(ctx, survey_dir, quick_spec_file):  # noqa: F811
    registry.load_households(ctx, SYSTEM, registry_data(SynthConfig(households=60, seed=3)), source="test")
    welfare.train_model(
        ctx, SYSTEM, survey_dir / "survey_households.parquet", survey_dir / "persons.parquet",
        spec=str(quick_spec_file),
    )  # fmt: skip
    run = welfare.rank_registry(ctx, SYSTEM)
    household_id, village = _some_ranked(ctx, run.id)
    province = village[:2]
    enumerator = user(ctx, "pencacah", ("enumerator", province))
    steward = user(ctx, "pengelola", ("steward", province))
    submitted = service.submit_grievance(
        ctx, enumerator, household_id, kind="ranking", statement="Rumah ini miskin", evidence="foto"
    )
    assert service.grievance_queue(ctx, enumerator)[0].id == submitted.id  # their own
    view = service.get_grievance(ctx, steward, submitted.id, language="en")
    assert view.explanation is not None and view.explanation.rank.household_id == household_id
    assert view.explanation.contributions
    with pytest.raises(Forbidden):
        service.decide_grievance(ctx, enumerator, submitted.id, uphold=True, note="n", reassess=False)
    decided = service.decide_grievance(
        ctx, steward, submitted.id, uphold=True, note="dicek ulang", reassess=True
    )
    assert (decided.status, decided.reassessment) == ("upheld", True)
    assert [g.id for g in service.reassessment_queue(ctx, steward)] == [submitted.id]
    (entry,) = audit.search_log(ctx, SYSTEM, LogQuery(action="grievance.decide")).entries
    assert entry.object_id == str(submitted.id)
    assert json.loads(entry.detail) == {
        "household": str(household_id), "decision": "upheld", "reassessment": True,
    }  # fmt: skip
    outside = user(ctx, "luar", ("steward", "11"))
    with pytest.raises(NotFound):
        service.get_grievance(ctx, outside, submitted.id)


def _some_ranked(ctx, run_id):
    from sqlalchemy import text

    sql = "SELECT household_id, village_code FROM household_rank WHERE run_id = :run ORDER BY household_id"
    with ctx.engine.connect() as conn:
        value = run_id.hex if ctx.engine.dialect.name == "sqlite" else run_id
        household_id, village = conn.execute(text(sql), {"run": value}).first()
    from uuid import UUID

    return UUID(str(household_id)), village
