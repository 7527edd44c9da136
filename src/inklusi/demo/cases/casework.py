"""The demo's cases as its workers work them: the report of what was opened, and the workers' steps
(open, assess, plan, consent, refer, serve, move) through the cases service, each as its worker."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from uuid import UUID

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.cases import service as cases
from inklusi.cases.handovers import Consent, ConsentPurpose
from inklusi.cases.model import TransitionName
from inklusi.cases.records import (
    Assessment,
    Need,
    NeedLevel,
    Plan,
    PlanItem,
    RiskLevel,
    ServiceRecord,
    prefilled_needs,
)
from inklusi.context import Context
from inklusi.ppks.model import ServiceType


@dataclass(frozen=True)
class DemoCase:
    person: str
    organisation: str
    phase: str
    worker: str  # username of the worker it is assigned to


@dataclass(frozen=True)
class DemoCases:
    organisations: int  # organisations working cases in the demo
    services: int  # services in the directory (the demo's)
    cases: tuple[DemoCase, ...]  # the cases opened now
    referred: str | None = None  # the person whose vocational training referral completed
    income: tuple[int, int] | None = None  # their income before and after (rupiah a month)
    refused: str | None = None  # the person whose transfer was refused
    waiting: str | None = None  # the person whose plan waits for a supervisor
    guardian: str | None = None  # who consented for the child


class Casework:
    """The demo's organisations, workers and directory, and what the paths add to the report."""

    def __init__(self, ctx: Context, organisations: dict[str, UUID], services: dict[str, UUID]) -> None:
        self.ctx = ctx
        self.org = organisations
        self.service = services
        self.today = date.today()
        self.opened: dict[UUID, DemoCase] = {}  # the phase as it is now
        self.facts: dict[str, object] = {}
        self._principals: dict[str, Principal] = {}

    def __getitem__(self, username: str) -> Principal:
        if username not in self._principals:
            self._principals[username] = access.principal_of(self.ctx, username)
        return self._principals[username]

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def ahead(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def open(
        self,
        worker: str,
        person: UUID,
        name: str,
        categories: list[str],
        *,
        follow_up_on: date | None = None,
    ) -> UUID:
        principal = self[worker]
        ref = cases.open_case(
            self.ctx, principal, person_id=person, categories=categories, follow_up_on=follow_up_on
        )
        organisation = next(n for n, i in self.org.items() if i == principal.organisation_id)
        self.opened[ref.id] = DemoCase(name, organisation, ref.phase.value, worker)
        return ref.id

    def assess(
        self,
        worker: str,
        case_id: UUID,
        categories: list[str],
        risk: RiskLevel,
        summary: str,
        **levels: NeedLevel,
    ) -> None:
        needs = tuple(
            Need(n.service_type, levels.get(n.service_type.value, n.level))
            for n in prefilled_needs(categories)
        )
        assessment = Assessment(needs, risk, tuple(categories), summary)
        cases.record_assessment(self.ctx, self[worker], case_id, assessment)
        self.move(worker, case_id, TransitionName.assess)

    def plan(self, worker: str, case_id: UUID, goals: tuple[str, ...], *items: PlanItem) -> None:
        cases.record_plan(self.ctx, self[worker], case_id, Plan(goals, items))
        self.move(worker, case_id, TransitionName.propose_plan)

    def item(
        self, service_type: ServiceType, organisation: str, start: int, due: int, key: str | None = None
    ) -> PlanItem:
        return PlanItem(
            service_type,
            self.org[organisation],
            self.ahead(start),
            self.ahead(due),
            self.service[key] if key else None,
        )

    def move(self, who: str, case_id: UUID, name: TransitionName, reason: str | None = None) -> None:
        ref = cases.transition(self.ctx, self[who], case_id, name, reason=reason)
        self.opened[case_id] = replace(self.opened[case_id], phase=ref.phase.value)

    def consent(self, worker: str, case_id: UUID, purpose: ConsentPurpose, to: str, scope: str) -> UUID:
        consent = Consent(
            purpose, scope, self.ago(1), recipient_organisation_id=self.org[to], expires_on=self.ahead(365)
        )
        return cases.record_consent(self.ctx, self[worker], case_id, consent)

    def refer(
        self,
        worker: str,
        case_id: UUID,
        to: str,
        service_type: ServiceType,
        *,
        scope: str,
        reason: str,
        key: str,
    ) -> cases.ReferralView:
        """Record the person's consent to a referral to ``to`` and refer them to its service ``key``."""
        consent = self.consent(worker, case_id, ConsentPurpose.referral, to, scope)
        return cases.refer(
            self.ctx,
            self[worker],
            case_id,
            to_organisation_id=self.org[to],
            service_type=service_type,
            reason=reason,
            directory_service_id=self.service[key],
            consent_id=consent,
        )

    def serve(self, who: str, case_id: UUID, record: ServiceRecord) -> None:
        cases.record_service(self.ctx, self[who], case_id, record)
