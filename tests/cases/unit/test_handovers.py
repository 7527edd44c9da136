"""Issue 15: consents, referrals and transfers (pure): validity, a child's consent through a guardian, every
state change and its guards."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from inklusi.access.model import OrganisationKind
from inklusi.cases.handovers import (
    REFERRAL_MOVES,
    Consent,
    ConsentPurpose,
    GivenBy,
    ReferralMove,
    ReferralStatus,
    TransferMove,
    TransferStatus,
    consent_issues,
    may_propose_transfer,
    may_withdraw,
    move_referral,
    move_transfer,
    overdue,
)
from inklusi.cases.model import GuardRefused
from inklusi.errors import Invalid

ORG, OTHER = uuid4(), uuid4()
TODAY = date(2026, 12, 1)
ADULT, CHILD = date(1990, 5, 1), date(2012, 5, 1)
CONSENT = Consent(
    ConsentPurpose.referral, "vocational training", date(2026, 11, 1), recipient_organisation_id=ORG
)


def test_a_consent_is_valid_for_its_purpose_recipient_and_days():
    assert CONSENT.valid_for(ConsentPurpose.referral, ORG, TODAY)
    assert not CONSENT.valid_for(ConsentPurpose.transfer, ORG, TODAY)
    assert not CONSENT.valid_for(ConsentPurpose.referral, OTHER, TODAY)
    assert not CONSENT.valid_for(ConsentPurpose.referral, ORG, date(2026, 10, 31))  # before it was given
    expiring = replace(CONSENT, expires_on=date(2026, 11, 30))
    assert expiring.valid_for(ConsentPurpose.referral, ORG, date(2026, 11, 30))
    assert not expiring.valid_for(ConsentPurpose.referral, ORG, TODAY)
    withdrawn = replace(CONSENT, withdrawn_at=datetime(2026, 11, 15, tzinfo=UTC))
    assert not withdrawn.valid_for(ConsentPurpose.referral, ORG, TODAY)


def test_a_consent_for_a_kind_or_for_anyone():
    kind = replace(CONSENT, recipient_organisation_id=None, recipient_kind=OrganisationKind.ngo)
    assert kind.valid_for(ConsentPurpose.referral, OTHER, TODAY, OrganisationKind.ngo)
    assert not kind.valid_for(ConsentPurpose.referral, OTHER, TODAY, OrganisationKind.regional)
    anyone = replace(CONSENT, recipient_organisation_id=None)
    assert anyone.valid_for(ConsentPurpose.referral, OTHER, TODAY, OrganisationKind.central)


def test_an_adults_own_consent_is_fine():
    assert consent_issues(CONSENT, ADULT, TODAY) == []
    assert consent_issues(CONSENT, None, TODAY) == []  # age unknown: taken as given


def test_a_childs_own_consent_is_refused_and_a_guardian_must_be_named():
    issues = consent_issues(CONSENT, CHILD, TODAY)
    assert {(i.field, i.code) for i in issues} >= {
        ("given_by", "consent.child"),
        ("guardian_name", "required"),
    }
    guardian = replace(
        CONSENT, given_by=GivenBy.guardian, guardian_name="Ibu Sari", guardian_relationship="mother"
    )
    assert consent_issues(guardian, CHILD, TODAY) == []
    unnamed = replace(guardian, guardian_relationship=" ")
    assert [i.field for i in consent_issues(unnamed, CHILD, TODAY)] == ["guardian_relationship"]


def test_a_child_turns_adult_on_the_eighteenth_birthday():
    born = date(2008, 12, 1)
    assert consent_issues(replace(CONSENT, given_on=date(2026, 12, 1)), born, TODAY) == []
    on_the_eve = replace(CONSENT, given_on=date(2026, 11, 30))
    assert any(i.code == "consent.child" for i in consent_issues(on_the_eve, born, TODAY))


def test_consent_dates_scope_and_recipient_are_checked():
    wrong = replace(
        CONSENT,
        scope="",
        given_on=date(2026, 12, 2),
        expires_on=date(2026, 1, 1),
        recipient_kind=OrganisationKind.ngo,
    )
    fields = {i.field for i in consent_issues(wrong, ADULT, TODAY)}
    assert fields == {"scope", "given_on", "expires_on", "recipient_kind"}


def test_a_consent_is_withdrawn_once():
    may_withdraw(CONSENT)
    with pytest.raises(GuardRefused) as refused:
        may_withdraw(replace(CONSENT, withdrawn_at=datetime(2026, 11, 15, tzinfo=UTC)))
    assert refused.value.guard == "withdrawn"


R = ReferralStatus
REFERRAL_EXPECTED = {
    (ReferralMove.accept, R.pending): R.accepted,
    (ReferralMove.reject, R.pending): R.rejected,
    (ReferralMove.complete, R.accepted): R.completed,
    (ReferralMove.revoke, R.pending): R.revoked,
    (ReferralMove.revoke, R.accepted): R.revoked,
}


@pytest.mark.parametrize(("move", "status"), sorted(REFERRAL_EXPECTED))
def test_every_referral_move(move, status):
    assert move_referral(status, move, "reason") is REFERRAL_EXPECTED[(move, status)]


@pytest.mark.parametrize(
    ("move", "status"), [(m, s) for m in ReferralMove for s in R if (m, s) not in REFERRAL_EXPECTED]
)
def test_every_other_referral_move_is_refused(move, status):
    with pytest.raises(GuardRefused) as refused:
        move_referral(status, move, "reason")
    assert refused.value.guard == "referral_status"


@pytest.mark.parametrize("move", [m for m, (_s, _t, reason) in REFERRAL_MOVES.items() if reason])
def test_rejecting_and_revoking_need_a_reason(move):
    with pytest.raises(Invalid) as refused:
        move_referral(R.pending, move, " ")
    assert refused.value.issues[0].code == "guard.reason_required"
    assert {m for m, (_s, _t, reason) in REFERRAL_MOVES.items() if reason} == {
        ReferralMove.reject,
        ReferralMove.revoke,
    }


def test_a_pending_referral_past_its_day_is_overdue():
    day = date(2026, 11, 30)
    assert overdue(R.pending, day, TODAY)
    assert not overdue(R.pending, TODAY, TODAY)
    assert not overdue(R.accepted, day, TODAY)


def test_which_referrals_are_open_and_shared():
    assert {s for s in R if s.open} == {R.pending, R.accepted}
    assert {s for s in R if s.shared} == {R.pending, R.accepted, R.completed}


@pytest.mark.parametrize(
    ("move", "expected"),
    [
        (TransferMove.accept, TransferStatus.accepted),
        (TransferMove.refuse, TransferStatus.refused),
        (TransferMove.cancel, TransferStatus.cancelled),
    ],
)
def test_every_transfer_move_from_pending_and_none_after(move, expected):
    assert move_transfer(TransferStatus.pending, move, "reason") is expected
    for done in (TransferStatus.accepted, TransferStatus.refused, TransferStatus.cancelled):
        with pytest.raises(GuardRefused) as refused:
            move_transfer(done, move, "reason")
        assert refused.value.guard == "transfer_status"


def test_a_refused_transfer_needs_a_reason():
    with pytest.raises(Invalid):
        move_transfer(TransferStatus.pending, TransferMove.refuse, None)
    assert move_transfer(TransferStatus.pending, TransferMove.cancel, None) is TransferStatus.cancelled


def test_one_pending_transfer_and_never_to_the_owner():
    may_propose_transfer(0, OTHER, ORG)
    with pytest.raises(GuardRefused) as refused:
        may_propose_transfer(1, OTHER, ORG)
    assert refused.value.guard == "transfer_pending"
    with pytest.raises(GuardRefused) as refused:
        may_propose_transfer(0, ORG, ORG)
    assert refused.value.guard == "transfer_to_owner"
