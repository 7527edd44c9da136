"""Referrals: the case's workers ask another organisation (any kind: central, regional, NGO) for one service,
optionally a service of the directory, resting on the person's consent (or an audited override); the
receiving organisation accepts, rejects with a reason, or completes it; the owner side revokes it with a
reason. A pending referral past its ``respond_by`` day is overdue (the inboxes show it)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.cases.handovers import (
    RECEIVING_SIDE,
    RESPOND_DAYS,
    ConsentPurpose,
    ReferralMove,
    ReferralStatus,
    move_referral,
)
from inklusi.cases.model import ActorRefused, GuardRefused, Phase, reason_required
from inklusi.cases.service.consents import handover_basis
from inklusi.cases.service.reading import Names, referral_view
from inklusi.cases.service.standing import audit_case, standing_in
from inklusi.cases.service.views import ReferralView
from inklusi.cases.store import handovers as store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.directory import service as directory
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks.model import ServiceType

NOT_REFERRING = (Phase.termination, Phase.closed)  # no new referral while termination waits, nor once closed


def _check_offer(ctx: Context, service_id: UUID, organisation_id: UUID, service_type: ServiceType) -> None:
    """The directory's service exists, is offered by the receiving organisation and is of the type asked."""
    offer = directory.offer(ctx, service_id)
    field = "directory_service_id"
    if offer is None:
        text = msg("No service {id} in the directory", id=str(service_id))
        raise Invalid(text, [Issue(field, "directory.unknown", text)])
    if offer.status != "active":
        text = msg(
            "The directory's service {name} is not active ({status})", name=offer.name, status=offer.status
        )
        raise Invalid(text, [Issue(field, "directory.inactive", text)])
    if offer.organisation_id != organisation_id:
        text = msg("The directory's service {name} is not offered by that organisation", name=offer.name)
        raise Invalid(text, [Issue(field, "directory.organisation", text)])
    if offer.service_type is not None and offer.service_type != service_type.value:
        text = msg(
            "The directory's service {name} offers {offered}, not {asked}",
            name=offer.name,
            offered=offer.service_type,
            asked=service_type.value,
        )
        raise Invalid(text, [Issue(field, "directory.service_type", text)])


def refer(
    ctx: Context,
    principal: Principal,
    case_id: UUID,
    *,
    to_organisation_id: UUID,
    service_type: ServiceType,
    reason: str,
    respond_by: date | None = None,
    directory_service_id: UUID | None = None,
    consent_id: UUID | None = None,
    override_reason: str | None = None,
) -> ReferralView:
    """Refer the case to an organisation for one service. Refused without a valid consent for purpose
    ``referral`` and that organisation, unless the principal holds ``cases:consent_override`` and gives
    ``override_reason`` (audited). ``respond_by`` defaults to seven days from today. A
    ``directory_service_id`` must be a service of the directory offered by ``to_organisation_id`` and of
    ``service_type``."""
    reason = reason_required(reason, "reason_required", "reason")
    now = utcnow()
    today = now.date()
    respond_by = respond_by or today + timedelta(days=RESPOND_DAYS)
    if respond_by < today:
        text = msg("{day} has passed", day=respond_by)
        raise Invalid(text, [Issue("respond_by", "date.past", text)])
    if directory_service_id is not None:
        _check_offer(ctx, directory_service_id, to_organisation_id, service_type)
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True)
        standing.require_work()
        case = standing.case
        if Phase(case["phase"]) in NOT_REFERRING:
            raise GuardRefused("phase", msg("No referral in phase {phase}", phase=case["phase"]), "referral")
        if to_organisation_id == case["owner_organisation_id"]:
            raise GuardRefused(
                "referral_to_owner",
                msg("The case's own organisation is not referred to"),
                "to_organisation_id",
            )
        if store.open_referral_exists(conn, case_id, to_organisation_id, service_type.value):
            raise GuardRefused(
                "referral_open",
                msg("A referral for this service to that organisation is open already"),
                "to_organisation_id",
            )
        basis = handover_basis(
            conn,
            standing,
            ConsentPurpose.referral,
            to_organisation_id,
            today,
            consent_id=consent_id,
            override_reason=override_reason,
        )
        referral_id = new_id()
        row = {
            "id": referral_id,
            "case_id": case_id,
            "from_organisation_id": case["owner_organisation_id"],
            "to_organisation_id": to_organisation_id,
            "service_type": service_type.value,
            "directory_service_id": directory_service_id,
            "status": ReferralStatus.pending.value,
            "reason": reason,
            "respond_by": respond_by,
            "consent_id": basis.consent_id,
            "override_reason": basis.override_reason,
            "created_by": principal.user_id,
            "created_at": now,
            "accepted_by": None,
            "accepted_at": None,
            "closed_by": None,
            "closed_at": None,
            "close_reason": None,
        }
        store.insert_row(conn, "referral", row)
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_REFERRAL,
            case,
            referral=str(referral_id),
            step="refer",
            to_organisation=str(to_organisation_id),
            service_type=service_type.value,
            consent=str(basis.consent_id) if basis.consent_id else None,
            override_reason=basis.override_reason,
            reason=reason,
        )
        written = store.row_by_id(conn, "referral", referral_id)
        assert written is not None
        return referral_view(written, Names.of_rows(conn, [written]), today)


def accept_referral(ctx: Context, principal: Principal, referral_id: UUID) -> ReferralView:
    """The receiving organisation takes the referral on (it then records its services and outcomes)."""
    return _answer(ctx, principal, referral_id, ReferralMove.accept, None)


def reject_referral(ctx: Context, principal: Principal, referral_id: UUID, reason: str) -> ReferralView:
    """The receiving organisation declines the referral, saying why."""
    return _answer(ctx, principal, referral_id, ReferralMove.reject, reason)


def complete_referral(ctx: Context, principal: Principal, referral_id: UUID) -> ReferralView:
    """The receiving organisation has delivered the service referred."""
    return _answer(ctx, principal, referral_id, ReferralMove.complete, None)


def revoke_referral(ctx: Context, principal: Principal, referral_id: UUID, reason: str) -> ReferralView:
    """The owner side takes a pending or accepted referral back, saying why."""
    return _answer(ctx, principal, referral_id, ReferralMove.revoke, reason)


def _answer(
    ctx: Context, principal: Principal, referral_id: UUID, move: ReferralMove, reason: str | None
) -> ReferralView:
    now = utcnow()
    with ctx.transaction() as conn:
        row = store.row_by_id(conn, "referral", referral_id)
        if row is None:
            raise NotFound(msg("Referral {id} not found", id=str(referral_id)))
        standing = standing_in(conn, principal, row["case_id"], now, lock=True)
        if move in RECEIVING_SIDE:
            if principal.organisation_id != row["to_organisation_id"] or not standing.writes:
                raise ActorRefused(
                    "receiver", msg("Only the receiving organisation answers a referral"), "referral"
                )
        else:
            standing.require_work()
        status = ReferralStatus(row["status"])
        target = move_referral(status, move, reason)
        reason = (reason or "").strip() or None
        if move is ReferralMove.accept:
            values: dict[str, object] = {"accepted_by": principal.user_id, "accepted_at": now}
        else:
            values = {"closed_by": principal.user_id, "closed_at": now, "close_reason": reason}
        if not store.move(conn, "referral", referral_id, status.value, status=target.value, **values):
            raise GuardRefused(
                "referral_status", msg("The referral was answered meanwhile: reload it"), "referral"
            )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_REFERRAL,
            standing.case,
            referral=str(referral_id),
            step=move.value,
            to_organisation=str(row["to_organisation_id"]),
            service_type=row["service_type"],
            reason=reason,
        )
        written = store.row_by_id(conn, "referral", referral_id)
        assert written is not None
        return referral_view(written, Names.of_rows(conn, [written]), now.date())
