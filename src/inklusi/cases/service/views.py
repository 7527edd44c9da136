"""What the cases service returns: a case as its reader may see it (:class:`CaseView`: a part the view does
not hold is ``None``, an empty one ``()``), and each record, referral, transfer, consent and grant."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy.engine import RowMapping

from inklusi.cases.handovers import ConsentPurpose, GivenBy, ReferralStatus, TransferStatus
from inklusi.cases.model import Phase, PlanStatus, Relation, View
from inklusi.cases.records import Need, NeedLevel, OutcomeKind, RiskLevel
from inklusi.ppks.model import ServiceType


@dataclass(frozen=True)
class Named:
    """An organisation or a user, with their name."""

    id: UUID
    name: str


@dataclass(frozen=True)
class PersonCardView:
    person_id: UUID  # the person the card is of (after a merge: the record the case's person went into)
    name: str
    sex: str  # male, female
    age: int | None
    area_code: str  # the village (or district) where they live or were registered
    area_name: str | None
    merged_from: UUID | None = None  # the case's person, when record linkage resolved it into another


@dataclass(frozen=True)
class TransitionView:
    id: UUID
    name: str  # a TransitionName, or ``open``
    from_phase: Phase | None
    to_phase: Phase
    actor: Named | None
    organisation: Named | None
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class AssessmentView:
    id: UUID
    risk_level: RiskLevel
    categories: tuple[str, ...]
    needs: tuple[Need, ...]
    summary: str | None
    recorded_by: Named | None
    recorded_at: datetime


@dataclass(frozen=True)
class PlanItemView:
    service_type: ServiceType
    responsible_organisation: Named
    directory_service_id: UUID | None
    start_on: date
    due_on: date


@dataclass(frozen=True)
class PlanView:
    id: UUID
    version: int
    status: PlanStatus
    goals: tuple[str, ...]
    items: tuple[PlanItemView, ...]
    recorded_by: Named | None
    recorded_at: datetime
    proposed_by: Named | None
    proposed_at: datetime | None
    decided_by: Named | None
    decided_at: datetime | None
    decision_reason: str | None


@dataclass(frozen=True)
class ServiceView:
    id: UUID
    service_type: ServiceType
    delivered_on: date
    provider: Named
    worker: Named | None
    referral_id: UUID | None
    programme_code: str | None
    note: str | None  # None also when notes are not shown
    recorded_at: datetime


@dataclass(frozen=True)
class OutcomeView:
    id: UUID
    kind: OutcomeKind
    recorded_on: date
    income_before: int | None
    income_after: int | None
    graduated: bool
    note: str | None
    referral_id: UUID | None
    organisation: Named | None
    recorded_at: datetime


@dataclass(frozen=True)
class NoteView:
    id: UUID
    text: str
    referral_id: UUID | None
    author: Named | None
    organisation: Named | None
    written_at: datetime


@dataclass(frozen=True)
class ReferralView:
    id: UUID
    case_id: UUID
    from_organisation: Named
    to_organisation: Named
    service_type: ServiceType
    directory_service_id: UUID | None
    status: ReferralStatus
    reason: str
    respond_by: date
    overdue: bool
    consent_id: UUID | None
    override_reason: str | None
    created_by: Named | None
    created_at: datetime
    accepted_by: Named | None
    accepted_at: datetime | None
    closed_by: Named | None
    closed_at: datetime | None
    close_reason: str | None


@dataclass(frozen=True)
class TransferView:
    id: UUID
    case_id: UUID
    from_organisation: Named
    to_organisation: Named
    status: TransferStatus
    reason: str
    consent_id: UUID | None
    override_reason: str | None
    proposed_by: Named | None
    proposed_at: datetime
    decided_by: Named | None
    decided_at: datetime | None
    decision_reason: str | None


@dataclass(frozen=True)
class ConsentView:
    id: UUID
    purpose: ConsentPurpose
    recipient_organisation: Named | None
    recipient_kind: str | None
    scope: str
    given_on: date
    expires_on: date | None
    given_by: GivenBy
    guardian_name: str | None
    guardian_relationship: str | None
    recorded_by: Named | None
    recorded_at: datetime
    withdrawn_at: datetime | None
    valid_today: bool


@dataclass(frozen=True)
class GlassView:
    id: UUID
    case_id: UUID
    user: Named
    organisation: Named | None
    reason: str
    granted_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class CaseRef:
    """A case's id, phase and version after a change (what a write answers)."""

    id: UUID
    phase: Phase
    version: int


@dataclass(frozen=True)
class CaseView:
    id: UUID
    view: View
    relations: tuple[Relation, ...]
    person: PersonCardView | None  # None: the registry holds the person no more
    phase: Phase | None = None
    risk_level: RiskLevel | None = None
    area_code: str | None = None
    owner_organisation: Named | None = None
    assigned: Named | None = None
    phase_since: datetime | None = None
    opened_at: datetime | None = None
    follow_up_on: date | None = None
    version: int | None = None
    sensitive: bool | None = None  # only where sensitive categories are shown
    categories: tuple[str, ...] | None = None
    needs: tuple[Need, ...] | None = None
    assessments: tuple[AssessmentView, ...] | None = None
    plans: tuple[PlanView, ...] | None = None
    transitions: tuple[TransitionView, ...] | None = None
    services: tuple[ServiceView, ...] | None = None
    outcomes: tuple[OutcomeView, ...] | None = None
    referrals: tuple[ReferralView, ...] | None = None
    transfers: tuple[TransferView, ...] | None = None
    consents: tuple[ConsentView, ...] | None = None
    notes: tuple[NoteView, ...] | None = None
    glass: GlassView | None = None  # the reader's own break-the-glass grant, when it is how they see it


def needs_of_rows(rows: list[RowMapping], notes: bool) -> tuple[Need, ...]:
    by_type = {row["service_type"]: row for row in rows}
    return tuple(
        Need(
            service,
            NeedLevel(by_type[service.value]["level"]),
            by_type[service.value]["note"] if notes else None,
        )
        for service in ServiceType
        if service.value in by_type
    )


def goals_of(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))
