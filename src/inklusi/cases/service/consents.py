"""Consents of a case's person: recorded per purpose and recipient (a child's through a guardian),
withdrawn; and the one check every referral and transfer makes: a valid consent for the purpose and the
receiving organisation, or an override by a holder of ``cases:consent_override`` with a reason (audited
with the handover)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import service as access
from inklusi.access.model import REFUSALS, OrganisationKind, Permission, Principal
from inklusi.audit import events
from inklusi.cases.handovers import Consent, ConsentPurpose, GivenBy, consent_issues, may_withdraw
from inklusi.cases.model import GuardRefused, reason_required
from inklusi.cases.records import refuse_if
from inklusi.cases.service.standing import Standing, audit_case, standing_in
from inklusi.cases.store import handovers as store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import Text, msg
from inklusi.ids import new_id
from inklusi.registry import service as registry

# What a refusal calls the handover it refuses ("this referral", "this transfer"), in the reader's language.
PURPOSE_WORDS: dict[ConsentPurpose, Text] = {
    ConsentPurpose.referral: msg("referral"),
    ConsentPurpose.transfer: msg("transfer"),
    ConsentPurpose.data_sharing: msg("data sharing"),
    ConsentPurpose.assessment: msg("assessment"),
}


def consent_of(row: RowMapping) -> Consent:
    return Consent(
        purpose=ConsentPurpose(row["purpose"]),
        scope=row["scope"],
        given_on=row["given_on"],
        given_by=GivenBy(row["given_by"]),
        recipient_organisation_id=row["recipient_organisation_id"],
        recipient_kind=OrganisationKind(row["recipient_kind"]) if row["recipient_kind"] else None,
        expires_on=row["expires_on"],
        guardian_name=row["guardian_name"],
        guardian_relationship=row["guardian_relationship"],
        withdrawn_at=row["withdrawn_at"],
    )


def record_consent(ctx: Context, principal: Principal, case_id: UUID, consent: Consent) -> UUID:
    """Record a consent the person (or, for a child, a guardian) gave; the case's workers record."""
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True)
        standing.require_work()
        person = standing.case["person_id"]
        card = registry.related_person_cards_in(conn, [person]).get(person)
        issues = consent_issues(consent, card.birth_date if card else None, now.date())
        recipient = consent.recipient_organisation_id
        if recipient is not None and not access.organisations_in(conn, {recipient}):
            text = msg("No organisation {id}", id=str(recipient))
            issues.append(Issue("recipient_organisation_id", "organisation.unknown", text))
        refuse_if(issues, msg("The consent is not valid"))
        consent_id = new_id()
        guardian = consent.given_by is GivenBy.guardian
        store.insert_row(
            conn,
            "consent",
            {
                "id": consent_id,
                "case_id": case_id,
                "person_id": person,
                "purpose": consent.purpose.value,
                "recipient_organisation_id": recipient,
                "recipient_kind": consent.recipient_kind.value if consent.recipient_kind else None,
                "scope": consent.scope.strip(),
                "given_on": consent.given_on,
                "expires_on": consent.expires_on,
                "given_by": consent.given_by.value,
                "guardian_name": (consent.guardian_name or "").strip() or None if guardian else None,
                "guardian_relationship": (consent.guardian_relationship or "").strip() or None
                if guardian
                else None,
                "recorded_by": principal.user_id,
                "recorded_at": now,
                "withdrawn_by": None,
                "withdrawn_at": None,
            },
        )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_CONSENT,
            standing.case,
            consent=str(consent_id),
            step="record",
            purpose=consent.purpose.value,
            given_by=consent.given_by.value,
        )
    return consent_id


def withdraw_consent(ctx: Context, principal: Principal, consent_id: UUID) -> None:
    """The person withdraws a consent (from now on: what was handed over under it stays recorded)."""
    now = utcnow()
    with ctx.transaction() as conn:
        row = store.row_by_id(conn, "consent", consent_id)
        if row is None:
            raise NotFound(msg("Consent {id} not found", id=str(consent_id)))
        standing = standing_in(conn, principal, row["case_id"], now, lock=True)
        standing.require_work()
        may_withdraw(consent_of(row))
        store.withdraw_consent(conn, consent_id, principal.user_id, now)
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_CONSENT,
            standing.case,
            consent=str(consent_id),
            step="withdraw",
            purpose=row["purpose"],
            given_by=row["given_by"],
        )


@dataclass(frozen=True)
class Basis:
    """What a handover rests on: a consent, or an override's reason."""

    consent_id: UUID | None
    override_reason: str | None


def handover_basis(
    conn: Connection,
    standing: Standing,
    purpose: ConsentPurpose,
    recipient: UUID,
    today: date,
    *,
    consent_id: UUID | None,
    override_reason: str | None,
) -> Basis:
    """The consent a referral or transfer to ``recipient`` rests on (the one named, or any valid one); without
    one, an override: ``cases:consent_override`` over the case's area and a reason. Otherwise refused (409,
    guard ``consent_required``; a named consent that does not cover it: ``consent_invalid``)."""
    organisations = access.organisations_in(conn, {recipient})
    if recipient not in organisations:
        text = msg("No organisation {id}", id=str(recipient))
        raise Invalid(text, [Issue("to_organisation_id", "organisation.unknown", text)])
    kind = organisations[recipient].kind
    rows = store.rows_of(conn, "consent", standing.case_id)
    valid = [r["id"] for r in rows if consent_of(r).valid_for(purpose, recipient, today, kind)]
    if consent_id is not None:
        if consent_id not in valid:
            raise GuardRefused(
                "consent_invalid",
                msg(
                    "Consent {id} does not cover this {purpose} today",
                    id=str(consent_id),
                    purpose=PURPOSE_WORDS[purpose],
                ),
                "consent_id",
            )
        return Basis(consent_id, None)
    if valid:
        return Basis(valid[0], None)
    if override_reason is None or not override_reason.strip():
        raise GuardRefused(
            "consent_required",
            msg(
                "No valid consent of the person for this {purpose} to {organisation}: record one, or "
                "override it with a reason",
                purpose=PURPOSE_WORDS[purpose],
                organisation=organisations[recipient].name,
            ),
            "consent_id",
        )
    if not standing.principal.can(Permission.cases_consent_override, standing.area_code):
        raise Forbidden(REFUSALS[Permission.cases_consent_override])
    return Basis(None, reason_required(override_reason, "consent_override", "override_reason"))
