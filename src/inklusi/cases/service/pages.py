"""What the case pages need besides the case itself: one read that gives the case as the viewer's relation
allows (audited like :func:`~inklusi.cases.service.cases.case_view`) together with what the viewer may do
on it now — the transitions open to them (and those their role may take that a guard holds back, with the
guard's words), which records they may add, whether they may assign it (and to whom), see who viewed it,
or override a missing consent — so that a page offers only the steps that can succeed."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit.model import Purpose
from inklusi.cases.model import (
    ASSESSABLE,
    SERVING,
    TRANSITIONS,
    ActorRefused,
    CaseState,
    GuardRefused,
    Phase,
    Relation,
    TransitionName,
    TransitionRequest,
    decide,
    may_assign,
    may_read_access_log,
)
from inklusi.cases.service.cases import require_case_permission
from inklusi.cases.service.reading import read_case
from inklusi.cases.service.referrals import NOT_REFERRING
from inklusi.cases.service.standing import Standing, audit_case, standing_in
from inklusi.cases.service.transitions import case_state_in
from inklusi.cases.service.views import CaseView, Named
from inklusi.cases.store import handovers as handover_store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.i18n import Text

# What a worker of the case may record, each offered only in the phases that accept it.
FULL_BESIDES_GLASS = frozenset({Relation.owner, Relation.assigned, Relation.supervisor})
RECORDS = ("assessment", "plan", "service", "outcome", "note", "consent", "referral", "transfer", "follow_up")


@dataclass(frozen=True)
class TransitionOption:
    """A transition the viewer's role takes in the case's phase: open now (``held`` None), or held back by
    a guard of the case's state (``held``: the guard's words, e.g. no plan drafted yet)."""

    name: TransitionName
    reason_required: bool
    supervisor: bool
    held: Text | None = None


@dataclass(frozen=True)
class CaseScreen:
    """A case page: the case as the viewer may see it, and what they may do on it now."""

    case: CaseView
    worker: bool  # records, proposes, refers, transfers, consents (cases:write; owner or assigned)
    receiving: bool  # the organisation receives a referral or transfer and the viewer holds cases:write
    transitions: tuple[TransitionOption, ...]
    records: frozenset[str]  # of RECORDS
    may_assign: bool
    workers: tuple[Named, ...]  # whom the case may be assigned to (when may_assign)
    access_log: bool
    consent_override: bool  # cases:consent_override over the case's area
    break_glass: bool  # reading through a break-the-glass grant only


def case_screen(
    ctx: Context, principal: Principal, case_id: UUID, *, purpose: Purpose = Purpose.case_management
) -> CaseScreen:
    """The case page's content in one transaction: the read is audited (``case.read``, the view given) as
    :func:`case_view` audits it. No relation: not found."""
    require_case_permission(principal)
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now)
        view = read_case(conn, standing, now)
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_READ,
            standing.case,
            purpose,
            view=standing.view.value,
            relations=sorted(r.value for r in standing.relations),
            sensitive=standing.sensitive,
        )
        state = case_state_in(conn, standing.case)
        pending_transfer = bool(handover_store.pending_transfer_organisations(conn, case_id))
        assigning = may_assign(standing.relations, standing.writes)
        workers: tuple[Named, ...] = ()
        if assigning:
            workers = tuple(
                Named(w.user_id, w.display_name)
                for w in access.organisation_principals_in(conn, standing.case["owner_organisation_id"])
                if w.user_id and w.holds(Permission.cases_write)
            )
    receiving = standing.writes and bool(standing.relations & {Relation.receiver, Relation.transfer_receiver})
    return CaseScreen(
        case=view,
        worker=standing.worker,
        receiving=receiving,
        transitions=transition_options(state, standing),
        records=_records(state, standing, pending_transfer),
        may_assign=assigning,
        workers=workers,
        access_log=may_read_access_log(standing.relations),
        consent_override=principal.can(Permission.cases_consent_override, standing.area_code),
        break_glass=Relation.glass in standing.relations and not standing.relations & FULL_BESIDES_GLASS,
    )


def transition_options(state: CaseState, standing: Standing) -> tuple[TransitionOption, ...]:
    """The transitions out of the case's phase that the viewer's role takes (a worker's or a supervisor's),
    each decided by :func:`inklusi.cases.model.decide` as it would be now: open, or held by a guard."""
    actor = standing.actor()
    found = []
    for rule in TRANSITIONS.values():
        if state.phase not in rule.sources:
            continue
        try:  # a reason stands in for the one the page asks for: only the other guards are asked here
            decide(state, TransitionRequest(rule.name, "—"), actor, utcnow())
        except ActorRefused:
            continue  # not this viewer's step (not a worker or supervisor of the case, or their own proposal)
        except GuardRefused as refused:
            found.append(TransitionOption(rule.name, rule.reason_required, rule.supervisor, refused.text))
            continue
        found.append(TransitionOption(rule.name, rule.reason_required, rule.supervisor))
    return tuple(found)


def _records(state: CaseState, standing: Standing, pending_transfer: bool) -> frozenset[str]:
    if not standing.worker:
        return frozenset()
    phase = state.phase
    found = {"note", "consent"}
    if phase in ASSESSABLE:
        found.add("assessment")
    if phase is Phase.assessment and state.assessed:
        found.add("plan")
    if phase in SERVING:
        found |= {"service", "outcome"}
    if phase not in NOT_REFERRING:
        found.add("referral")
    if phase is not Phase.closed:
        found.add("follow_up")
        if not pending_transfer:
            found.add("transfer")
    return frozenset(found)
