"""Case management: phases and the transitions between them, who stands in what relation to a case and what
each relation may see. Pure rules (no database, no web).

A case follows social-rehabilitation practice (Permensos 16/2020, ATENSI): intake (pendekatan awal) →
assessment → planning (a plan proposed, waiting for a supervisor) → intervention → reintegration →
monitoring → termination (proposed, waiting for approval) → aftercare (bimbingan lanjut) → closed; a case in
aftercare or closed can be reopened. :func:`decide` is the one place that says whether a transition may
happen: it raises an error naming the guard that refused it.

A principal's :class:`Relation` to a case (:func:`relation`) decides what they see (:func:`view_of`,
:data:`VIEW_PARTS`) and may do; no relation means the case does not exist for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from inklusi.access.model import OrganisationKind
from inklusi.errors import Conflict, Forbidden, Invalid, Issue
from inklusi.i18n import Text, msg

MAX_REASON = 2000


class Phase(StrEnum):
    intake = "intake"  # pendekatan awal
    assessment = "assessment"  # asesmen
    planning = "planning"  # rencana intervensi: proposed, waiting for a supervisor
    intervention = "intervention"  # intervensi
    reintegration = "reintegration"  # resosialisasi / reintegrasi
    monitoring = "monitoring"  # monitoring dan evaluasi
    termination = "termination"  # terminasi: proposed, waiting for approval
    aftercare = "aftercare"  # bimbingan lanjut
    closed = "closed"

    @property
    def open(self) -> bool:
        return self is not Phase.closed


class TransitionName(StrEnum):
    assess = "assess"
    propose_plan = "propose_plan"
    approve_plan = "approve_plan"
    return_plan = "return_plan"
    reintegrate = "reintegrate"
    monitor = "monitor"
    propose_termination = "propose_termination"
    approve_termination = "approve_termination"
    reject_termination = "reject_termination"
    close = "close"
    reopen = "reopen"


@dataclass(frozen=True)
class TransitionRule:
    """A transition: the phases it leaves, the phase it reaches (``None``: the phase the termination was
    proposed from), whether it needs a reason and whether a supervisor decides it (else a worker)."""

    name: TransitionName
    sources: tuple[Phase, ...]
    target: Phase | None
    reason_required: bool = False
    supervisor: bool = False


_T, _P = TransitionName, Phase
TRANSITIONS: dict[TransitionName, TransitionRule] = {
    rule.name: rule
    for rule in (
        TransitionRule(_T.assess, (_P.intake,), _P.assessment),
        TransitionRule(_T.propose_plan, (_P.assessment,), _P.planning),
        TransitionRule(_T.approve_plan, (_P.planning,), _P.intervention, supervisor=True),
        TransitionRule(_T.return_plan, (_P.planning,), _P.assessment, reason_required=True, supervisor=True),
        TransitionRule(_T.reintegrate, (_P.intervention,), _P.reintegration),
        TransitionRule(_T.monitor, (_P.reintegration,), _P.monitoring),
        TransitionRule(
            _T.propose_termination,
            (_P.intervention, _P.reintegration, _P.monitoring),
            _P.termination,
            reason_required=True,
        ),
        TransitionRule(_T.approve_termination, (_P.termination,), _P.aftercare, supervisor=True),
        TransitionRule(_T.reject_termination, (_P.termination,), None, reason_required=True, supervisor=True),
        TransitionRule(_T.close, (_P.aftercare,), _P.closed),
        TransitionRule(_T.reopen, (_P.aftercare, _P.closed), _P.assessment, reason_required=True),
    )
}
# A proposal waiting for a decision, and the transitions that decide it.
PROPOSALS = {_T.approve_plan: _T.propose_plan, _T.approve_termination: _T.propose_termination}


class PlanStatus(StrEnum):
    draft = "draft"  # recorded, not yet proposed
    proposed = "proposed"  # waiting for a supervisor (the case is in planning)
    approved = "approved"
    returned = "returned"  # sent back with a reason: a new draft follows
    superseded = "superseded"  # an approved plan replaced by a later approved one


# --- Errors that name the guard -----------------------------------------------------------------------------


def _guard_issue(field: str, guard: str, text: Text) -> Issue:
    return Issue(field, f"guard.{guard}", text)


class GuardRefused(Conflict):
    """A transition (or a change) the case's state does not allow (409); ``guard`` names the rule."""

    slug = "case-guard"

    def __init__(self, guard: str, text: Text, field: str = "transition") -> None:
        super().__init__(text, [_guard_issue(field, guard, text)])
        self.guard = guard


class ActorRefused(Forbidden):
    """The actor may not take this step (403): not a supervisor, or approving their own proposal."""

    slug = "case-guard-actor"

    def __init__(self, guard: str, text: Text, field: str = "transition") -> None:
        super().__init__(text, [_guard_issue(field, guard, text)])
        self.guard = guard


def reason_required(reason: str | None, guard: str = "reason_required", field: str = "reason") -> str:
    """The reason given, stripped; :class:`Invalid` naming ``field`` when there is none or it is too long."""
    text = (reason or "").strip()
    if not text:
        problem = msg("A reason is required (guard {guard})", guard=guard)
        raise Invalid(problem, [_guard_issue(field, guard, problem)])
    if len(text) > MAX_REASON:
        problem = msg("At most {n} characters", n=MAX_REASON)
        raise Invalid(problem, [Issue(field, "too_long", problem)])
    return text


# --- The state machine --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseState:
    """What the guards read of a case."""

    phase: Phase
    assessed: bool  # an assessment has been recorded
    plan: PlanStatus | None  # the latest plan version's status (None: no plan yet)
    proposed_by: UUID | None  # who proposed what waits (a plan in planning, a termination in termination)
    proposed_from: Phase | None  # the phase a termination was proposed from
    open_referrals: int = 0  # referrals pending or accepted


@dataclass(frozen=True)
class ActorFacts:
    """What the guards read of the actor, as the service found it for this case."""

    user_id: UUID | None
    worker: bool  # may work the case: cases:write, and the owner organisation or the assigned worker
    supervisor: bool  # a supervisor of the case (relation ``supervisor``)
    approve_own: bool  # holds cases:approve_own over the case's area


@dataclass(frozen=True)
class TransitionRequest:
    name: TransitionName
    reason: str | None = None


def decide(state: CaseState, request: TransitionRequest, actor: ActorFacts, now: datetime) -> Phase:
    """The phase the case reaches by ``request``, or an error naming the guard that refuses it.

    ``now`` is the moment of the transition (the state's facts are as of then)."""
    del now  # no guard depends on the clock yet; the service records the moment
    rule = TRANSITIONS[request.name]
    if state.phase not in rule.sources:
        raise GuardRefused(
            "phase",
            msg(
                "A case in phase {phase} cannot {transition} (guard: phase)",
                phase=state.phase.value,
                transition=rule.name.value,
            ),
        )
    if rule.supervisor:
        if not actor.supervisor:
            text = msg("Only a supervisor of the case may {transition}", transition=rule.name.value)
            raise ActorRefused("supervisor", text)
        if rule.name in PROPOSALS and state.proposed_by == actor.user_id and not actor.approve_own:
            raise ActorRefused(
                "approve_own",
                msg("You proposed this yourself: approving it needs the permission cases:approve_own"),
            )
    elif not actor.worker:
        raise ActorRefused(
            "worker",
            msg("Only a worker of the case's organisation may {transition}", transition=rule.name.value),
        )
    if rule.reason_required:
        reason_required(request.reason)
    if rule.name is TransitionName.propose_plan:
        if not state.assessed:
            raise GuardRefused("assessment_required", msg("No plan without an assessment: record one first"))
        if state.plan is not PlanStatus.draft:
            raise GuardRefused("plan_required", msg("No plan drafted to propose: record a plan first"))
    if rule.name is TransitionName.propose_termination and state.open_referrals:
        raise GuardRefused(
            "open_referrals",
            msg("{n} referrals are still open: complete or revoke them first", n=state.open_referrals),
        )
    if rule.target is None:  # reject_termination: back where it was proposed from
        if state.proposed_from not in TRANSITIONS[_T.propose_termination].sources:
            raise GuardRefused("proposed_from", msg("The phase the termination was proposed from is unknown"))
        assert state.proposed_from is not None  # one of the sources just above
        return state.proposed_from
    return rule.target


def may_record_plan(state: CaseState) -> None:
    """A plan is drafted during assessment (a returned plan sends the case back there), and never without
    an assessment."""
    if not state.assessed:
        raise GuardRefused(
            "assessment_required", msg("No plan without an assessment: record one first"), "plan"
        )
    if state.phase is not Phase.assessment:
        raise GuardRefused(
            "phase", msg("A plan is drafted in assessment, not in {phase}", phase=state.phase.value), "plan"
        )


ASSESSABLE = (Phase.intake, Phase.assessment, Phase.intervention, Phase.reintegration, Phase.monitoring)
SERVING = (Phase.intervention, Phase.reintegration, Phase.monitoring, Phase.termination, Phase.aftercare)


def may_record(state: CaseState, what: str, phases: tuple[Phase, ...]) -> None:
    """Whether a record (``what``: assessment, service, outcome …) may be added in the case's phase."""
    if state.phase not in phases:
        raise GuardRefused(
            "phase",
            msg("No {what} can be recorded in phase {phase}", what=what, phase=state.phase.value),
            what,
        )


# --- Relations and views ------------------------------------------------------------------------------------


class Relation(StrEnum):
    owner = "owner"  # the principal's organisation owns the case
    assigned = "assigned"  # the principal is the assigned worker
    receiver = "receiver"  # the organisation receives a referral (pending, accepted or completed)
    transfer_receiver = "transfer_receiver"  # the organisation receives a pending transfer
    supervisor = "supervisor"  # cases:supervise over the area; the owner organisation or a government one
    glass = "glass"  # an unexpired break-the-glass grant


GOVERNMENT = frozenset({OrganisationKind.central, OrganisationKind.regional})


@dataclass(frozen=True)
class RelationFacts:
    """What decides a principal's relation to one case."""

    user_id: UUID | None
    organisation_id: UUID | None
    organisation_kind: OrganisationKind | None
    reads: bool  # holds cases:read somewhere
    supervises_area: bool  # holds cases:supervise over the case's area
    owner_organisation_id: UUID
    assigned_user_id: UUID | None
    referral_organisations: frozenset[UUID]  # receiving a pending, accepted or completed referral
    transfer_organisations: frozenset[UUID]  # receiving a pending transfer
    glass: bool  # an unexpired grant of this user on this case


def relation(facts: RelationFacts) -> frozenset[Relation]:
    found: set[Relation] = set()
    org = facts.organisation_id
    owner = org is not None and org == facts.owner_organisation_id
    if facts.reads:
        if owner:
            found.add(Relation.owner)
        if facts.user_id is not None and facts.user_id == facts.assigned_user_id:
            found.add(Relation.assigned)
        if org is not None and org in facts.referral_organisations:
            found.add(Relation.receiver)
        if org is not None and org in facts.transfer_organisations:
            found.add(Relation.transfer_receiver)
    if facts.supervises_area and (owner or facts.organisation_kind in GOVERNMENT):
        found.add(Relation.supervisor)
    if facts.glass:
        found.add(Relation.glass)
    return frozenset(found)


class View(StrEnum):
    full = "full"  # the whole case (sensitive categories and notes only with ppks:sensitive)
    referral = "referral"  # the person card, the referrals the organisation receives, their records
    summary = "summary"  # before accepting a transfer: who, where, phase, risk, personal categories, needs


FULL = frozenset({Relation.owner, Relation.assigned, Relation.supervisor, Relation.glass})


def view_of(relations: frozenset[Relation]) -> View | None:
    """The widest view the relations give (None: the case does not exist for the principal)."""
    if relations & FULL:
        return View.full
    if Relation.receiver in relations:
        return View.referral
    if Relation.transfer_receiver in relations:
        return View.summary
    return None


class Part(StrEnum):
    """The parts of a case a view may hold."""

    person = "person"  # name, sex, age, village
    phase = "phase"  # phase and risk level
    header = "header"  # owner, assigned worker, opened, follow-up, version
    categories = "categories"  # PPKS categories (sensitive ones with ppks:sensitive, never in summary)
    needs = "needs"  # the latest assessment's needs by service type
    assessments = "assessments"
    plans = "plans"
    transitions = "transitions"
    services = "services"  # all of them (referral view: those under its referrals)
    outcomes = "outcomes"  # likewise
    referrals = "referrals"  # all (referral view: its own)
    transfers = "transfers"  # all (summary view: the pending one to the organisation)
    consents = "consents"
    notes = "notes"  # only with ppks:sensitive


VIEW_PARTS: dict[View, frozenset[Part]] = {
    View.full: frozenset(Part),
    View.referral: frozenset({Part.person, Part.referrals, Part.services, Part.outcomes}),
    View.summary: frozenset({Part.person, Part.phase, Part.categories, Part.needs, Part.transfers}),
}


def shows_sensitive(view: View, holds_sensitive: bool) -> bool:
    """Sensitive categories and notes: in the full view, to holders of ppks:sensitive only."""
    return view is View.full and holds_sensitive


def notes_shown(view: View, holds_sensitive: bool) -> bool:
    """Notes (a case's notes, a service's or outcome's note): the full view, or the records made under a
    referral one receives, to holders of ppks:sensitive."""
    return view in (View.full, View.referral) and holds_sensitive


def may_work(relations: frozenset[Relation], writes: bool) -> bool:
    """Record, propose, refer, transfer, consent: cases:write and the owner organisation or assigned."""
    return writes and bool(relations & {Relation.owner, Relation.assigned})


def may_assign(relations: frozenset[Relation], writes: bool) -> bool:
    """Assign within the owner organisation (its workers), or reassign as a supervisor of the case."""
    return (writes and Relation.owner in relations) or Relation.supervisor in relations


def may_read_access_log(relations: frozenset[Relation]) -> bool:
    """Who viewed the case: the owner organisation and supervisors."""
    return bool(relations & {Relation.owner, Relation.supervisor})
