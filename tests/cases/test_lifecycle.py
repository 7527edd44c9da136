"""Issue 15: a case from intake to closing and reopening on both databases: opening (a registry person, or
intake of a person not yet known), records, every guard through the service, the transitions recorded with
who, when and why, optimistic concurrency, and the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from inklusi.access.model import Grant, Permission, Principal
from inklusi.audit import service as audit
from inklusi.cases import service
from inklusi.cases.model import Phase, PlanStatus, TransitionName, View
from inklusi.cases.records import (
    Assessment,
    Outcome,
    OutcomeKind,
    Plan,
    PlanItem,
    RiskLevel,
    ServiceRecord,
    prefilled_needs,
)
from inklusi.cases.tables import case_file
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.ppks.model import ServiceType
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah.nik import Sex
from tests.cases.conftest import BANDUNG, opened
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE

T = TransitionName


def assessment(categories=("poor",), risk=RiskLevel.medium) -> Assessment:
    return Assessment(prefilled_needs(categories), risk, tuple(categories), summary="lives alone")


def plan(world) -> Plan:
    today = date.today()
    item = PlanItem(ServiceType.vocational_training, world.orgs["yayasan"], today, today + timedelta(days=90))
    return Plan(("Earn a living from furniture",), (item,))


def actions(ctx, case_id) -> list[tuple[str, dict]]:
    import json

    entries = audit.recent(ctx, Principal.system(), limit=500, object_type="case", object_id=str(case_id))
    return [(e.action, json.loads(e.detail)) for e in reversed(entries)]


def test_a_case_goes_from_intake_to_closed_and_is_reopened(world):
    ctx, worker, supervisor = world.ctx, world["worker"], world["supervisor"]
    case_id = opened(world)
    case = service.case_view(ctx, worker, case_id)
    assert case.phase is Phase.intake and case.view is View.full and case.version == 1
    assert case.person.name == "Budi Santoso" and case.person.area_code == BANDUNG_VILLAGE
    assert case.owner_organisation.id == world.orgs["dinsos"] and case.assigned.id == worker.user_id
    service.transition(ctx, worker, case_id, T.assess)
    service.record_assessment(ctx, worker, case_id, assessment())
    service.record_plan(ctx, worker, case_id, plan(world))
    service.transition(ctx, worker, case_id, T.propose_plan)
    service.transition(ctx, supervisor, case_id, T.approve_plan)
    service.transition(ctx, worker, case_id, T.reintegrate)
    service.transition(ctx, worker, case_id, T.monitor)
    service.transition(ctx, worker, case_id, T.propose_termination, reason="goals met")
    service.transition(ctx, supervisor, case_id, T.approve_termination)
    ref = service.transition(ctx, worker, case_id, T.close)
    assert ref.phase is Phase.closed
    reopened = service.transition(ctx, worker, case_id, T.reopen, reason="lost the job")
    assert reopened.phase is Phase.assessment and reopened.version > ref.version
    case = service.case_view(ctx, worker, case_id)
    steps = [(t.name, t.from_phase, t.to_phase) for t in case.transitions]
    assert steps[0] == ("open", None, Phase.intake)
    assert [s[0] for s in steps[1:]] == [
        "assess",
        "propose_plan",
        "approve_plan",
        "reintegrate",
        "monitor",
        "propose_termination",
        "approve_termination",
        "close",
        "reopen",
    ]
    termination = case.transitions[6]
    assert termination.reason == "goals met" and termination.actor.name == "Worker"
    assert termination.organisation.id == world.orgs["dinsos"]
    assert case.transitions[7].actor.id == supervisor.user_id
    (approved,) = case.plans
    assert approved.status is PlanStatus.approved and approved.decided_by.id == supervisor.user_id
    assert approved.proposed_by.id == worker.user_id and approved.items[0].responsible_organisation.name
    assert case.assessments[0].risk_level is RiskLevel.medium and case.categories == ("poor",)
    logged = actions(ctx, case_id)
    assert logged[0][0] == "case.open" and logged[0][1]["categories"] == ["poor"]
    moved = [d for a, d in logged if a == "case.transition"]
    assert [d["transition"] for d in moved][-1] == "reopen" and moved[-1]["reason"] == "lost the job"
    reads = [d for a, d in logged if a == "case.read"]
    assert reads and all(d["view"] == "full" for d in reads)


def test_guards_name_themselves_through_the_service(world):
    ctx, worker, supervisor = world.ctx, world["worker"], world["supervisor"]
    case_id = opened(world)
    with pytest.raises(Conflict) as refused:
        service.transition(ctx, worker, case_id, T.propose_plan)
    assert refused.value.issues[0].code == "guard.phase"
    service.transition(ctx, worker, case_id, T.assess)
    with pytest.raises(Conflict) as refused:
        service.record_plan(ctx, worker, case_id, plan(world))
    assert refused.value.issues[0].code == "guard.assessment_required"
    with pytest.raises(Conflict) as refused:
        service.transition(ctx, worker, case_id, T.propose_plan)
    assert refused.value.issues[0].code == "guard.assessment_required"
    service.record_assessment(ctx, worker, case_id, assessment())
    with pytest.raises(Conflict) as refused:
        service.transition(ctx, worker, case_id, T.propose_plan)
    assert refused.value.issues[0].code == "guard.plan_required"
    service.record_plan(ctx, worker, case_id, plan(world))
    service.transition(ctx, worker, case_id, T.propose_plan)
    with pytest.raises(Forbidden) as refused:  # a worker does not approve
        service.transition(ctx, worker, case_id, T.approve_plan)
    assert refused.value.issues[0].code == "guard.supervisor"
    with pytest.raises(Invalid) as refused:
        service.transition(ctx, supervisor, case_id, T.return_plan)
    assert refused.value.issues[0].field == "reason"
    service.transition(ctx, supervisor, case_id, T.return_plan, reason="add family support")
    case = service.case_view(ctx, worker, case_id)
    assert case.phase is Phase.assessment and case.plans[0].status is PlanStatus.returned
    assert case.plans[0].decision_reason == "add family support"


def test_approving_ones_own_plan_needs_its_permission(world):
    ctx, supervisor, admin = world.ctx, world["supervisor"], world["admin2"]
    case_id = opened(world, by="supervisor")
    service.transition(ctx, supervisor, case_id, T.assess)
    service.record_assessment(ctx, supervisor, case_id, assessment())
    service.record_plan(ctx, supervisor, case_id, plan(world))
    service.transition(ctx, supervisor, case_id, T.propose_plan)
    with pytest.raises(Forbidden) as refused:
        service.transition(ctx, supervisor, case_id, T.approve_plan)
    assert refused.value.issues[0].code == "guard.approve_own"
    assert service.transition(ctx, world["centre"], case_id, T.approve_plan).phase is Phase.intervention
    own = opened(world, by="admin2")  # holds cases:approve_own
    service.transition(ctx, admin, own, T.assess)
    service.record_assessment(ctx, admin, own, assessment())
    service.record_plan(ctx, admin, own, plan(world))
    service.transition(ctx, admin, own, T.propose_plan)
    assert service.transition(ctx, admin, own, T.approve_plan).phase is Phase.intervention


def test_a_stale_version_is_a_conflict_and_nothing_changes(world):
    ctx, worker = world.ctx, world["worker"]
    case_id = opened(world)
    service.schedule_follow_up(ctx, worker, case_id, date.today() + timedelta(days=3), expected_version=1)
    with pytest.raises(Conflict) as refused:
        service.transition(ctx, worker, case_id, T.assess, expected_version=1)
    assert refused.value.issues[0].code == "version.stale"
    assert service.case_view(ctx, worker, case_id).phase is Phase.intake


def test_intake_registers_a_person_outside_any_household_with_the_case(world):
    ctx = world.ctx
    newcomer = OutsidePerson(PersonData(name="Joko Susilo", sex=Sex.male), BANDUNG_VILLAGE, 1)
    in_jakarta = OutsidePerson(PersonData(name="Joko Susilo", sex=Sex.male), JAKARTA_VILLAGE, 1)
    # registering needs registry:register (case workers) or registry:write over the area
    with pytest.raises(Forbidden):
        service.open_case(ctx, world["worker"], intake=in_jakarta, categories=["homeless"])
    with pytest.raises(Forbidden):  # neither a case permission nor registry:register
        service.open_case(ctx, world["planner"], intake=newcomer, categories=["homeless"])
    with ctx.transaction() as conn:
        assert conn.execute(select(case_file.c.id)).all() == []
    registered = [
        e for e in audit.recent(ctx, Principal.system(), limit=50) if e.action == "person.register_outside"
    ]
    assert registered == []  # nothing was half-written
    ref = service.open_case(ctx, world["worker"], intake=newcomer, categories=["homeless"])
    case = service.case_view(ctx, world["worker"], ref.id)
    assert case.person.name == "Joko Susilo" and case.area_code == BANDUNG_VILLAGE
    entries = audit.recent(ctx, Principal.system(), limit=20)
    assert {"person.register_outside", "case.open"} <= {e.action for e in entries}


def test_open_case_refuses_bad_input_and_persons_out_of_reach(world):
    ctx, worker = world.ctx, world["worker"]
    with pytest.raises(Invalid) as refused:
        service.open_case(ctx, worker)
    assert refused.value.issues[0].field == "person_id"
    with pytest.raises(Invalid) as refused:
        service.open_case(ctx, worker, person_id=world.persons["adult"], categories=["nonsense"])
    assert refused.value.issues[0].field == "categories[0]"
    with pytest.raises(NotFound):  # outside the worker's registry scope
        service.open_case(ctx, worker, person_id=world.persons["jakarta"])
    with pytest.raises(Forbidden):  # no cases:write
        service.open_case(ctx, world["planner"], person_id=world.persons["adult"])


def test_hidden_sensitive_categories_survive_an_assessment_by_someone_who_cannot_see_them(world):
    ctx = world.ctx
    case_id = opened(world, categories=("poor", "people_living_with_hiv"))
    worker = world["worker"]
    blind = Principal(
        worker.user_id,
        worker.username,
        worker.display_name,
        worker.organisation_id,
        (
            Grant(
                "custom",
                frozenset({Permission.cases_read, Permission.cases_write, Permission.registry_read}),
                BANDUNG,
            ),
        ),
    )
    seen = service.case_view(ctx, blind, case_id)
    assert seen.categories == ("poor",) and seen.sensitive is None
    service.transition(ctx, blind, case_id, T.assess)
    draft = service.assessment_draft(ctx, blind, case_id)
    assert draft.categories == ("poor",)
    with pytest.raises(Invalid):  # a sensitive category from someone who may not see it: unknown
        service.record_assessment(ctx, blind, case_id, assessment(("people_living_with_hiv",)))
    service.record_assessment(ctx, blind, case_id, assessment(("poor", "homeless")))
    full = service.case_view(ctx, worker, case_id)
    assert set(full.categories) == {"poor", "homeless", "people_living_with_hiv"} and full.sensitive


def test_workers_record_services_outcomes_and_notes_in_the_right_phases(world):
    ctx, worker = world.ctx, world["worker"]
    case_id = opened(world)
    service_record = ServiceRecord(ServiceType.social_assistance, date.today(), world.orgs["dinsos"])
    with pytest.raises(Conflict) as refused:  # not during intake
        service.record_service(ctx, worker, case_id, service_record)
    assert refused.value.issues[0].code == "guard.phase"
    service.add_note(ctx, worker, case_id, "met at the market")
    with pytest.raises(Invalid):
        service.add_note(ctx, worker, case_id, "   ")
    with pytest.raises(Forbidden):
        service.add_note(ctx, world["centre"], case_id, "a supervisor does not write here")
    case = service.case_view(ctx, worker, case_id)
    assert [n.text for n in case.notes] == ["met at the market"]
    with pytest.raises(Invalid) as refused:
        service.record_outcome(ctx, worker, case_id, Outcome(OutcomeKind.income, date.today()))
    assert refused.value.issues[0].field == "income_after"


def test_assignment_stays_inside_the_owner_organisation(world):
    ctx, worker = world.ctx, world["worker"]
    case_id = opened(world)
    assert {w.name for w in service.assignable_workers(ctx, worker, case_id)} >= {"Worker", "Colleague"}
    service.assign(ctx, worker, case_id, world["colleague"].user_id)
    assert service.case_view(ctx, worker, case_id).assigned.id == world["colleague"].user_id
    for outsider in ("foundation", "steward"):  # another organisation; no cases:write
        with pytest.raises(Invalid) as refused:
            service.assign(ctx, worker, case_id, world[outsider].user_id)
        assert refused.value.issues[0].field == "user_id"
    service.assign(ctx, world["centre"], case_id, None)  # a supervisor reassigns
    assert service.case_view(ctx, worker, case_id).assigned is None
