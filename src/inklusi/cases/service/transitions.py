"""Moving a case from phase to phase: the state the guards read, :func:`inklusi.cases.model.decide`, and
what a transition changes besides the phase (a plan proposed, approved or returned). Every transition is a
row (who, their organisation, when, why) and an audit entry, in one transaction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.cases.model import (
    CaseState,
    Phase,
    PlanStatus,
    TransitionName,
    TransitionRequest,
    decide,
)
from inklusi.cases.service.standing import audit_case, standing_in
from inklusi.cases.service.views import CaseRef
from inklusi.cases.store import cases as store
from inklusi.cases.store import handovers as handover_store
from inklusi.cases.store import records as record_store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.ids import new_id

_WAITING = {
    Phase.planning: TransitionName.propose_plan,
    Phase.termination: TransitionName.propose_termination,
}


def case_state_in(conn: Connection, case: RowMapping) -> CaseState:
    """What the guards read of a case, in the caller's transaction."""
    case_id, phase = case["id"], Phase(case["phase"])
    plan = record_store.latest_plan(conn, case_id)
    proposed_by = proposed_from = None
    if phase in _WAITING:  # entered only by its proposal: the last transition is it
        last = store.last_transition(conn, case_id)
        if last is not None and last["name"] == _WAITING[phase].value:
            proposed_by = last["actor_id"]
            proposed_from = Phase(last["from_phase"]) if last["from_phase"] else None
    return CaseState(
        phase=phase,
        assessed=record_store.assessed(conn, case_id),
        plan=PlanStatus(plan["status"]) if plan is not None else None,
        proposed_by=proposed_by,
        proposed_from=proposed_from,
        open_referrals=handover_store.open_referral_count(conn, case_id),
    )


def transition(
    ctx: Context,
    principal: Principal,
    case_id: UUID,
    name: TransitionName,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> CaseRef:
    """Move the case by ``name`` (``model.TRANSITIONS``); refused with the guard named (409, 403 for who may,
    422 for a missing reason). ``expected_version``: the version the actor saw (409 if it changed)."""
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True, expected_version=expected_version)
        case = standing.case
        state = case_state_in(conn, case)
        target = decide(state, TransitionRequest(name, reason), standing.actor(), now)
        reason = (reason or "").strip() or None
        _plan_effects(conn, case_id, name, principal, now, reason)
        changed = store.set_case(conn, case_id, phase=target.value, phase_since=now)
        store.insert_transition(
            conn,
            {
                "id": new_id(),
                "case_id": case_id,
                "name": name.value,
                "from_phase": state.phase.value,
                "to_phase": target.value,
                "actor_id": principal.user_id,
                "organisation_id": principal.organisation_id,
                "at": now,
                "reason": reason,
            },
        )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_TRANSITION,
            case,
            transition=name.value,
            from_phase=state.phase.value,
            to_phase=target.value,
            reason=reason,
            version=changed["version"],
        )
    return CaseRef(case_id, target, changed["version"])


def _plan_effects(
    conn: Connection,
    case_id: UUID,
    name: TransitionName,
    principal: Principal,
    now: datetime,
    reason: str | None,
) -> None:
    plan = record_store.latest_plan(conn, case_id)
    if plan is None:
        return
    if name is TransitionName.propose_plan:
        record_store.set_plan_status(
            conn, plan["id"], PlanStatus.proposed.value, proposed_by=principal.user_id, proposed_at=now
        )
    elif name is TransitionName.approve_plan and plan["status"] == PlanStatus.proposed.value:
        record_store.supersede_approved(conn, case_id)
        record_store.set_plan_status(
            conn, plan["id"], PlanStatus.approved.value, decided_by=principal.user_id, decided_at=now
        )
    elif name is TransitionName.return_plan and plan["status"] == PlanStatus.proposed.value:
        record_store.set_plan_status(
            conn,
            plan["id"],
            PlanStatus.returned.value,
            decided_by=principal.user_id,
            decided_at=now,
            decision_reason=reason,
        )
