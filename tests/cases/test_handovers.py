"""Issue 15: referrals, transfers and consents on both databases. A Dinas Sosial worker refers a case to a
foundation, which accepts, records a vocational training and an income outcome and completes; a referral
without consent is refused, with the override it passes and the audit shows the reason; transfers hand the
case over; a child consents through a guardian."""

from __future__ import annotations

import json
from datetime import date

import pytest

from inklusi.access.model import Principal
from inklusi.audit import service as audit
from inklusi.cases import service
from inklusi.cases.handovers import Consent, ConsentPurpose, GivenBy, ReferralStatus, TransferStatus
from inklusi.cases.model import Phase, Relation, TransitionName, View
from inklusi.cases.records import Outcome, OutcomeKind, ServiceRecord
from inklusi.directory import service as directory
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.ppks.model import ServiceType
from tests.cases.conftest import consent, opened
from tests.factories import SYSTEM

TRAINING = ServiceType.vocational_training


def in_intervention(world, categories=("poor", "drug_abuse_victims")):
    """A case of the Dinas Sosial in intervention (the categories: one of them sensitive)."""
    from tests.cases.test_lifecycle import assessment, plan

    ctx, worker = world.ctx, world["worker"]
    case_id = opened(world, categories=categories)
    service.transition(ctx, worker, case_id, TransitionName.assess)
    service.record_assessment(ctx, worker, case_id, assessment(categories))
    service.record_plan(ctx, worker, case_id, plan(world))
    service.add_note(ctx, worker, case_id, "relapsed once last year")
    service.transition(ctx, worker, case_id, TransitionName.propose_plan)
    service.transition(ctx, world["supervisor"], case_id, TransitionName.approve_plan)
    return case_id


def refer(world, case_id, by="worker", **extra):
    return service.refer(
        world.ctx,
        world[by],
        case_id,
        to_organisation_id=world.orgs["yayasan"],
        service_type=TRAINING,
        reason="furniture from waste wood",
        **extra,
    )


def test_a_referral_goes_to_a_foundation_which_sees_only_its_part(world):
    ctx, worker, foundation = world.ctx, world["worker"], world["foundation"]
    case_id = in_intervention(world)
    with pytest.raises(NotFound):  # no relation yet: the case does not exist for the foundation
        service.case_view(ctx, foundation, case_id)
    consent_id = consent(world, case_id, "yayasan")
    referral = refer(world, case_id)
    assert referral.status is ReferralStatus.pending and referral.consent_id == consent_id
    assert not referral.overdue and referral.respond_by > date.today()
    seen = service.case_view(ctx, foundation, case_id)
    assert seen.view is View.referral and seen.relations == (Relation.receiver,)
    assert seen.person.name == "Budi Santoso"
    for hidden in (
        "categories",
        "assessments",
        "plans",
        "notes",
        "needs",
        "transitions",
        "consents",
        "phase",
    ):
        assert getattr(seen, hidden) is None, hidden
    assert [r.id for r in seen.referrals] == [referral.id]
    with pytest.raises(Forbidden):  # only the receiving side answers
        service.accept_referral(ctx, worker, referral.id)
    service.accept_referral(ctx, foundation, referral.id)
    with pytest.raises(Conflict) as refused:  # a service not referred
        service.record_service(
            ctx,
            foundation,
            case_id,
            ServiceRecord(
                ServiceType.social_care, date.today(), world.orgs["yayasan"], referral_id=referral.id
            ),
        )
    assert refused.value.issues[0].code == "guard.referral_service_type"
    with pytest.raises(Forbidden):  # only under the referral
        service.record_service(
            ctx, foundation, case_id, ServiceRecord(TRAINING, date.today(), world.orgs["yayasan"])
        )
    service.record_service(
        ctx,
        foundation,
        case_id,
        ServiceRecord(
            TRAINING,
            date.today(),
            world.orgs["dinsos"],
            referral_id=referral.id,
            programme_code="prakerja",
            note="carpentry, 6 weeks",
        ),
    )
    service.record_outcome(
        ctx,
        foundation,
        case_id,
        Outcome(
            OutcomeKind.income,
            date.today(),
            income_before=300_000,
            income_after=1_500_000,
            referral_id=referral.id,
        ),
    )
    with pytest.raises(Forbidden):  # the foundation does not move the case
        service.transition(ctx, foundation, case_id, TransitionName.reintegrate)
    done = service.complete_referral(ctx, foundation, referral.id)
    assert done.status is ReferralStatus.completed and done.closed_by.id == foundation.user_id
    seen = service.case_view(ctx, foundation, case_id)
    (delivered,) = seen.services
    assert delivered.provider.id == world.orgs["yayasan"]  # under a referral: the receiver provides
    assert delivered.note == "carpentry, 6 weeks"  # its own records' notes: it holds ppks:sensitive
    assert seen.outcomes[0].income_after == 1_500_000
    owner = service.case_view(ctx, worker, case_id)
    assert owner.services[0].referral_id == referral.id and owner.outcomes[0].income_before == 300_000
    assert owner.referrals[0].status is ReferralStatus.completed


def test_a_referral_without_consent_is_refused_and_with_the_override_passes_audited(world):
    ctx = world.ctx
    case_id = in_intervention(world)
    with pytest.raises(Conflict) as refused:
        refer(world, case_id)
    assert refused.value.issues[0].code == "guard.consent_required"
    assert refused.value.issues[0].field == "consent_id"
    with pytest.raises(Forbidden):  # a worker may not override
        refer(world, case_id, override_reason="urgent: no family to ask")
    consent(world, case_id, "lks")  # a consent for another organisation does not count
    with pytest.raises(Conflict):
        refer(world, case_id)
    referral = refer(world, case_id, by="supervisor", override_reason="urgent: no family to ask")
    assert referral.consent_id is None and referral.override_reason == "urgent: no family to ask"
    entries = audit.recent(ctx, Principal.system(), limit=50, object_type="case", object_id=str(case_id))
    (made,) = [json.loads(e.detail) for e in entries if e.action == "case.referral"]
    assert made["override_reason"] == "urgent: no family to ask" and made["step"] == "refer"
    assert "consent" not in made


def test_referrals_are_rejected_revoked_and_refused_where_the_state_forbids(world):
    ctx, worker, foundation = world.ctx, world["worker"], world["foundation"]
    case_id = in_intervention(world)
    consent(world, case_id, "yayasan")
    first = refer(world, case_id)
    with pytest.raises(Conflict) as refused:
        refer(world, case_id)
    assert refused.value.issues[0].code == "guard.referral_open"
    with pytest.raises(Invalid):
        service.reject_referral(ctx, foundation, first.id, " ")
    rejected = service.reject_referral(ctx, foundation, first.id, "no places until March")
    assert rejected.status is ReferralStatus.rejected and rejected.close_reason == "no places until March"
    with pytest.raises(NotFound):  # rejected: the foundation no longer sees the case
        service.case_view(ctx, foundation, case_id)
    second = refer(world, case_id)
    with pytest.raises(Conflict) as refused:  # a termination waits for open referrals
        service.transition(ctx, worker, case_id, TransitionName.propose_termination, reason="done")
    assert refused.value.issues[0].code == "guard.open_referrals"
    with pytest.raises(Forbidden):  # the owner side revokes, not the receiver
        service.revoke_referral(ctx, foundation, second.id, "no")
    revoked = service.revoke_referral(ctx, worker, second.id, "the person moved away")
    assert revoked.status is ReferralStatus.revoked
    with pytest.raises(Forbidden):  # the owner side does not complete
        service.complete_referral(ctx, worker, second.id)
    with pytest.raises(NotFound):  # revoked: the foundation no longer sees it
        service.accept_referral(ctx, foundation, second.id)
    with pytest.raises(NotFound):
        service.accept_referral(ctx, foundation, world.orgs["yayasan"])  # no such referral


def test_a_transfer_shows_a_summary_first_and_hands_the_case_over(world):
    ctx, worker, foundation = world.ctx, world["worker"], world["foundation"]
    case_id = in_intervention(world)
    with pytest.raises(Conflict):  # no consent for a transfer
        service.propose_transfer(
            ctx, worker, case_id, to_organisation_id=world.orgs["yayasan"], reason="closer"
        )
    consent(world, case_id, "yayasan", ConsentPurpose.transfer)
    proposal = service.propose_transfer(
        ctx, worker, case_id, to_organisation_id=world.orgs["yayasan"], reason="closer"
    )
    with pytest.raises(Conflict) as refused:
        service.propose_transfer(ctx, worker, case_id, to_organisation_id=world.orgs["lks"], reason="x")
    assert refused.value.issues[0].code == "guard.transfer_pending"
    summary = service.case_view(ctx, foundation, case_id)
    assert summary.view is View.summary and summary.phase is Phase.intervention
    assert summary.categories == ("poor",)  # never a sensitive one before accepting
    assert summary.needs and summary.person.name == "Budi Santoso"
    assert [t.id for t in summary.transfers] == [proposal.id]
    assert summary.notes is None and summary.assessments is None and summary.services is None
    with pytest.raises(Forbidden):
        service.accept_transfer(ctx, worker, proposal.id)
    accepted = service.accept_transfer(ctx, foundation, proposal.id)
    assert accepted.status is TransferStatus.accepted
    now_theirs = service.case_view(ctx, foundation, case_id)
    assert now_theirs.view is View.full and now_theirs.owner_organisation.id == world.orgs["yayasan"]
    assert now_theirs.assigned is None
    with pytest.raises(NotFound):  # the Dinas Sosial worker no longer relates to it
        service.case_view(ctx, worker, case_id)


def test_a_transfer_is_refused_with_a_reason_or_cancelled(world):
    ctx, worker = world.ctx, world["worker"]
    case_id = opened(world)
    consent(world, case_id, "lks", ConsentPurpose.transfer)
    first = service.propose_transfer(ctx, worker, case_id, to_organisation_id=world.orgs["lks"], reason="r")
    with pytest.raises(Invalid):
        service.refuse_transfer(ctx, world["lks_worker"], first.id, "")
    refused = service.refuse_transfer(ctx, world["lks_worker"], first.id, "full")
    assert refused.status is TransferStatus.refused and refused.decision_reason == "full"
    second = service.propose_transfer(ctx, worker, case_id, to_organisation_id=world.orgs["lks"], reason="r")
    assert service.cancel_transfer(ctx, worker, second.id).status is TransferStatus.cancelled
    with pytest.raises(NotFound):  # no transfer waits for them: the case is gone from their sight
        service.accept_transfer(ctx, world["lks_worker"], second.id)
    with pytest.raises(Conflict) as refused_to_owner:
        service.propose_transfer(ctx, worker, case_id, to_organisation_id=world.orgs["dinsos"], reason="r")
    assert refused_to_owner.value.issues[0].code == "guard.transfer_to_owner"


def test_a_child_consents_through_a_guardian_and_a_withdrawn_consent_stops_counting(world):
    ctx, worker = world.ctx, world["worker"]
    case_id = opened(world, person="child")
    own = Consent(
        ConsentPurpose.referral, "training", date.today(), recipient_organisation_id=world.orgs["yayasan"]
    )
    with pytest.raises(Invalid) as refused:
        service.record_consent(ctx, worker, case_id, own)
    assert {i.field for i in refused.value.issues} >= {"given_by", "guardian_name"}
    guardian = Consent(
        ConsentPurpose.referral,
        "training",
        date.today(),
        GivenBy.guardian,
        recipient_organisation_id=world.orgs["yayasan"],
        guardian_name="Siti Aminah",
        guardian_relationship="mother",
    )
    consent_id = service.record_consent(ctx, worker, case_id, guardian)
    (shown,) = service.case_view(ctx, worker, case_id).consents
    assert shown.given_by is GivenBy.guardian and shown.guardian_name == "Siti Aminah" and shown.valid_today
    service.withdraw_consent(ctx, worker, consent_id)
    with pytest.raises(Conflict) as again:
        service.withdraw_consent(ctx, worker, consent_id)
    assert again.value.issues[0].code == "guard.withdrawn"
    assert not service.case_view(ctx, worker, case_id).consents[0].valid_today
    with pytest.raises(Conflict) as refused:
        service.refer(
            ctx,
            worker,
            case_id,
            to_organisation_id=world.orgs["yayasan"],
            service_type=TRAINING,
            reason="r",
            consent_id=consent_id,
        )
    assert refused.value.issues[0].code == "guard.consent_invalid"


def test_a_referral_to_a_directory_service_must_name_its_organisation_and_type(world):
    """The target chosen from the directory: the service exists, is active, is offered by the receiving
    organisation (the directory organisation linked to it) and is of the type asked; else 422 naming it."""
    from tests.directory.conftest import SENTRA, seed, seeded_id

    ctx = world.ctx
    seed(ctx)
    directory.link_organisation(ctx, SYSTEM, SENTRA.id, world.orgs["sentra"])
    case_id = in_intervention(world)
    consent(world, case_id, "sentra")
    therapy = seeded_id("therapy")  # the centre's psychosocial therapy
    closed, psychosocial = seeded_id("closed"), ServiceType.psychosocial_therapy
    refused = {
        "unknown": {"directory_service_id": seeded_id("nothing")},
        "organisation": {"directory_service_id": therapy, "to_organisation_id": world.orgs["yayasan"]},
        "service_type": {"directory_service_id": therapy, "service_type": TRAINING},
        "inactive": {"directory_service_id": closed, "service_type": ServiceType.social_assistance},
    }
    for code, extra in refused.items():
        arguments = {"to_organisation_id": world.orgs["sentra"], "service_type": psychosocial}
        with pytest.raises(Invalid) as problem:
            service.refer(ctx, world["worker"], case_id, reason="therapy", **(arguments | extra))
        assert (problem.value.issues[0].field, problem.value.issues[0].code) == (
            "directory_service_id",
            f"directory.{code}",
        )
    referral = service.refer(
        ctx,
        world["worker"],
        case_id,
        to_organisation_id=world.orgs["sentra"],
        service_type=ServiceType.psychosocial_therapy,
        reason="therapy",
        directory_service_id=therapy,
    )
    assert referral.directory_service_id == therapy and referral.status is ReferralStatus.pending
