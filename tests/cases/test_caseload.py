"""Issue 15: caseloads on both databases: a worker's inbox (their cases, overdue follow-ups, referrals and
transfers waiting, overdue referrals), an organisation's figures, an area's protected figures for roles
without individual access, the services delivered for the PPKS needs picture, and an assessment prefilled
from the person's PPKS flags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from inklusi.cases import service
from inklusi.cases.handovers import ConsentPurpose
from inklusi.cases.model import Phase, TransitionName
from inklusi.cases.records import NeedLevel, Outcome, OutcomeKind, ServiceRecord
from inklusi.cases.tables import case_referral
from inklusi.errors import Forbidden
from inklusi.ppks import service as ppks
from inklusi.ppks.model import ServiceType
from tests.cases.conftest import consent, opened
from tests.cases.test_handovers import in_intervention, refer
from tests.factories import SYSTEM


def test_the_inbox_shows_what_waits_for_a_worker_and_their_organisation(world):
    ctx, worker = world.ctx, world["worker"]
    late = opened(world)
    service.schedule_follow_up(ctx, worker, late, date.today() - timedelta(days=1))
    referred = in_intervention(world)
    consent(world, referred, "yayasan")
    referral = refer(world, referred)
    consent(world, late, "lks", ConsentPurpose.transfer)
    transfer = service.propose_transfer(
        ctx, worker, late, to_organisation_id=world.orgs["lks"], reason="closer"
    )
    with ctx.transaction() as conn:  # nobody answered in time
        conn.execute(update(case_referral).values(respond_by=date.today() - timedelta(days=2)))
    mine = service.inbox(ctx, worker)
    assert {c.id for c in mine.my_cases} == {late, referred}
    (overdue,) = mine.overdue_follow_ups
    assert overdue.id == late and overdue.overdue and overdue.person.name == "Budi Santoso"
    assert [r.id for r in mine.overdue_referrals] == [referral.id] and mine.overdue_referrals[0].overdue
    assert mine.referrals_waiting == () and mine.transfers_waiting == ()
    theirs = service.inbox(ctx, world["foundation"])
    assert [r.id for r in theirs.referrals_waiting] == [referral.id] and theirs.my_cases == ()
    assert theirs.referrals_waiting[0].person.name == "Budi Santoso"
    assert [t.id for t in service.inbox(ctx, world["lks_worker"]).transfers_waiting] == [transfer.id]
    with pytest.raises(Forbidden):
        service.inbox(ctx, world["planner"])


def test_an_organisation_sees_its_figures(world):
    ctx, worker = world.ctx, world["worker"]
    referred = in_intervention(world)
    opened(world, categories=("homeless",))
    consent(world, referred, "yayasan")
    referral = refer(world, referred)
    service.accept_referral(ctx, world["foundation"], referral.id)
    service.record_outcome(
        ctx,
        worker,
        referred,
        Outcome(
            OutcomeKind.graduation, date.today(), income_before=100_000, income_after=900_000, graduated=True
        ),
    )
    figures = service.organisation_dashboard(ctx, worker)
    assert figures.organisation.id == world.orgs["dinsos"]
    assert figures.open_by_phase == {"intake": 1, "intervention": 1}
    assert figures.open_by_category == {"drug_abuse_victims": 1, "homeless": 1, "poor": 1}
    assert figures.referrals_sent.statuses == {"accepted": 1}
    assert figures.referrals_sent.acceptance_hours.count == 1
    assert figures.graduations == 1 and figures.income_change.median == 800_000
    received = service.organisation_dashboard(ctx, world["foundation"])
    assert received.referrals_received.statuses == {"accepted": 1} and received.open_by_phase == {}


def test_an_area_s_figures_pass_the_disclosure_control(world):
    ctx = world.ctx
    for _ in range(10):  # a total's threshold is its largest cell's: 10 where a sensitive row is summed
        opened(world, categories=("poor",))
    planner = world["planner"]  # ppks:read over Jawa Barat, no ppks:sensitive, no individual access
    table = service.area_dashboard(ctx, planner, "32").cases
    poor = table.values[table.rows.index("poor")]
    assert poor[table.columns.index("intake")] == 10 and poor[-1] == 10
    opened(world, categories=("people_living_with_hiv",))
    figures = service.area_dashboard(ctx, planner, "32")
    assert "people_living_with_hiv" not in figures.cases.rows and figures.cases.totals is None
    assert figures.graduations == 0 and figures.acceptance_hours is None
    everything = service.area_dashboard(ctx, world["centre"], "32.73").cases  # ppks:sensitive nationwide
    hiv = everything.values[everything.rows.index("people_living_with_hiv")]
    assert hiv[everything.columns.index("intake")] is None  # 1 < 10: suppressed
    column = [row[everything.columns.index("intake")] for row in everything.values]
    total = everything.totals[everything.columns.index("intake")]
    assert column.count(None) + (total is None) >= 2  # and one more, so that it cannot be recovered
    with pytest.raises(Forbidden):
        service.area_dashboard(ctx, planner, "31")
    with pytest.raises(Forbidden):
        service.area_dashboard(ctx, world["foundation"], "32")  # ppks:read over 32.73 only


def test_delivered_services_feed_the_ppks_needs_picture(world):
    ctx, worker = world.ctx, world["worker"]
    referred = in_intervention(world)
    record = ServiceRecord(ServiceType.social_assistance, date.today(), world.orgs["dinsos"])
    service.record_service(ctx, worker, referred, record)
    service.record_service(ctx, worker, referred, record)
    table = service.delivered_services(ctx)
    assert table.column_names == ["person_id", "service_type"]
    assert table.to_pylist() == [
        {"person_id": str(world.persons["adult"]), "service_type": "social_assistance"}
    ]


def test_an_assessment_is_prefilled_from_the_person_s_ppks_flags(ctx):
    from tests.cases.conftest import make_world
    from tests.ppks.conftest import craft

    crafted = craft(ctx)
    ppks.identify(ctx, SYSTEM)
    world = make_world(ctx)
    worker = world["worker"]
    case_id = service.open_case(ctx, worker, person_id=crafted.bandung_head).id  # categories: the flags
    case = service.case_view(ctx, worker, case_id)
    assert case.categories == ("persons_with_disabilities",) and case.sensitive
    service.transition(ctx, worker, case_id, TransitionName.assess)
    draft = service.assessment_draft(ctx, worker, case_id)
    needed = {n.service_type for n in draft.needs if n.level is NeedLevel.medium}
    assert ServiceType.physical_therapy in needed and ServiceType.accessibility_support in needed
    assert draft.categories == ("persons_with_disabilities",)
    assert service.case_view(ctx, worker, case_id).phase is Phase.assessment
