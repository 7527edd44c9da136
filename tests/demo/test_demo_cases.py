"""Issue 15: the demo's case management — its organisations and users, the directory linked to them, and the
cases along the paths the issue names, as the users who work them see them (through the cases service, on
both databases)."""

from __future__ import annotations

import json
from uuid import UUID

from inklusi import demo
from inklusi.access import service as access
from inklusi.cases import service as cases
from inklusi.cases.handovers import GivenBy, ReferralStatus, TransferStatus
from inklusi.cases.model import Phase, PlanStatus, View
from inklusi.cases.records import OutcomeKind
from inklusi.demo import cases as demo_cases
from inklusi.demo.outside import register_outside
from inklusi.directory import service as directory
from inklusi.directory.validation import validator_for
from inklusi.ppks.model import ServiceType
from tests.directory.conftest import ORIGINALS


def _world(ctx, tmp_path) -> demo_cases.DemoCases | None:
    """The demo's organisations and users, its outreach list (no synthetic population), then its cases."""
    demo._ensure_users(ctx)
    register_outside(ctx, tmp_path)  # no outside_households.parquet: the demo's own list only
    return demo_cases.prepare_cases(ctx)


def _case_of(ctx, username: str, name: str) -> UUID:
    page = cases.list_cases(ctx, access.principal_of(ctx, username), open_only=False, limit=200)
    found = [case.id for case in page.cases if case.person and case.person.name == name]
    assert len(found) == 1, (name, [c.person for c in page.cases])
    return found[0]


def test_the_demo_works_cases_along_the_issues_paths(ctx, tmp_path):
    report = _world(ctx, tmp_path)
    assert report is not None
    phases = {case.person: case.phase for case in report.cases}
    assert phases == {
        "Asep Saepudin": "monitoring",
        "Entis Sutisna": "assessment",
        "Ujang": "planning",
        "Nining": "intervention",
        "Darsih": "closed",
        "Mbok Sumi": "intake",
        "Andri Firmansyah": "termination",
    }
    assert report.organisations == 4 and {case.organisation for case in report.cases} == {
        demo_cases.CENTRE,
        demo_cases.DINSOS,
        demo_cases.PEDULI,
    }
    kayu = access.organisation_id(ctx, demo_cases.KAYU)
    centre = access.organisation_id(ctx, demo_cases.CENTRE)

    # a referral completed, chosen from the directory, with a vocational training and an income outcome
    asep = _case_of(ctx, demo_cases.WORKER, "Asep Saepudin")
    owner_view = cases.case_view(ctx, access.principal_of(ctx, demo_cases.WORKER), asep)
    assert owner_view.phase is Phase.monitoring and owner_view.view is View.full
    referrals = {r.to_organisation.id: r for r in owner_view.referrals}
    assert {r.status for r in referrals.values()} == {ReferralStatus.completed}
    training = referrals[kayu]
    assert training.service_type is ServiceType.vocational_training and training.consent_id is not None
    offer = directory.offer(ctx, training.directory_service_id)
    assert offer is not None and offer.organisation_id == kayu and offer.service_type == "vocational_training"
    income = [o for o in owner_view.outcomes if o.kind is OutcomeKind.income]
    assert [(o.income_before, o.income_after, o.referral_id) for o in income] == [
        (*report.income, training.id)
    ]
    assert report.income[1] > report.income[0]
    served = {(s.service_type, s.referral_id) for s in owner_view.services}
    assert (ServiceType.vocational_training, training.id) in served
    assert (ServiceType.psychosocial_therapy, referrals[centre].id) in served
    # the foundation sees its referral and what was recorded under it, nothing else of the case
    receiver = cases.case_view(ctx, access.principal_of(ctx, demo_cases.KAYU_WORKER), asep)
    assert receiver.view is View.referral and receiver.categories is None and receiver.assessments is None
    assert [r.id for r in receiver.referrals] == [training.id]
    assert {o.referral_id for o in receiver.outcomes} == {training.id}

    # a transfer to the ministry centre, refused with a reason: the Dinas Sosial keeps the case
    entis = cases.case_view(
        ctx, access.principal_of(ctx, demo_cases.WORKER), _case_of(ctx, demo_cases.WORKER, "Entis Sutisna")
    )
    assert [(t.to_organisation.id, t.status) for t in entis.transfers] == [(centre, TransferStatus.refused)]
    assert entis.transfers[0].decision_reason and entis.owner_organisation.name == demo_cases.DINSOS

    # a child's plan waiting for the foundation's supervisor; consent through a guardian
    ujang_id = _case_of(ctx, demo_cases.PEDULI_WORKER, "Ujang")
    ujang = cases.case_view(ctx, access.principal_of(ctx, demo_cases.PEDULI_SUPERVISOR), ujang_id)
    assert ujang.phase is Phase.planning and ujang.plans[0].status is PlanStatus.proposed
    assert ujang.person.age is not None and ujang.person.age < 18
    assert [(c.given_by, c.guardian_name) for c in ujang.consents] == [(GivenBy.guardian, report.guardian)]

    # the inboxes: a referral waiting for the foundation, the TKSK's overdue follow-up
    waiting = cases.inbox(ctx, access.principal_of(ctx, demo_cases.PEDULI_WORKER)).referrals_waiting
    assert [(r.person.name, r.service_type) for r in waiting] == [("Mbok Sumi", ServiceType.family_support)]
    late = cases.inbox(ctx, access.principal_of(ctx, demo_cases.TKSK)).overdue_follow_ups
    assert [c.person.name for c in late] == ["Mbok Sumi"]

    # what the final PPKS identification counts: the services recorded for the people
    delivered = cases.delivered_services(ctx).to_pylist()
    assert {"person_id": str(owner_view.person.person_id), "service_type": "vocational_training"} in delivered

    # run again: every path's person has a case, nothing is added
    assert demo_cases.prepare_cases(ctx) is None
    everything = cases.list_cases(ctx, access.principal_of(ctx, demo_cases.WORKER), open_only=False)
    assert everything.total == 4  # the Dinas Sosial's: Asep, Entis (peksos.bandung), Darsih, Mbok Sumi (TKSK)


def test_the_demos_directory_names_who_answers_referrals(ctx, tmp_path):
    demo._ensure_users(ctx)
    organisations = {name: access.organisation_id(ctx, name) for name, *_ in demo.ORGANISATIONS}
    services = demo_cases.seed_directory(ctx, organisations)
    assert demo_cases.seed_directory(ctx, organisations) == services  # again: the same services
    offers = {key: directory.offer(ctx, service_id) for key, service_id in services.items()}
    assert offers["kayu-training"].organisation_id == organisations[demo_cases.KAYU]
    assert offers["centre-napza"].area_codes == demo_cases.CATCHMENT
    assert offers["lansia-care"].organisation_id is None  # a provider that does not use Inklusi
    found = directory.search(ctx, service_type="vocational_training", area_code="32.73.01.1001")
    assert [offer.name for offer in found] == ["Pelatihan mebel dari kayu bekas"]
    # the HSDS export of the demo's directory is valid against the HSDS 3 schemas: the copies the package
    # ships and, where the shared folder is at hand, the files Open Referral publishes
    exported = directory.export_hsds(ctx)
    assert len(exported) == len(services)
    validators = [validator_for("service.json")]
    if ORIGINALS.is_dir():
        files = ORIGINALS.glob("*.json")
        originals = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in files}
        validators.append(validator_for("service.json", originals))
    for validator in validators:
        assert [list(validator.iter_errors(record)) for record in exported] == [[]] * len(exported)
