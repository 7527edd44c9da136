"""Issue 15: what a case records (pure): categories and sensitivity from the PPKS taxonomy, assessments
prefilled from the needs profile, plans, services, outcomes, and the acceptance-time figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

from inklusi.cases.records import (
    Assessment,
    Need,
    NeedLevel,
    Outcome,
    OutcomeKind,
    Plan,
    PlanItem,
    RiskLevel,
    ServiceRecord,
    assessment_issues,
    category_issues,
    figures,
    is_sensitive,
    note_issues,
    outcome_issues,
    plan_issues,
    prefilled_needs,
    service_issues,
    visible,
)
from inklusi.ppks import taxonomy
from inklusi.ppks.model import ServiceType

TODAY = date(2026, 12, 1)


def test_sensitivity_comes_from_the_taxonomy():
    assert is_sensitive(["poor", "people_living_with_hiv"])
    assert not is_sensitive(["poor", "homeless"])
    assert visible(["poor", "people_living_with_hiv"], sensitive=False) == ("poor",)
    assert visible(["poor", "people_living_with_hiv"], sensitive=True) == ("poor", "people_living_with_hiv")


def test_unknown_and_repeated_categories_are_named():
    issues = category_issues(["poor", "nonsense", "poor"])
    assert [(i.field, i.code) for i in issues] == [
        ("categories[1]", "category.unknown"),
        ("categories[2]", "category.repeated"),
    ]


def test_needs_are_prefilled_from_the_categories_service_types():
    needs = prefilled_needs(["homeless"])
    assert [n.service_type for n in needs] == list(ServiceType)
    wanted = set(taxonomy.category("homeless").services)
    assert {n.service_type for n in needs if n.level is NeedLevel.medium} == wanted
    assert all(n.level is NeedLevel.none for n in prefilled_needs([]))


def test_an_assessment_covers_every_service_type_once():
    good = Assessment(prefilled_needs(["poor"]), RiskLevel.medium, ("poor",))
    assert assessment_issues(good) == []
    short = replace(good, needs=(*good.needs[:-1], good.needs[0]))
    codes = {i.code for i in assessment_issues(short)}
    assert codes == {"need.repeated", "need.missing"}
    long_note = replace(good, needs=(replace(good.needs[0], note="x" * 2001), *good.needs[1:]))
    assert [i.field for i in assessment_issues(long_note)] == ["needs[0].note"]
    assert Need(ServiceType.social_care, NeedLevel.high).note is None


def test_a_plan_needs_goals_and_dates_in_order():
    org = uuid4()
    item = PlanItem(ServiceType.vocational_training, org, date(2026, 12, 1), date(2027, 3, 1))
    assert plan_issues(Plan(("Earn a living",), (item,))) == []
    wrong = Plan(("",), (replace(item, due_on=date(2026, 11, 1)),))
    assert {i.field for i in plan_issues(wrong)} == {"goals", "goals[0]", "items[0].due_on"}


def test_a_service_is_not_in_the_future_and_names_a_known_programme():
    record = ServiceRecord(ServiceType.vocational_training, TODAY, uuid4(), programme_code="prakerja")
    assert service_issues(record, TODAY) == []
    wrong = replace(record, delivered_on=date(2026, 12, 2), programme_code="nope")
    assert {i.field for i in service_issues(wrong, TODAY)} == {"delivered_on", "programme_code"}


def test_outcomes_income_and_graduation():
    income = Outcome(OutcomeKind.income, TODAY, income_before=500_000, income_after=1_750_000)
    assert outcome_issues(income, TODAY) == [] and income.income_change == 1_250_000
    assert Outcome(OutcomeKind.other, TODAY).income_change is None
    fields = {i.field for i in outcome_issues(replace(income, income_after=None, income_before=-1), TODAY)}
    assert fields == {"income_before", "income_after"}
    graduation = Outcome(OutcomeKind.graduation, TODAY)
    assert [i.field for i in outcome_issues(graduation, TODAY)] == ["graduated"]
    assert outcome_issues(replace(graduation, graduated=True), TODAY) == []


def test_notes_are_not_empty():
    assert [i.code for i in note_issues("  ")] == ["required"]
    assert note_issues("visited at home") == []


def test_median_and_90th_percentile():
    assert figures([]).count == 0 and figures([]).median is None
    found = figures([5, 1, 3, 2, 4, 10, 6, 7, 8, 9])
    assert (found.count, found.median, found.p90) == (10, 5.5, 9)
    assert figures([4]).p90 == 4
