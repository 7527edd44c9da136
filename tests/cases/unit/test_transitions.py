"""Issue 15: the case's state machine (pure). Every transition from every phase it leaves, every phase it
does not, and every guard, each refusal naming its guard."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from inklusi.cases.model import (
    TRANSITIONS,
    ActorFacts,
    ActorRefused,
    CaseState,
    GuardRefused,
    Phase,
    PlanStatus,
    TransitionName,
    TransitionRequest,
    decide,
    may_record,
    may_record_plan,
)
from inklusi.errors import Invalid

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
WORKER_ID, SUPERVISOR_ID = uuid4(), uuid4()
WORKER = ActorFacts(WORKER_ID, worker=True, supervisor=False, approve_own=False)
SUPERVISOR = ActorFacts(SUPERVISOR_ID, worker=True, supervisor=True, approve_own=False)
T = TransitionName

EXPECTED_TARGETS = {
    (T.assess, Phase.intake): Phase.assessment,
    (T.propose_plan, Phase.assessment): Phase.planning,
    (T.approve_plan, Phase.planning): Phase.intervention,
    (T.return_plan, Phase.planning): Phase.assessment,
    (T.reintegrate, Phase.intervention): Phase.reintegration,
    (T.monitor, Phase.reintegration): Phase.monitoring,
    (T.propose_termination, Phase.intervention): Phase.termination,
    (T.propose_termination, Phase.reintegration): Phase.termination,
    (T.propose_termination, Phase.monitoring): Phase.termination,
    (T.approve_termination, Phase.termination): Phase.aftercare,
    (T.reject_termination, Phase.termination): Phase.monitoring,  # proposed from monitoring below
    (T.close, Phase.aftercare): Phase.closed,
    (T.reopen, Phase.aftercare): Phase.assessment,
    (T.reopen, Phase.closed): Phase.assessment,
}


def state(phase: Phase, **facts) -> CaseState:
    values = {
        "assessed": True,
        "plan": PlanStatus.draft,
        "proposed_by": WORKER_ID,
        "proposed_from": Phase.monitoring,
        "open_referrals": 0,
    }
    return CaseState(phase, **(values | facts))


def request(name: TransitionName, reason: str | None = "because") -> TransitionRequest:
    return TransitionRequest(name, reason)


def test_the_table_is_the_contract():
    found = {(name, source) for name, rule in TRANSITIONS.items() for source in rule.sources}
    assert found == set(EXPECTED_TARGETS)
    assert set(TRANSITIONS) == set(TransitionName)


@pytest.mark.parametrize(("name", "source"), sorted(EXPECTED_TARGETS))
def test_every_transition_reaches_its_phase(name, source):
    actor = SUPERVISOR if TRANSITIONS[name].supervisor else WORKER
    assert decide(state(source), request(name), actor, NOW) is EXPECTED_TARGETS[(name, source)]


@pytest.mark.parametrize(
    ("name", "phase"),
    [(n, p) for n in TransitionName for p in Phase if (n, p) not in EXPECTED_TARGETS],
)
def test_every_transition_is_refused_from_every_other_phase(name, phase):
    with pytest.raises(GuardRefused) as refused:
        decide(state(phase), request(name), SUPERVISOR, NOW)
    assert refused.value.guard == "phase"
    assert refused.value.status == 409
    assert refused.value.issues[0].code == "guard.phase"


def test_reject_termination_goes_back_where_it_was_proposed_from():
    for origin in (Phase.intervention, Phase.reintegration, Phase.monitoring):
        back = decide(
            state(Phase.termination, proposed_from=origin), request(T.reject_termination), SUPERVISOR, NOW
        )
        assert back is origin
    with pytest.raises(GuardRefused) as refused:
        decide(state(Phase.termination, proposed_from=None), request(T.reject_termination), SUPERVISOR, NOW)
    assert refused.value.guard == "proposed_from"


def test_no_plan_is_proposed_without_an_assessment():
    with pytest.raises(GuardRefused) as refused:
        decide(state(Phase.assessment, assessed=False), request(T.propose_plan), WORKER, NOW)
    assert refused.value.guard == "assessment_required"
    assert "assessment" in str(refused.value)


@pytest.mark.parametrize("plan", [None, PlanStatus.returned, PlanStatus.approved])
def test_no_plan_is_proposed_without_a_draft(plan):
    with pytest.raises(GuardRefused) as refused:
        decide(state(Phase.assessment, plan=plan), request(T.propose_plan), WORKER, NOW)
    assert refused.value.guard == "plan_required"


@pytest.mark.parametrize("name", [T.approve_plan, T.return_plan, T.approve_termination, T.reject_termination])
def test_only_a_supervisor_decides_a_proposal(name):
    source = TRANSITIONS[name].sources[0]
    with pytest.raises(ActorRefused) as refused:
        decide(state(source), request(name), WORKER, NOW)
    assert refused.value.guard == "supervisor"
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("name", "phase"), [(T.approve_plan, Phase.planning), (T.approve_termination, Phase.termination)]
)
def test_approving_ones_own_proposal_needs_its_permission(name, phase):
    own = state(phase, proposed_by=SUPERVISOR_ID)
    with pytest.raises(ActorRefused) as refused:
        decide(own, request(name), SUPERVISOR, NOW)
    assert refused.value.guard == "approve_own"
    allowed = ActorFacts(SUPERVISOR_ID, worker=True, supervisor=True, approve_own=True)
    assert decide(own, request(name), allowed, NOW) is TRANSITIONS[name].target
    # returning or rejecting one's own proposal is no approval
    other = T.return_plan if name is T.approve_plan else T.reject_termination
    assert decide(own, request(other), SUPERVISOR, NOW) in (Phase.assessment, Phase.monitoring)


@pytest.mark.parametrize("name", [n for n, rule in TRANSITIONS.items() if not rule.supervisor])
def test_worker_transitions_need_a_worker_of_the_case(name):
    source = TRANSITIONS[name].sources[0]
    stranger = ActorFacts(uuid4(), worker=False, supervisor=True, approve_own=True)
    with pytest.raises(ActorRefused) as refused:
        decide(state(source), request(name), stranger, NOW)
    assert refused.value.guard == "worker"


@pytest.mark.parametrize("name", [n for n, rule in TRANSITIONS.items() if rule.reason_required])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_transitions_that_need_a_reason_refuse_none(name, reason):
    rule = TRANSITIONS[name]
    actor = SUPERVISOR if rule.supervisor else WORKER
    with pytest.raises(Invalid) as refused:
        decide(state(rule.sources[0]), request(name, reason), actor, NOW)
    (issue,) = refused.value.issues
    assert issue.field == "reason" and issue.code == "guard.reason_required"


def test_a_reason_has_a_length_limit():
    with pytest.raises(Invalid) as refused:
        decide(state(Phase.closed), request(T.reopen, "x" * 2001), WORKER, NOW)
    assert refused.value.issues[0].code == "too_long"


def test_no_termination_while_referrals_are_open():
    with pytest.raises(GuardRefused) as refused:
        decide(state(Phase.intervention, open_referrals=2), request(T.propose_termination), WORKER, NOW)
    assert refused.value.guard == "open_referrals"


def test_a_termination_is_never_reached_without_approval():
    """Termination is a waiting phase: aftercare only through a supervisor's approve_termination."""
    reaching_aftercare = [n for n, rule in TRANSITIONS.items() if rule.target is Phase.aftercare]
    assert reaching_aftercare == [T.approve_termination]
    assert TRANSITIONS[T.approve_termination].supervisor
    reaching_intervention = [n for n, rule in TRANSITIONS.items() if rule.target is Phase.intervention]
    assert reaching_intervention == [T.approve_plan]


def test_a_plan_is_recorded_only_after_an_assessment_and_during_assessment():
    with pytest.raises(GuardRefused) as refused:
        may_record_plan(state(Phase.assessment, assessed=False))
    assert refused.value.guard == "assessment_required" and refused.value.issues[0].field == "plan"
    may_record_plan(state(Phase.assessment))
    for phase in set(Phase) - {Phase.assessment}:
        with pytest.raises(GuardRefused) as refused:
            may_record_plan(state(phase))
        assert refused.value.guard == "phase"


def test_records_are_refused_outside_their_phases():
    may_record(state(Phase.intervention), "service", (Phase.intervention,))
    with pytest.raises(GuardRefused) as refused:
        may_record(state(Phase.closed), "service", (Phase.intervention,))
    assert refused.value.guard == "phase" and refused.value.issues[0].field == "service"
