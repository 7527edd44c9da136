"""Wire models of the cases API: what a request carries (checked here for shape; the service checks the
rest and names every field), turned into the slice's own types. Answers are the service's views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from inklusi.access.model import OrganisationKind
from inklusi.cases.handovers import Consent, ConsentPurpose, GivenBy
from inklusi.cases.model import TransitionName
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
)
from inklusi.ppks.model import ServiceType
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah.nik import Sex

TEXT, NOTE, NAME = 2000, 20000, 200
Version = Field(None, ge=1, description="The case's version the request was made on (409 if it changed)")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntakeIn(_In):
    """A person not yet in the registry, registered outside any household with the case."""

    name: str = Field(min_length=1, max_length=NAME)
    sex: Literal["male", "female"]
    nik: str | None = Field(None, max_length=16)
    birth_date: date | None = None
    area_code: str = Field(max_length=13, description="A village (PP.RR.DD.VVVV) or district (PP.RR.DD)")
    living_situation: int = Field(ge=0, le=99, description="Code list living_situation (/api/v1/codelists)")

    def to_model(self) -> OutsidePerson:
        person = PersonData(name=self.name, sex=Sex[self.sex], nik=self.nik, birth_date=self.birth_date)
        return OutsidePerson(person, self.area_code, self.living_situation)


class OpenCaseIn(_In):
    person_id: UUID | None = Field(None, description="A person of the registry (or give intake)")
    intake: IntakeIn | None = None
    categories: list[str] | None = Field(
        None, max_length=26, description="PPKS category codes (default: the person's current flags)"
    )
    risk_level: RiskLevel | None = None
    follow_up_on: date | None = None


class TransitionIn(_In):
    transition: TransitionName
    reason: str | None = Field(None, max_length=TEXT)
    version: int | None = Version


class NeedIn(_In):
    service_type: ServiceType
    level: NeedLevel
    note: str | None = Field(None, max_length=TEXT)


class AssessmentIn(_In):
    needs: list[NeedIn] = Field(max_length=20, description="One per ATENSI service type")
    risk_level: RiskLevel
    categories: list[str] = Field(max_length=26)
    summary: str | None = Field(None, max_length=TEXT)
    version: int | None = Version

    def to_model(self) -> Assessment:
        needs = tuple(Need(n.service_type, n.level, n.note) for n in self.needs)
        return Assessment(needs, self.risk_level, tuple(self.categories), self.summary)


class PlanItemIn(_In):
    service_type: ServiceType
    responsible_organisation_id: UUID
    directory_service_id: UUID | None = None
    start_on: date
    due_on: date


class PlanIn(_In):
    goals: list[str] = Field(max_length=20)
    items: list[PlanItemIn] = Field(max_length=50)
    version: int | None = Version

    def to_model(self) -> Plan:
        items = tuple(
            PlanItem(
                i.service_type, i.responsible_organisation_id, i.start_on, i.due_on, i.directory_service_id
            )
            for i in self.items
        )
        return Plan(tuple(self.goals), items)


class ServiceIn(_In):
    service_type: ServiceType
    delivered_on: date
    provider_organisation_id: UUID | None = Field(None, description="Default: the caller's organisation")
    worker_id: UUID | None = Field(None, description="Default: the caller")
    referral_id: UUID | None = None
    programme_code: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=TEXT)

    def to_model(self, organisation_id: UUID | None) -> ServiceRecord:
        provider = self.provider_organisation_id or organisation_id
        return ServiceRecord(
            self.service_type,
            self.delivered_on,
            provider or UUID(int=0),
            self.worker_id,
            self.referral_id,
            self.programme_code,
            self.note,
        )


class OutcomeIn(_In):
    kind: OutcomeKind
    recorded_on: date
    income_before: int | None = Field(None, ge=0, le=1_000_000_000, description="Rupiah a month")
    income_after: int | None = Field(None, ge=0, le=1_000_000_000, description="Rupiah a month")
    graduated: bool = False
    note: str | None = Field(None, max_length=TEXT)
    referral_id: UUID | None = None

    def to_model(self) -> Outcome:
        return Outcome(
            self.kind,
            self.recorded_on,
            self.income_before,
            self.income_after,
            self.graduated,
            self.note,
            self.referral_id,
        )


class NoteIn(_In):
    text: str = Field(min_length=1, max_length=NOTE)


class AssignIn(_In):
    user_id: UUID | None = Field(description="A worker of the case's organisation; null: nobody")
    version: int | None = Version


class FollowUpIn(_In):
    on: date | None
    version: int | None = Version


class ReferralIn(_In):
    to_organisation_id: UUID
    service_type: ServiceType
    reason: str = Field(min_length=1, max_length=TEXT)
    respond_by: date | None = Field(None, description="Default: seven days from today")
    directory_service_id: UUID | None = Field(None, description="The service of the directory chosen")
    consent_id: UUID | None = Field(None, description="Default: any valid consent for the referral")
    override_reason: str | None = Field(
        None, max_length=TEXT, description="Without a valid consent: why (needs cases:consent_override)"
    )


class ReasonIn(_In):
    reason: str = Field(min_length=1, max_length=TEXT)


class TransferIn(_In):
    to_organisation_id: UUID
    reason: str = Field(min_length=1, max_length=TEXT)
    consent_id: UUID | None = None
    override_reason: str | None = Field(None, max_length=TEXT)


class ConsentIn(_In):
    purpose: ConsentPurpose
    scope: str = Field(min_length=1, max_length=TEXT)
    given_on: date
    given_by: GivenBy = GivenBy.self_
    recipient_organisation_id: UUID | None = None
    recipient_kind: OrganisationKind | None = None
    expires_on: date | None = None
    guardian_name: str | None = Field(None, max_length=NAME)
    guardian_relationship: str | None = Field(None, max_length=NAME)

    def to_model(self) -> Consent:
        return Consent(
            purpose=self.purpose,
            scope=self.scope,
            given_on=self.given_on,
            given_by=self.given_by,
            recipient_organisation_id=self.recipient_organisation_id,
            recipient_kind=self.recipient_kind,
            expires_on=self.expires_on,
            guardian_name=self.guardian_name,
            guardian_relationship=self.guardian_relationship,
        )


class GlassIn(_In):
    reason: str = Field(min_length=1, max_length=TEXT)
    hours: int | None = Field(
        None, ge=1, le=72, description="Default and most: INKLUSI_CASES_BREAK_GLASS_HOURS"
    )


class CreatedOut(BaseModel):
    id: UUID


class NamedOut(BaseModel):
    id: UUID
    name: str


class AccessEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    organisation: NamedOut | None
    action: str
    description: dict[str, str] | None = Field(description="What the action means, in Indonesian and English")
    purpose: str
    view: str | None = Field(description="For a read: full, referral or summary")
    detail: dict[str, object]
