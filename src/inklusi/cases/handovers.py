"""Handing a case on: consents, referrals and transfers, and how their states change. Pure.

- A **consent** is recorded per purpose (``referral``, ``transfer``, ``data_sharing``, ``assessment``) and
  recipient (one organisation, any organisation of a kind, or any), with its scope, the day it was given, an
  optional expiry and, once withdrawn, the moment. A child (under 18 on the day given) consents through a
  guardian, named with their relationship; a child's own consent is refused.
- A **referral** asks another organisation for one service: pending → accepted → completed; pending →
  rejected (with a reason); pending or accepted → revoked by the owner side (with a reason). A pending
  referral past its ``respond_by`` day is overdue.
- A **transfer** hands the whole case to another organisation: pending → accepted (the owner changes, the
  assigned worker is cleared) | refused (with a reason) | cancelled (by the owner side).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from inklusi.access.model import OrganisationKind
from inklusi.cases.model import GuardRefused, reason_required
from inklusi.errors import Issue
from inklusi.i18n import msg

ADULT_AGE = 18
RESPOND_DAYS = 7  # a referral's respond_by, unless the referrer sets another day
MAX_SCOPE = 2000
MAX_NAME = 200


class ConsentPurpose(StrEnum):
    referral = "referral"
    transfer = "transfer"
    data_sharing = "data_sharing"
    assessment = "assessment"


class GivenBy(StrEnum):
    self_ = "self"
    guardian = "guardian"


@dataclass(frozen=True)
class Consent:
    purpose: ConsentPurpose
    scope: str
    given_on: date
    given_by: GivenBy = GivenBy.self_
    recipient_organisation_id: UUID | None = None  # one organisation …
    recipient_kind: OrganisationKind | None = None  # … or any of a kind; neither: any organisation
    expires_on: date | None = None
    guardian_name: str | None = None
    guardian_relationship: str | None = None
    withdrawn_at: datetime | None = None

    def valid_for(
        self,
        purpose: ConsentPurpose,
        recipient_org: UUID,
        on: date,
        recipient_kind: OrganisationKind | None = None,
    ) -> bool:
        """Whether the consent covers handing the case to ``recipient_org`` (of ``recipient_kind``) for
        ``purpose`` on the day ``on``."""
        if self.purpose is not purpose or self.withdrawn_at is not None:
            return False
        if on < self.given_on or (self.expires_on is not None and on > self.expires_on):
            return False
        if self.recipient_organisation_id is not None:
            return self.recipient_organisation_id == recipient_org
        if self.recipient_kind is not None:
            return self.recipient_kind == recipient_kind
        return True


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def consent_issues(consent: Consent, birth_date: date | None, today: date) -> list[Issue]:
    """What is wrong with a consent to record: dates, recipient, and a child's consent through a guardian
    (``birth_date`` None: the registry does not know the age, and the consent is taken as given)."""
    issues: list[Issue] = []
    if not consent.scope.strip():
        issues.append(Issue("scope", "required", msg("Say what the consent covers")))
    elif len(consent.scope) > MAX_SCOPE:
        issues.append(Issue("scope", "too_long", msg("At most {n} characters", n=MAX_SCOPE)))
    if consent.given_on > today:
        issues.append(Issue("given_on", "date.future", msg("{day} is in the future", day=consent.given_on)))
    if consent.expires_on is not None and consent.expires_on < consent.given_on:
        text = msg("A consent cannot expire before it was given")
        issues.append(Issue("expires_on", "date.order", text))
    if consent.recipient_organisation_id is not None and consent.recipient_kind is not None:
        text = msg("Name one organisation or a kind of organisation, not both")
        issues.append(Issue("recipient_kind", "recipient.both", text))
    child = birth_date is not None and age_on(birth_date, consent.given_on) < ADULT_AGE
    if consent.given_by is GivenBy.guardian or child:
        if child and consent.given_by is GivenBy.self_:
            text = msg("The person was a child on that day: a guardian consents for them")
            issues.append(Issue("given_by", "consent.child", text))
        for name in ("guardian_name", "guardian_relationship"):
            value = (getattr(consent, name) or "").strip()
            if not value:
                text = msg("A guardian's consent names the guardian and their relationship")
                issues.append(Issue(name, "required", text))
            elif len(value) > MAX_NAME:
                issues.append(Issue(name, "too_long", msg("At most {n} characters", n=MAX_NAME)))
    return issues


def may_withdraw(consent: Consent) -> None:
    if consent.withdrawn_at is not None:
        raise GuardRefused("withdrawn", msg("The consent was withdrawn already"), "consent")


# --- Referrals ----------------------------------------------------------------------------------------------


class ReferralStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    completed = "completed"
    revoked = "revoked"

    @property
    def open(self) -> bool:
        return self in (ReferralStatus.pending, ReferralStatus.accepted)

    @property
    def shared(self) -> bool:
        """The receiving organisation sees the referral (and the case's person card)."""
        return self in (ReferralStatus.pending, ReferralStatus.accepted, ReferralStatus.completed)


class ReferralMove(StrEnum):
    accept = "accept"  # the receiving side
    reject = "reject"  # the receiving side, with a reason
    complete = "complete"  # the receiving side
    revoke = "revoke"  # the owner side, with a reason


_R = ReferralStatus
REFERRAL_MOVES: dict[ReferralMove, tuple[tuple[ReferralStatus, ...], ReferralStatus, bool]] = {
    ReferralMove.accept: ((_R.pending,), _R.accepted, False),
    ReferralMove.reject: ((_R.pending,), _R.rejected, True),
    ReferralMove.complete: ((_R.accepted,), _R.completed, False),
    ReferralMove.revoke: ((_R.pending, _R.accepted), _R.revoked, True),
}
RECEIVING_SIDE = frozenset({ReferralMove.accept, ReferralMove.reject, ReferralMove.complete})


def move_referral(status: ReferralStatus, move: ReferralMove, reason: str | None = None) -> ReferralStatus:
    """The referral's next status, or an error naming the guard (``referral_status``, ``reason_required``)."""
    sources, target, needs_reason = REFERRAL_MOVES[move]
    if status not in sources:
        raise GuardRefused(
            "referral_status",
            msg("The referral is {status}: it cannot {move}", status=status.value, move=move.value),
            "referral",
        )
    if needs_reason:
        reason_required(reason)
    return target


def overdue(status: ReferralStatus, respond_by: date, today: date) -> bool:
    """A referral still pending after the day it should have been answered by."""
    return status is ReferralStatus.pending and today > respond_by


# --- Transfers ----------------------------------------------------------------------------------------------


class TransferStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    refused = "refused"
    cancelled = "cancelled"


class TransferMove(StrEnum):
    accept = "accept"  # the receiving side: the case is theirs
    refuse = "refuse"  # the receiving side, with a reason
    cancel = "cancel"  # the owner side


_X = TransferStatus
TRANSFER_MOVES: dict[TransferMove, tuple[TransferStatus, bool]] = {
    TransferMove.accept: (_X.accepted, False),
    TransferMove.refuse: (_X.refused, True),
    TransferMove.cancel: (_X.cancelled, False),
}


def move_transfer(status: TransferStatus, move: TransferMove, reason: str | None = None) -> TransferStatus:
    """Only a pending transfer moves; a refusal needs a reason."""
    target, needs_reason = TRANSFER_MOVES[move]
    if status is not TransferStatus.pending:
        raise GuardRefused(
            "transfer_status", msg("The transfer is {status} already", status=status.value), "transfer"
        )
    if needs_reason:
        reason_required(reason)
    return target


def may_propose_transfer(pending: int, to_organisation: UUID, owner: UUID) -> None:
    """One pending transfer at a time, and never to the owner itself."""
    if to_organisation == owner:
        raise GuardRefused(
            "transfer_to_owner", msg("The case belongs to that organisation already"), "to_organisation_id"
        )
    if pending:
        raise GuardRefused(
            "transfer_pending", msg("A transfer of this case is waiting already: cancel it first"), "transfer"
        )
