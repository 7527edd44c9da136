"""``/api/v1/cases``, ``/referrals``, ``/transfers``, ``/consents``: case management.

A case exists for a caller only through a relation (owner organisation, assigned worker, referral or transfer
receiver, supervisor over the area, break-the-glass grant): otherwise 404, as for an id that does not
exist; without any case permission, 403. What a caller sees follows from the relation (``view``: full,
referral or summary; a part not in the view is null). A guard that refuses a step answers 409 (403 for who
may take it, 422 for bad input) with the guard in ``errors[].code`` (``guard.<name>``). Every read and write
is audited by the service; ``X-Inklusi-Purpose`` is recorded with reads.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from inklusi.api import ContextDep, PrincipalDep, PurposeDep
from inklusi.audit.model import Purpose
from inklusi.cases import service
from inklusi.cases.model import Phase
from inklusi.cases.records import Assessment
from inklusi.cases.schemas import (
    AccessEntryOut,
    AssessmentIn,
    AssignIn,
    ConsentIn,
    CreatedOut,
    FollowUpIn,
    GlassIn,
    NamedOut,
    NoteIn,
    OpenCaseIn,
    OutcomeIn,
    PlanIn,
    ReasonIn,
    ReferralIn,
    ServiceIn,
    TransferIn,
    TransitionIn,
)

router = APIRouter(tags=["cases"])


def _purpose(purpose: Purpose) -> Purpose:
    """A read without a declared purpose is for case management (the header's default is the registry's)."""
    return Purpose.case_management if purpose is Purpose.registry_view else purpose


@router.post("/cases", status_code=201)
def open_case(
    ctx: ContextDep, principal: PrincipalDep, body: OpenCaseIn, response: Response
) -> service.CaseRef:
    """Open a case for a person of the registry, or register a person not yet known (``intake``: outside any
    household, which needs ``registry:write`` over the area) and open their case."""
    ref = service.open_case(
        ctx,
        principal,
        person_id=body.person_id,
        intake=body.intake.to_model() if body.intake else None,
        categories=body.categories,
        risk_level=body.risk_level,
        follow_up_on=body.follow_up_on,
    )
    response.headers["Location"] = f"/api/v1/cases/{ref.id}"
    return ref


@router.get("/cases")
def list_cases(
    ctx: ContextDep,
    principal: PrincipalDep,
    mine: bool = False,
    phase: Phase | None = None,
    open_only: bool = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> service.CasePage:
    """The cases of the caller's organisation (``mine``: assigned to the caller), newest first."""
    return service.list_cases(
        ctx, principal, mine=mine, phase=phase, open_only=open_only, limit=limit, offset=offset
    )


@router.get("/cases/inbox")
def inbox(ctx: ContextDep, principal: PrincipalDep) -> service.Inbox:
    """What waits for the caller and their organisation: their cases, overdue follow-ups, referrals and
    transfers to answer, the organisation's overdue referrals, break-the-glass notices on its cases."""
    return service.inbox(ctx, principal)


@router.get("/cases/dashboard")
def organisation_dashboard(ctx: ContextDep, principal: PrincipalDep) -> service.OrganisationDashboard:
    """The figures of the caller's organisation's cases."""
    return service.organisation_dashboard(ctx, principal)


@router.get("/cases/dashboard/area")
def area_dashboard(
    ctx: ContextDep,
    principal: PrincipalDep,
    area: Annotated[str, Query(min_length=2, max_length=13, description="An area code: PP, PP.RR, …")],
) -> service.AreaDashboard:
    """An area's case figures for roles without individual access (``ppks:read`` over the area), protected
    by the PPKS disclosure control (suppressed figures are null)."""
    return service.area_dashboard(ctx, principal, area)


@router.get("/cases/{case_id}")
def case_view(
    ctx: ContextDep, principal: PrincipalDep, purpose: PurposeDep, case_id: UUID
) -> service.CaseView:
    """The case as the caller's relation lets them see it."""
    return service.case_view(ctx, principal, case_id, purpose=_purpose(purpose))


@router.post("/cases/{case_id}/transitions")
def transition(
    ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: TransitionIn
) -> service.CaseRef:
    """Move the case to another phase (assess, propose_plan, approve_plan, return_plan, reintegrate, monitor,
    propose_termination, approve_termination, reject_termination, close, reopen)."""
    return service.transition(
        ctx, principal, case_id, body.transition, reason=body.reason, expected_version=body.version
    )


@router.get("/cases/{case_id}/assessment-draft")
def assessment_draft(ctx: ContextDep, principal: PrincipalDep, case_id: UUID) -> Assessment:
    """A new assessment prefilled from the case's categories and the person's PPKS flags."""
    return service.assessment_draft(ctx, principal, case_id)


@router.post("/cases/{case_id}/assessments", status_code=201)
def record_assessment(
    ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: AssessmentIn
) -> service.CaseRef:
    return service.record_assessment(ctx, principal, case_id, body.to_model(), expected_version=body.version)


@router.post("/cases/{case_id}/plans", status_code=201)
def record_plan(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: PlanIn) -> service.CaseRef:
    """Draft the case's plan (never without an assessment)."""
    return service.record_plan(ctx, principal, case_id, body.to_model(), expected_version=body.version)


@router.post("/cases/{case_id}/services", status_code=201)
def record_service(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: ServiceIn) -> CreatedOut:
    """Record a service delivered (under a referral: by the receiving organisation)."""
    record = body.to_model(principal.organisation_id)
    return CreatedOut(id=service.record_service(ctx, principal, case_id, record))


@router.post("/cases/{case_id}/outcomes", status_code=201)
def record_outcome(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: OutcomeIn) -> CreatedOut:
    return CreatedOut(id=service.record_outcome(ctx, principal, case_id, body.to_model()))


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: NoteIn) -> CreatedOut:
    """A note (sensitive: read only with ppks:sensitive in the full view)."""
    return CreatedOut(id=service.add_note(ctx, principal, case_id, body.text))


@router.post("/cases/{case_id}/assignment")
def assign(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: AssignIn) -> service.CaseRef:
    return service.assign(ctx, principal, case_id, body.user_id, expected_version=body.version)


@router.get("/cases/{case_id}/workers")
def assignable_workers(ctx: ContextDep, principal: PrincipalDep, case_id: UUID) -> list[service.Named]:
    """Who the case may be assigned to."""
    return service.assignable_workers(ctx, principal, case_id)


@router.post("/cases/{case_id}/follow-up")
def schedule_follow_up(
    ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: FollowUpIn
) -> service.CaseRef:
    return service.schedule_follow_up(ctx, principal, case_id, body.on, expected_version=body.version)


@router.post("/cases/{case_id}/referrals", status_code=201)
def refer(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: ReferralIn) -> service.ReferralView:
    """Refer the case for one service; refused (409 ``guard.consent_required``) without a valid consent,
    unless the caller holds ``cases:consent_override`` and gives ``override_reason`` (audited)."""
    return service.refer(ctx, principal, case_id, **body.model_dump())


@router.post("/referrals/{referral_id}/accept")
def accept_referral(ctx: ContextDep, principal: PrincipalDep, referral_id: UUID) -> service.ReferralView:
    return service.accept_referral(ctx, principal, referral_id)


@router.post("/referrals/{referral_id}/reject")
def reject_referral(
    ctx: ContextDep, principal: PrincipalDep, referral_id: UUID, body: ReasonIn
) -> service.ReferralView:
    return service.reject_referral(ctx, principal, referral_id, body.reason)


@router.post("/referrals/{referral_id}/complete")
def complete_referral(ctx: ContextDep, principal: PrincipalDep, referral_id: UUID) -> service.ReferralView:
    return service.complete_referral(ctx, principal, referral_id)


@router.post("/referrals/{referral_id}/revoke")
def revoke_referral(
    ctx: ContextDep, principal: PrincipalDep, referral_id: UUID, body: ReasonIn
) -> service.ReferralView:
    return service.revoke_referral(ctx, principal, referral_id, body.reason)


@router.post("/cases/{case_id}/transfers", status_code=201)
def propose_transfer(
    ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: TransferIn
) -> service.TransferView:
    """Propose to hand the case to another organisation (which sees its summary until it decides)."""
    return service.propose_transfer(ctx, principal, case_id, **body.model_dump())


@router.post("/transfers/{transfer_id}/accept")
def accept_transfer(ctx: ContextDep, principal: PrincipalDep, transfer_id: UUID) -> service.TransferView:
    return service.accept_transfer(ctx, principal, transfer_id)


@router.post("/transfers/{transfer_id}/refuse")
def refuse_transfer(
    ctx: ContextDep, principal: PrincipalDep, transfer_id: UUID, body: ReasonIn
) -> service.TransferView:
    return service.refuse_transfer(ctx, principal, transfer_id, body.reason)


@router.post("/transfers/{transfer_id}/cancel")
def cancel_transfer(ctx: ContextDep, principal: PrincipalDep, transfer_id: UUID) -> service.TransferView:
    return service.cancel_transfer(ctx, principal, transfer_id)


@router.post("/cases/{case_id}/consents", status_code=201)
def record_consent(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: ConsentIn) -> CreatedOut:
    """Record a consent of the person (a child's through a guardian) for a purpose and recipient."""
    return CreatedOut(id=service.record_consent(ctx, principal, case_id, body.to_model()))


@router.post("/consents/{consent_id}/withdraw", status_code=204)
def withdraw_consent(ctx: ContextDep, principal: PrincipalDep, consent_id: UUID) -> Response:
    service.withdraw_consent(ctx, principal, consent_id)
    return Response(status_code=204)


@router.post("/cases/{case_id}/break-glass", status_code=201)
def break_glass(ctx: ContextDep, principal: PrincipalDep, case_id: UUID, body: GlassIn) -> service.GlassView:
    """Open a case one has no relation to, for a few hours, with a reason (audited, shown to the owner)."""
    return service.break_glass(ctx, principal, case_id, reason=body.reason, hours=body.hours)


@router.get("/cases/{case_id}/access-log")
def access_log(
    ctx: ContextDep,
    principal: PrincipalDep,
    case_id: UUID,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AccessEntryOut]:
    """Who read or changed the case (the owner organisation and supervisors)."""
    return [_entry(e) for e in service.access_log(ctx, principal, case_id, limit=limit)]


def _entry(entry: service.AccessEntry) -> AccessEntryOut:
    org = NamedOut(id=entry.organisation.id, name=entry.organisation.name) if entry.organisation else None
    return AccessEntryOut(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        organisation=org,
        action=entry.action,
        description=entry.description.both() if entry.description else None,
        purpose=entry.purpose,
        view=entry.view,
        detail=entry.detail,
    )


@router.get("/persons/{person_id}/cases")
def cases_of_person(ctx: ContextDep, principal: PrincipalDep, person_id: UUID) -> list[service.PersonCase]:
    """The cases of a person the caller may read in the registry: who holds them, and the caller's view."""
    return service.cases_of_person(ctx, principal, person_id)
