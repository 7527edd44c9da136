"""Building what a reader sees of a case (:class:`~inklusi.cases.service.views.CaseView`) from their
standing: only the parts their view holds (``model.VIEW_PARTS``), sensitive categories and notes only where
they may be shown, and for a referral's receiver only its own referrals and the records made under them.
Names of organisations, users and areas are read in bulk, once per page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import service as access
from inklusi.cases.handovers import ConsentPurpose, GivenBy, ReferralStatus, TransferStatus, overdue
from inklusi.cases.model import VIEW_PARTS, Part, Phase, PlanStatus, Relation, View
from inklusi.cases.records import OutcomeKind, RiskLevel, visible
from inklusi.cases.service.standing import Standing
from inklusi.cases.service.views import (
    AssessmentView,
    CaseView,
    ConsentView,
    GlassView,
    Named,
    NoteView,
    OutcomeView,
    PersonCardView,
    PlanItemView,
    PlanView,
    ReferralView,
    ServiceView,
    TransferView,
    TransitionView,
    goals_of,
    needs_of_rows,
)
from inklusi.cases.store import cases as case_store
from inklusi.cases.store import handovers as handover_store
from inklusi.cases.store import records as record_store
from inklusi.ppks.model import ServiceType
from inklusi.registry import service as registry
from inklusi.wilayah import service as wilayah

USER_COLUMNS = (
    "assigned_user_id",
    "actor_id",
    "recorded_by",
    "proposed_by",
    "decided_by",
    "created_by",
    "accepted_by",
    "closed_by",
    "worker_id",
    "written_by",
    "withdrawn_by",
    "user_id",
    "opened_by",
)
ORGANISATION_COLUMNS = (
    "owner_organisation_id",
    "organisation_id",
    "responsible_organisation_id",
    "provider_organisation_id",
    "from_organisation_id",
    "to_organisation_id",
    "recipient_organisation_id",
)
_T = TypeVar("_T")
SHARED = tuple(s.value for s in ReferralStatus if s.shared)


@dataclass(frozen=True)
class Names:
    """The names of the organisations and users a page mentions, read once."""

    organisations: dict[UUID, str]
    users: dict[UUID, str]

    @classmethod
    def of_rows(cls, conn: Connection, rows: Iterable[RowMapping], *extra_orgs: UUID | None) -> Names:
        orgs: set[UUID] = {o for o in extra_orgs if o is not None}
        users: set[UUID] = set()
        for row in rows:
            orgs |= {row[c] for c in ORGANISATION_COLUMNS if c in row and row[c] is not None}
            users |= {row[c] for c in USER_COLUMNS if c in row and row[c] is not None}
        found = access.organisations_in(conn, orgs)
        return cls({i: o.name for i, o in found.items()}, access.display_names_in(conn, users))

    def org(self, id_: UUID | None) -> Named | None:
        return None if id_ is None else Named(id_, self.organisations.get(id_, str(id_)))

    def org_(self, id_: UUID) -> Named:
        return Named(id_, self.organisations.get(id_, str(id_)))

    def user(self, id_: UUID | None) -> Named | None:
        return None if id_ is None else Named(id_, self.users.get(id_, str(id_)))


def person_card(conn: Connection, person_id: UUID, today: date) -> PersonCardView | None:
    """The case's person as the registry holds them now (after a merge: the record they went into)."""
    card = registry.related_person_cards_in(conn, [person_id]).get(person_id)
    if card is None:
        return None
    names = wilayah.area_names_in(conn, {card.village_code})
    return PersonCardView(
        person_id=card.person_id,
        name=card.name,
        sex=card.sex.name,
        age=card.age_on(today),
        area_code=card.village_code,
        area_name=names.get(card.village_code),
        merged_from=person_id if card.person_id != person_id else None,
    )


def referral_view(row: RowMapping, names: Names, today: date) -> ReferralView:
    status = ReferralStatus(row["status"])
    return ReferralView(
        id=row["id"],
        case_id=row["case_id"],
        from_organisation=names.org_(row["from_organisation_id"]),
        to_organisation=names.org_(row["to_organisation_id"]),
        service_type=ServiceType(row["service_type"]),
        directory_service_id=row["directory_service_id"],
        status=status,
        reason=row["reason"],
        respond_by=row["respond_by"],
        overdue=overdue(status, row["respond_by"], today),
        consent_id=row["consent_id"],
        override_reason=row["override_reason"],
        created_by=names.user(row["created_by"]),
        created_at=row["created_at"],
        accepted_by=names.user(row["accepted_by"]),
        accepted_at=row["accepted_at"],
        closed_by=names.user(row["closed_by"]),
        closed_at=row["closed_at"],
        close_reason=row["close_reason"],
    )


def transfer_view(row: RowMapping, names: Names) -> TransferView:
    return TransferView(
        id=row["id"],
        case_id=row["case_id"],
        from_organisation=names.org_(row["from_organisation_id"]),
        to_organisation=names.org_(row["to_organisation_id"]),
        status=TransferStatus(row["status"]),
        reason=row["reason"],
        consent_id=row["consent_id"],
        override_reason=row["override_reason"],
        proposed_by=names.user(row["proposed_by"]),
        proposed_at=row["proposed_at"],
        decided_by=names.user(row["decided_by"]),
        decided_at=row["decided_at"],
        decision_reason=row["decision_reason"],
    )


def consent_view(row: RowMapping, names: Names, today: date) -> ConsentView:
    valid = (
        row["withdrawn_at"] is None
        and row["given_on"] <= today
        and (row["expires_on"] is None or today <= row["expires_on"])
    )
    return ConsentView(
        id=row["id"],
        purpose=ConsentPurpose(row["purpose"]),
        recipient_organisation=names.org(row["recipient_organisation_id"]),
        recipient_kind=row["recipient_kind"],
        scope=row["scope"],
        given_on=row["given_on"],
        expires_on=row["expires_on"],
        given_by=GivenBy(row["given_by"]),
        guardian_name=row["guardian_name"],
        guardian_relationship=row["guardian_relationship"],
        recorded_by=names.user(row["recorded_by"]),
        recorded_at=row["recorded_at"],
        withdrawn_at=row["withdrawn_at"],
        valid_today=valid,
    )


def service_view(row: RowMapping, names: Names, notes: bool) -> ServiceView:
    return ServiceView(
        id=row["id"],
        service_type=ServiceType(row["service_type"]),
        delivered_on=row["delivered_on"],
        provider=names.org_(row["provider_organisation_id"]),
        worker=names.user(row["worker_id"]),
        referral_id=row["referral_id"],
        programme_code=row["programme_code"],
        note=row["note"] if notes else None,
        recorded_at=row["recorded_at"],
    )


def outcome_view(row: RowMapping, names: Names, notes: bool) -> OutcomeView:
    return OutcomeView(
        id=row["id"],
        kind=OutcomeKind(row["kind"]),
        recorded_on=row["recorded_on"],
        income_before=row["income_before"],
        income_after=row["income_after"],
        graduated=row["graduated"],
        note=row["note"] if notes else None,
        referral_id=row["referral_id"],
        organisation=names.org(row["organisation_id"]),
        recorded_at=row["recorded_at"],
    )


def note_view(row: RowMapping, names: Names) -> NoteView:
    return NoteView(
        row["id"],
        row["text"],
        row["referral_id"],
        names.user(row["written_by"]),
        names.org(row["organisation_id"]),
        row["written_at"],
    )


def glass_view(row: RowMapping, names: Names) -> GlassView:
    user = names.user(row["user_id"])
    assert user is not None  # a grant is always a user's
    return GlassView(
        row["id"],
        row["case_id"],
        user,
        names.org(row["organisation_id"]),
        row["reason"],
        row["granted_at"],
        row["expires_at"],
    )


def plan_views(rows: list[RowMapping], items: list[RowMapping], names: Names) -> tuple[PlanView, ...]:
    by_plan: dict[UUID, list[PlanItemView]] = {}
    for item in items:
        by_plan.setdefault(item["plan_id"], []).append(
            PlanItemView(
                ServiceType(item["service_type"]),
                names.org_(item["responsible_organisation_id"]),
                item["directory_service_id"],
                item["start_on"],
                item["due_on"],
            )
        )
    return tuple(
        PlanView(
            id=row["id"],
            version=row["version"],
            status=PlanStatus(row["status"]),
            goals=goals_of(row["goals"]),
            items=tuple(by_plan.get(row["id"], [])),
            recorded_by=names.user(row["recorded_by"]),
            recorded_at=row["recorded_at"],
            proposed_by=names.user(row["proposed_by"]),
            proposed_at=row["proposed_at"],
            decided_by=names.user(row["decided_by"]),
            decided_at=row["decided_at"],
            decision_reason=row["decision_reason"],
        )
        for row in rows
    )


def assessment_views(
    rows: list[RowMapping], needs: list[RowMapping], standing: Standing, names: Names
) -> tuple[AssessmentView, ...]:
    by_assessment: dict[UUID, list[RowMapping]] = {}
    for need in needs:
        by_assessment.setdefault(need["assessment_id"], []).append(need)
    return tuple(
        AssessmentView(
            id=row["id"],
            risk_level=RiskLevel(row["risk_level"]),
            categories=visible(json.loads(row["categories"]), standing.sensitive),
            needs=needs_of_rows(by_assessment.get(row["id"], []), standing.notes),
            summary=row["summary"] if standing.notes else None,
            recorded_by=names.user(row["recorded_by"]),
            recorded_at=row["recorded_at"],
        )
        for row in rows
    )


def read_case(conn: Connection, standing: Standing, now: datetime) -> CaseView:
    """The case as the standing lets its principal see it (the caller audits the read)."""
    parts = VIEW_PARTS[standing.view]
    case, case_id = standing.case, standing.case_id
    org = standing.principal.organisation_id
    referral_ids: list[UUID] | None = None
    if standing.view is View.referral:
        assert org is not None  # a receiver belongs to the receiving organisation
        referral_ids = handover_store.referral_ids(conn, case_id, org, SHARED)
    rows: dict[Part, list[RowMapping]] = {}
    if Part.transitions in parts:
        rows[Part.transitions] = case_store.transitions_of(conn, case_id)
    assessments = record_store.assessments_of(conn, case_id) if Part.needs in parts else []
    if Part.assessments not in parts:
        assessments = assessments[:1]
    needs = record_store.needs_of(conn, [row["id"] for row in assessments])
    if Part.plans in parts:
        rows[Part.plans] = record_store.plans_of(conn, case_id)
    plan_items = record_store.plan_items(conn, [row["id"] for row in rows.get(Part.plans, [])])
    for part, kind in ((Part.services, "service"), (Part.outcomes, "outcome")):
        if part in parts:
            rows[part] = record_store.records_of(conn, kind, case_id, referral_ids)
    if Part.notes in parts and standing.notes:
        rows[Part.notes] = record_store.records_of(conn, "note", case_id)
    if Part.referrals in parts:
        receiving = org if referral_ids is not None else None
        found = handover_store.rows_of(conn, "referral", case_id, to_organisation=receiving)
        rows[Part.referrals] = [r for r in found if referral_ids is None or r["id"] in referral_ids]
    if Part.transfers in parts:
        found = handover_store.rows_of(
            conn, "transfer", case_id, to_organisation=org if standing.view is View.summary else None
        )
        rows[Part.transfers] = [
            r for r in found if standing.view is not View.summary or r["status"] == "pending"
        ]
    if Part.consents in parts:
        rows[Part.consents] = handover_store.rows_of(conn, "consent", case_id)
    glass = None
    if Relation.glass in standing.relations and standing.principal.user_id is not None:
        glass = handover_store.active_glass(conn, case_id, standing.principal.user_id, now)
    everything = [case, *(r for found in rows.values() for r in found), *assessments, *plan_items]
    names = Names.of_rows(conn, [*everything, *([glass] if glass else [])])
    return _assemble(conn, standing, rows, assessments, needs, plan_items, glass, names, now)


def _assemble(
    conn: Connection,
    standing: Standing,
    rows: dict[Part, list[RowMapping]],
    assessments: list[RowMapping],
    needs: list[RowMapping],
    plan_items: list[RowMapping],
    glass: RowMapping | None,
    names: Names,
    now: datetime,
) -> CaseView:
    today, case, parts = now.date(), standing.case, VIEW_PARTS[standing.view]
    full = standing.view is View.full
    assessed = assessment_views(assessments, needs, standing, names)
    categories = None
    if Part.categories in parts:
        codes = case_store.categories_of(conn, standing.case_id)
        categories = visible(codes, standing.sensitive)
    got = rows.get
    return CaseView(
        id=standing.case_id,
        view=standing.view,
        relations=tuple(sorted(standing.relations)),
        person=person_card(conn, case["person_id"], today),
        phase=Phase(case["phase"]) if Part.phase in parts else None,
        risk_level=RiskLevel(case["risk_level"]) if Part.phase in parts and case["risk_level"] else None,
        area_code=case["area_code"] if Part.phase in parts else None,
        owner_organisation=names.org(case["owner_organisation_id"]) if full else None,
        assigned=names.user(case["assigned_user_id"]) if full else None,
        phase_since=case["phase_since"] if full else None,
        opened_at=case["opened_at"] if full else None,
        follow_up_on=case["follow_up_on"] if full else None,
        version=case["version"] if full else None,
        sensitive=case["sensitive"] if standing.sensitive else None,
        categories=categories,
        needs=assessed[0].needs
        if assessed and Part.needs in parts
        else (() if Part.needs in parts else None),
        assessments=assessed if Part.assessments in parts else None,
        plans=plan_views(got(Part.plans, []), plan_items, names) if Part.plans in parts else None,
        transitions=_maybe(got(Part.transitions), lambda r: transition_view(r, names)),
        services=_maybe(got(Part.services), lambda r: service_view(r, names, standing.notes)),
        outcomes=_maybe(got(Part.outcomes), lambda r: outcome_view(r, names, standing.notes)),
        referrals=_maybe(got(Part.referrals), lambda r: referral_view(r, names, today)),
        transfers=_maybe(got(Part.transfers), lambda r: transfer_view(r, names)),
        consents=_maybe(got(Part.consents), lambda r: consent_view(r, names, today)),
        notes=_maybe(got(Part.notes), lambda r: note_view(r, names)) if full else None,
        glass=glass_view(glass, names) if glass is not None else None,
    )


def _maybe(rows: list[RowMapping] | None, convert: Callable[[RowMapping], _T]) -> tuple[_T, ...] | None:
    return None if rows is None else tuple(convert(row) for row in rows)


def transition_view(row: RowMapping, names: Names) -> TransitionView:
    return TransitionView(
        id=row["id"],
        name=row["name"],
        from_phase=Phase(row["from_phase"]) if row["from_phase"] else None,
        to_phase=Phase(row["to_phase"]),
        actor=names.user(row["actor_id"]),
        organisation=names.org(row["organisation_id"]),
        at=row["at"],
        reason=row["reason"],
    )
