"""What a case records: its PPKS categories and their sensitivity, assessments (needs by ATENSI service
type), plans, service records and outcomes, with the checks of each. Pure.

The ten ATENSI service types are :class:`inklusi.ppks.model.ServiceType`; the categories, their sensitivity
and the service types each needs are the PPKS taxonomy (``ppks/categories.yaml``); the programme codes a
service record may name are those of the PPKS needs profile (``ppks/needs.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from inklusi.errors import Invalid, Issue
from inklusi.i18n import Text, msg
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity, ServiceType
from inklusi.ppks.needs import needs_profile

MAX_TEXT = 2000
MAX_GOALS = 20
MAX_ITEMS = 50
MAX_INCOME = 1_000_000_000  # rupiah a month


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class NeedLevel(StrEnum):
    none = "none"
    low = "low"
    medium = "medium"
    high = "high"


class OutcomeKind(StrEnum):
    training_completed = "training_completed"
    enterprise_support = "enterprise_support"
    income = "income"
    employment = "employment"
    graduation = "graduation"
    other = "other"


# --- Categories ---------------------------------------------------------------------------------------------


def category_issues(codes: Iterable[str], path: str = "categories") -> list[Issue]:
    """Unknown or repeated PPKS category codes, each named ``path[index]``."""
    issues, seen = [], set()
    for index, code in enumerate(codes):
        if code not in taxonomy.taxonomy().codes:
            text = msg("No PPKS category {code}", code=code)
            issues.append(Issue(f"{path}[{index}]", "category.unknown", text))
        elif code in seen:
            text = msg("Category {code} is given twice", code=code)
            issues.append(Issue(f"{path}[{index}]", "category.repeated", text))
        seen.add(code)
    return issues


def is_sensitive_category(code: str) -> bool:
    return taxonomy.category(code).sensitivity is Sensitivity.sensitive


def is_sensitive(codes: Iterable[str]) -> bool:
    """A case is sensitive when any of its categories is (UU 27/2022 Pasal 4, or treated the same way)."""
    return any(is_sensitive_category(code) for code in codes)


def visible(codes: Iterable[str], sensitive: bool) -> tuple[str, ...]:
    """The categories shown: all of them, or (``sensitive`` False) the personal ones only."""
    return tuple(code for code in codes if sensitive or not is_sensitive_category(code))


# --- Assessment ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """One ATENSI service type's "domain" of an assessment."""

    service_type: ServiceType
    level: NeedLevel
    note: str | None = None


@dataclass(frozen=True)
class Assessment:
    needs: tuple[Need, ...]  # one per service type
    risk_level: RiskLevel
    categories: tuple[str, ...]  # the PPKS categories confirmed
    summary: str | None = None


def prefilled_needs(categories: Iterable[str]) -> tuple[Need, ...]:
    """One need per service type: ``medium`` for those the categories usually need (the needs profile:
    each category's ATENSI service types), ``none`` for the rest. The worker corrects them."""
    needed = {service for code in categories for service in taxonomy.category(code).services}
    return tuple(Need(s, NeedLevel.medium if s in needed else NeedLevel.none) for s in ServiceType)


def _text_issues(value: str | None, path: str, limit: int = MAX_TEXT) -> list[Issue]:
    if value is not None and len(value) > limit:
        return [Issue(path, "too_long", msg("At most {n} characters", n=limit))]
    return []


def assessment_issues(assessment: Assessment) -> list[Issue]:
    issues = category_issues(assessment.categories)
    seen: set[ServiceType] = set()
    for index, need in enumerate(assessment.needs):
        if need.service_type in seen:
            text = msg("Service type {type} is assessed twice", type=need.service_type.value)
            issues.append(Issue(f"needs[{index}].service_type", "need.repeated", text))
        seen.add(need.service_type)
        issues += _text_issues(need.note, f"needs[{index}].note")
    missing = [s.value for s in ServiceType if s not in seen]
    if missing:
        text = msg("Assess every service type; missing: {types}", types=", ".join(missing))
        issues.append(Issue("needs", "need.missing", text))
    return issues + _text_issues(assessment.summary, "summary")


# --- Plan ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    service_type: ServiceType
    responsible_organisation_id: UUID
    start_on: date
    due_on: date
    directory_service_id: UUID | None = None  # a service of the directory (no link: the slices are apart)


@dataclass(frozen=True)
class Plan:
    goals: tuple[str, ...]
    items: tuple[PlanItem, ...]


def plan_issues(plan: Plan) -> list[Issue]:
    issues: list[Issue] = []
    goals = [goal.strip() for goal in plan.goals]
    if not any(goals):
        issues.append(Issue("goals", "required", msg("A plan needs at least one goal")))
    if len(goals) > MAX_GOALS:
        issues.append(Issue("goals", "too_many", msg("At most {n} goals", n=MAX_GOALS)))
    for index, goal in enumerate(goals):
        if not goal:
            issues.append(Issue(f"goals[{index}]", "required", msg("A goal cannot be empty")))
        issues += _text_issues(goal, f"goals[{index}]")
    if len(plan.items) > MAX_ITEMS:
        issues.append(Issue("items", "too_many", msg("At most {n} items", n=MAX_ITEMS)))
    for index, item in enumerate(plan.items):
        if item.due_on < item.start_on:
            text = msg("The due date comes before the start")
            issues.append(Issue(f"items[{index}].due_on", "date.order", text))
    return issues


# --- Services and outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRecord:
    service_type: ServiceType
    delivered_on: date
    provider_organisation_id: UUID
    worker_id: UUID | None = None
    referral_id: UUID | None = None
    programme_code: str | None = None  # a programme of the needs profile (needs.yaml)
    note: str | None = None  # sensitive: shown only with ppks:sensitive


def _future(day: date, today: date, path: str) -> list[Issue]:
    if day > today:
        return [Issue(path, "date.future", msg("{day} is in the future", day=day))]
    return []


def service_issues(record: ServiceRecord, today: date) -> list[Issue]:
    issues = _future(record.delivered_on, today, "delivered_on")
    if record.programme_code is not None:
        codes = {p.code for p in needs_profile().programmes}
        if record.programme_code not in codes:
            text = msg("No programme {code}", code=record.programme_code)
            issues.append(Issue("programme_code", "programme.unknown", text))
    return issues + _text_issues(record.note, "note")


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    recorded_on: date
    income_before: int | None = None  # rupiah a month
    income_after: int | None = None
    graduated: bool = False
    note: str | None = None  # sensitive: shown only with ppks:sensitive
    referral_id: UUID | None = None

    @property
    def income_change(self) -> int | None:
        if self.income_before is None or self.income_after is None:
            return None
        return self.income_after - self.income_before


def outcome_issues(outcome: Outcome, today: date) -> list[Issue]:
    issues = _future(outcome.recorded_on, today, "recorded_on")
    for name in ("income_before", "income_after"):
        value = getattr(outcome, name)
        if value is not None and not 0 <= value <= MAX_INCOME:
            text = msg("An income is between 0 and {n} rupiah a month", n=MAX_INCOME)
            issues.append(Issue(name, "income.range", text))
    if outcome.kind is OutcomeKind.income and outcome.income_after is None:
        issues.append(Issue("income_after", "required", msg("An income outcome needs the income after")))
    if outcome.kind is OutcomeKind.graduation and not outcome.graduated:
        text = msg("A graduation outcome says the person graduated")
        issues.append(Issue("graduated", "graduation", text))
    return issues + _text_issues(outcome.note, "note")


def note_issues(text: str) -> list[Issue]:
    if not text.strip():
        return [Issue("text", "required", msg("A note cannot be empty"))]
    return _text_issues(text, "text", 10 * MAX_TEXT)


def refuse_if(issues: list[Issue], summary: Text) -> None:
    """Raise :class:`Invalid` with every issue, if any."""
    if issues:
        raise Invalid(summary, issues)


@dataclass(frozen=True)
class Figures:
    """Median and 90th percentile of some durations (in hours), and how many there were."""

    count: int
    median: float | None = None
    p90: float | None = None


def figures(values: Iterable[float]) -> Figures:
    """Median and 90th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return Figures(0)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    rank = max(1, -(-9 * len(ordered) // 10))  # ceil(0.9 n)
    return Figures(len(ordered), median, ordered[rank - 1])
