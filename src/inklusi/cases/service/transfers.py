"""Transfers: the case's workers hand the whole case to another organisation (resting on the person's
consent, or an audited override); the receiving organisation sees the case's summary before it decides,
then accepts (the case is theirs: the owner changes and the assigned worker is cleared) or refuses with a
reason; the owner side may cancel a pending transfer. One pending transfer at a time."""

from __future__ import annotations

from uuid import UUID

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.cases.handovers import (
    ConsentPurpose,
    TransferMove,
    TransferStatus,
    may_propose_transfer,
    move_transfer,
)
from inklusi.cases.model import ActorRefused, GuardRefused, Phase, reason_required
from inklusi.cases.service.consents import handover_basis
from inklusi.cases.service.reading import Names, transfer_view
from inklusi.cases.service.standing import audit_case, standing_in
from inklusi.cases.service.views import TransferView
from inklusi.cases.store import cases as case_store
from inklusi.cases.store import handovers as store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id


def propose_transfer(
    ctx: Context,
    principal: Principal,
    case_id: UUID,
    *,
    to_organisation_id: UUID,
    reason: str,
    consent_id: UUID | None = None,
    override_reason: str | None = None,
) -> TransferView:
    """Propose to hand the case to another organisation. Refused without a valid consent for purpose
    ``transfer`` and that organisation, unless the principal holds ``cases:consent_override`` and gives
    ``override_reason`` (audited)."""
    reason = reason_required(reason, "reason_required", "reason")
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True)
        standing.require_work()
        case = standing.case
        if Phase(case["phase"]) is Phase.closed:
            raise GuardRefused("phase", msg("A closed case is not transferred"), "transfer")
        pending = store.pending_transfer_organisations(conn, case_id)
        may_propose_transfer(len(pending), to_organisation_id, case["owner_organisation_id"])
        basis = handover_basis(
            conn,
            standing,
            ConsentPurpose.transfer,
            to_organisation_id,
            now.date(),
            consent_id=consent_id,
            override_reason=override_reason,
        )
        transfer_id = new_id()
        store.insert_row(
            conn,
            "transfer",
            {
                "id": transfer_id,
                "case_id": case_id,
                "from_organisation_id": case["owner_organisation_id"],
                "to_organisation_id": to_organisation_id,
                "status": TransferStatus.pending.value,
                "reason": reason,
                "consent_id": basis.consent_id,
                "override_reason": basis.override_reason,
                "proposed_by": principal.user_id,
                "proposed_at": now,
                "decided_by": None,
                "decided_at": None,
                "decision_reason": None,
            },
        )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_TRANSFER,
            case,
            transfer=str(transfer_id),
            step="propose",
            to_organisation=str(to_organisation_id),
            consent=str(basis.consent_id) if basis.consent_id else None,
            override_reason=basis.override_reason,
            reason=reason,
        )
        return _view(conn, transfer_id)


def accept_transfer(ctx: Context, principal: Principal, transfer_id: UUID) -> TransferView:
    """The receiving organisation takes the case: it owns it from now on, with nobody assigned yet."""
    return _decide(ctx, principal, transfer_id, TransferMove.accept, None)


def refuse_transfer(ctx: Context, principal: Principal, transfer_id: UUID, reason: str) -> TransferView:
    """The receiving organisation declines the case, saying why."""
    return _decide(ctx, principal, transfer_id, TransferMove.refuse, reason)


def cancel_transfer(ctx: Context, principal: Principal, transfer_id: UUID) -> TransferView:
    """The owner side withdraws its proposal."""
    return _decide(ctx, principal, transfer_id, TransferMove.cancel, None)


def _decide(
    ctx: Context, principal: Principal, transfer_id: UUID, move: TransferMove, reason: str | None
) -> TransferView:
    now = utcnow()
    with ctx.transaction() as conn:
        row = store.row_by_id(conn, "transfer", transfer_id)
        if row is None:
            raise NotFound(msg("Transfer {id} not found", id=str(transfer_id)))
        standing = standing_in(conn, principal, row["case_id"], now, lock=True)
        if move is TransferMove.cancel:
            standing.require_work()
        elif principal.organisation_id != row["to_organisation_id"] or not standing.writes:
            raise ActorRefused(
                "receiver", msg("Only the receiving organisation answers a transfer"), "transfer"
            )
        status = TransferStatus(row["status"])
        target = move_transfer(status, move, reason)
        reason = (reason or "").strip() or None
        values = {"decided_by": principal.user_id, "decided_at": now, "decision_reason": reason}
        if not store.move(conn, "transfer", transfer_id, status.value, status=target.value, **values):
            raise GuardRefused(
                "transfer_status", msg("The transfer was answered meanwhile: reload it"), "transfer"
            )
        if target is TransferStatus.accepted:
            case_store.set_case(
                conn,
                row["case_id"],
                owner_organisation_id=row["to_organisation_id"],
                assigned_user_id=None,
            )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_TRANSFER,
            standing.case,
            transfer=str(transfer_id),
            step=move.value,
            to_organisation=str(row["to_organisation_id"]),
            reason=reason,
        )
        return _view(conn, transfer_id)


def _view(conn, transfer_id: UUID) -> TransferView:
    written = store.row_by_id(conn, "transfer", transfer_id)
    assert written is not None
    return transfer_view(written, Names.of_rows(conn, [written]))
