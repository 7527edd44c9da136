"""Data-sharing agreements: drafting (``sharing:manage``), approving by someone else (``sharing:approve``,
four eyes), revoking with a reason; reading them (``sharing:read``). Every change is audited with the
purpose ``administration``. An approved agreement is in force between its dates; expiry and revocation
take effect on the partner's very next request (``authenticate_partner`` checks on every call)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event, EventKind
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks.model import Sensitivity
from inklusi.sharing.model import (
    Agreement,
    AgreementInfo,
    AgreementStatus,
    AgreementTerms,
    Operation,
    Transform,
    check_terms,
)
from inklusi.sharing.store import agreements as store
from inklusi.sharing.store import clients as client_store
from inklusi.wilayah import service as wilayah

MAX_REASON = 2000


def today(ctx: Context) -> date:
    """The day in the installation's time zone (WIB by default): agreements' dates are legal dates."""
    return utcnow().astimezone(ZoneInfo(ctx.settings.timezone)).date()


def agreement_of(row: RowMapping) -> Agreement:
    return Agreement(
        id=row["id"],
        organisation_id=row["organisation_id"],
        name=row["name"],
        purpose=row["purpose"],
        legal_basis=row["legal_basis"],
        operations={Operation(k): int(v) for k, v in json.loads(row["operations"]).items()},
        areas=tuple(json.loads(row["areas"])),
        deciles=tuple(json.loads(row["deciles"])),
        ppks_categories=tuple(json.loads(row["ppks_categories"])),
        fields={k: Transform(v) for k, v in json.loads(row["fields"]).items()},
        sensitivity_ceiling=Sensitivity(row["sensitivity_ceiling"]),
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        retention_days=row["retention_days"],
        status=AgreementStatus(row["status"]),
        drafted_by=row["drafted_by"],
        approved_by=row["approved_by"],
        approved_at=row["approved_at"],
        revoked_at=row["revoked_at"],
        revoked_reason=row["revoked_reason"],
        rate_per_minute=row["rate_per_minute"],
        created_at=row["created_at"],
    )


def agreement_in(conn: Connection, agreement_id: UUID, *, lock: bool = False) -> Agreement:
    row = store.agreement(conn, agreement_id, lock=lock)
    if row is None:
        raise NotFound(msg("Agreement {id} not found", id=str(agreement_id)))
    return agreement_of(row)


def _audit(
    ctx: Context, conn: Connection, principal: Principal, kind: EventKind, agreement: Agreement, **detail
):
    event = Event(
        kind=kind,
        actor=principal.actor,
        purpose=Purpose.administration,
        object_id=str(agreement.id),
        detail={"name": agreement.name, "organisation": str(agreement.organisation_id), **detail},
    )
    audit.record(ctx, conn, event)


def draft_agreement(ctx: Context, principal: Principal, terms: AgreementTerms) -> Agreement:
    """Store the terms as a draft; nothing is shared until someone else approves it."""
    principal.require(Permission.sharing_manage)
    terms = replace(
        terms,
        name=terms.name.strip(),
        purpose=terms.purpose.strip(),
        legal_basis=terms.legal_basis.strip(),
        areas=tuple(dict.fromkeys(a.strip() for a in terms.areas if a.strip())),
        deciles=tuple(sorted(set(terms.deciles))),
        ppks_categories=tuple(sorted(set(terms.ppks_categories))),
    )
    issues = check_terms(terms)
    with ctx.transaction() as conn:
        if not access.organisations_in(conn, {terms.organisation_id}):
            text = msg("Organisation {id} not found", id=str(terms.organisation_id))
            issues.append(Issue("organisation_id", "unknown", text))
        known = wilayah.area_names_in(conn, set(terms.areas)) if terms.areas else {}
        for code in terms.areas:
            if code not in known:
                issues.append(Issue("areas", "unknown", msg("Area {code} does not exist", code=code)))
        if issues:
            raise Invalid(msg("The agreement's terms are not valid"), issues)
        agreement = Agreement(
            id=new_id(),
            organisation_id=terms.organisation_id,
            name=terms.name,
            purpose=terms.purpose,
            legal_basis=terms.legal_basis,
            operations=dict(terms.operations),
            areas=terms.areas,
            deciles=terms.deciles,
            ppks_categories=terms.ppks_categories,
            fields=dict(terms.fields),
            sensitivity_ceiling=terms.sensitivity_ceiling,
            valid_from=terms.valid_from,
            valid_to=terms.valid_to,
            retention_days=terms.retention_days,
            status=AgreementStatus.draft,
            drafted_by=principal.user_id,
            rate_per_minute=terms.rate_per_minute,
            created_at=utcnow(),
        )
        store.insert_agreement(conn, _row(agreement))
        _audit(
            ctx, conn, principal, events.SHARING_AGREEMENT_DRAFT, agreement,
            operations={o.value: q for o, q in agreement.operations.items()},
            fields={f: t.value for f, t in agreement.fields.items()},
            areas=list(agreement.areas), valid=[agreement.valid_from, agreement.valid_to],
        )  # fmt: skip
    return agreement


def _row(agreement: Agreement) -> dict[str, object]:
    return {
        "id": agreement.id,
        "organisation_id": agreement.organisation_id,
        "name": agreement.name,
        "purpose": agreement.purpose,
        "legal_basis": agreement.legal_basis,
        "operations": json.dumps({o.value: q for o, q in agreement.operations.items()}),
        "areas": json.dumps(list(agreement.areas)),
        "deciles": json.dumps(list(agreement.deciles)),
        "ppks_categories": json.dumps(list(agreement.ppks_categories)),
        "fields": json.dumps({f: t.value for f, t in agreement.fields.items()}),
        "sensitivity_ceiling": agreement.sensitivity_ceiling.value,
        "valid_from": agreement.valid_from,
        "valid_to": agreement.valid_to,
        "retention_days": agreement.retention_days,
        "rate_per_minute": agreement.rate_per_minute,
        "status": agreement.status.value,
        "created_at": agreement.created_at or utcnow(),
        "drafted_by": agreement.drafted_by,
    }


def approve_agreement(ctx: Context, principal: Principal, agreement_id: UUID) -> Agreement:
    """Approve a draft: never by whoever drafted it (four eyes)."""
    principal.require(Permission.sharing_approve)
    with ctx.transaction() as conn:
        agreement = agreement_in(conn, agreement_id, lock=True)
        if agreement.status is not AgreementStatus.draft:
            raise Conflict(
                msg(
                    "Agreement {name} is {status}: only a draft can be approved",
                    name=agreement.name,
                    status=agreement.status.value,
                )
            )
        if agreement.drafted_by is not None and agreement.drafted_by == principal.user_id:
            raise Forbidden(
                msg(
                    "You drafted agreement {name}: someone else must approve it (four eyes)",
                    name=agreement.name,
                )
            )
        now = utcnow()
        store.update_agreement(
            conn,
            agreement.id,
            status=AgreementStatus.approved.value,
            approved_by=principal.user_id,
            approved_at=now,
        )
        drafted = str(agreement.drafted_by) if agreement.drafted_by else None
        _audit(ctx, conn, principal, events.SHARING_AGREEMENT_APPROVE, agreement, drafted_by=drafted)
        return replace(
            agreement, status=AgreementStatus.approved, approved_by=principal.user_id, approved_at=now
        )


def revoke_agreement(ctx: Context, principal: Principal, agreement_id: UUID, *, reason: str) -> Agreement:
    """Revoke a draft or an approved agreement, saying why: its clients' next request is refused."""
    principal.require(Permission.sharing_manage)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        text = (
            msg("A revocation needs a reason") if not reason else msg("At most {n} characters", n=MAX_REASON)
        )
        raise Invalid(text, [Issue("reason", "reason.required" if not reason else "too_long", text)])
    with ctx.transaction() as conn:
        agreement = agreement_in(conn, agreement_id, lock=True)
        if agreement.status is AgreementStatus.revoked:
            raise Conflict(msg("Agreement {name} is revoked already", name=agreement.name))
        now = utcnow()
        store.update_agreement(
            conn, agreement.id, status=AgreementStatus.revoked.value, revoked_by=principal.user_id,
            revoked_at=now, revoked_reason=reason,
        )  # fmt: skip
        clients = [row["client_id"] for row in client_store.clients(conn, agreement.id)]
        for row in client_store.clients(conn, agreement.id):
            client_store.end_tokens(conn, row["id"])
        _audit(
            ctx, conn, principal, events.SHARING_AGREEMENT_REVOKE, agreement, reason=reason, clients=clients
        )
        return replace(agreement, status=AgreementStatus.revoked, revoked_at=now, revoked_reason=reason)


def list_agreements(ctx: Context, principal: Principal) -> list[AgreementInfo]:
    principal.require(Permission.sharing_read)
    with ctx.transaction(readonly=True) as conn:
        rows = store.agreements(conn)
        return [_info(ctx, conn, agreement_of(row)) for row in rows]


def get_agreement(ctx: Context, principal: Principal, agreement_id: UUID) -> AgreementInfo:
    principal.require(Permission.sharing_read)
    with ctx.transaction(readonly=True) as conn:
        return _info(ctx, conn, agreement_in(conn, agreement_id))


def _info(ctx: Context, conn: Connection, agreement: Agreement) -> AgreementInfo:
    organisations = access.organisations_in(conn, {agreement.organisation_id})
    organisation = organisations.get(agreement.organisation_id)
    day = today(ctx)
    return AgreementInfo(
        agreement=agreement,
        organisation=organisation.name if organisation else str(agreement.organisation_id),
        state=agreement.state(day),
        clients=tuple(row["client_id"] for row in client_store.clients(conn, agreement.id)),
        usage=store.usage_of(conn, agreement.id, day),
    )
