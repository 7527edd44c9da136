"""Recording in a case: assessments (prefilled from the person's PPKS flags and the needs profile), plans,
service records, outcomes and notes. The case's workers record; a referral's receiving organisation records
the services and outcomes of the referral it accepted. Each write counts the case's version up and is
audited (``case.record``) in its transaction; bad input names its field, a state that does not allow the
record names the guard."""

from __future__ import annotations

import json
from dataclasses import replace
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.cases.handovers import ReferralStatus
from inklusi.cases.model import (
    ASSESSABLE,
    SERVING,
    ActorRefused,
    GuardRefused,
    Phase,
    Relation,
    may_record,
    may_record_plan,
)
from inklusi.cases.records import (
    Assessment,
    Outcome,
    Plan,
    RiskLevel,
    ServiceRecord,
    assessment_issues,
    is_sensitive,
    note_issues,
    outcome_issues,
    plan_issues,
    prefilled_needs,
    refuse_if,
    service_issues,
)
from inklusi.cases.service.standing import Standing, audit_case, audited_categories, standing_in
from inklusi.cases.service.transitions import case_state_in
from inklusi.cases.service.views import CaseRef
from inklusi.cases.store import cases as store
from inklusi.cases.store import handovers as handover_store
from inklusi.cases.store import records as record_store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks import service as ppks


def assessment_draft(ctx: Context, principal: Principal, case_id: UUID) -> Assessment:
    """A new assessment to correct: the case's categories with the person's current PPKS flags, each
    service type's need ``medium`` where those categories need it, the case's risk level. Sensitive
    categories only for a principal who may see them (they are kept when the assessment is recorded)."""
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now)
        standing.require_work()
        case = standing.case
        codes = list(
            dict.fromkeys(
                [*store.categories_of(conn, case_id), *ppks.person_categories_in(conn, case["person_id"])]
            )
        )
        shown = tuple(code for code in codes if standing.visible_category(code))
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_READ,
            case,
            view=standing.view.value,
            part="assessment_draft",
            relations=sorted(r.value for r in standing.relations),
            sensitive=standing.sensitive,
        )
    risk = RiskLevel(case["risk_level"]) if case["risk_level"] else RiskLevel.medium
    return Assessment(prefilled_needs(codes), risk, shown)


def record_assessment(
    ctx: Context,
    principal: Principal,
    case_id: UUID,
    assessment: Assessment,
    *,
    expected_version: int | None = None,
) -> CaseRef:
    """Record an assessment: its needs, risk level and the categories confirmed, which become the case's
    (a sensitive category the principal may not see stays as it was). Intake, assessment and the phases of
    intervention (a reassessment)."""
    refuse_if(assessment_issues(assessment), msg("The assessment is not valid"))
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True, expected_version=expected_version)
        standing.require_work()
        may_record(case_state_in(conn, standing.case), "assessment", ASSESSABLE)
        codes = _confirmed(conn, standing, list(assessment.categories))
        assessment_id = new_id()
        record_store.insert_assessment(
            conn,
            {
                "id": assessment_id,
                "case_id": case_id,
                "risk_level": assessment.risk_level.value,
                "categories": json.dumps(codes),
                "summary": assessment.summary,
                "organisation_id": principal.organisation_id,
                "recorded_by": principal.user_id,
                "recorded_at": now,
            },
            [
                {
                    "assessment_id": assessment_id,
                    "service_type": n.service_type.value,
                    "level": n.level.value,
                    "note": n.note,
                }
                for n in assessment.needs
            ],
        )
        store.set_categories(conn, case_id, codes)
        changed = store.set_case(
            conn, case_id, risk_level=assessment.risk_level.value, sensitive=is_sensitive(codes)
        )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_RECORD,
            standing.case,
            record="assessment",
            id=str(assessment_id),
            categories=audited_categories(codes),
        )
    return _ref(changed)


def _confirmed(conn: Connection, standing: Standing, given: list[str]) -> list[str]:
    hidden = [
        code for code in store.categories_of(conn, standing.case_id) if not standing.visible_category(code)
    ]
    wrong = [
        Issue(f"categories[{i}]", "category.unknown", msg("No PPKS category {code}", code=code))
        for i, code in enumerate(given)
        if not standing.visible_category(code)
    ]
    refuse_if(wrong, msg("The assessment is not valid"))
    return list(dict.fromkeys([*given, *hidden]))


def _ref(row: RowMapping) -> CaseRef:
    return CaseRef(row["id"], Phase(row["phase"]), row["version"])


def record_plan(
    ctx: Context, principal: Principal, case_id: UUID, plan: Plan, *, expected_version: int | None = None
) -> CaseRef:
    """Draft the case's plan (a new version; the guard: never without an assessment, and only during
    assessment). Its items name existing organisations."""
    refuse_if(plan_issues(plan), msg("The plan is not valid"))
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True, expected_version=expected_version)
        standing.require_work()
        may_record_plan(case_state_in(conn, standing.case))
        orgs = access.organisations_in(conn, {item.responsible_organisation_id for item in plan.items})
        unknown = [
            Issue(
                f"items[{i}].responsible_organisation_id",
                "organisation.unknown",
                msg("No organisation {id}", id=str(item.responsible_organisation_id)),
            )
            for i, item in enumerate(plan.items)
            if item.responsible_organisation_id not in orgs
        ]
        refuse_if(unknown, msg("The plan is not valid"))
        latest = record_store.latest_plan(conn, case_id)
        plan_id = new_id()
        record_store.insert_plan(
            conn,
            {
                "id": plan_id,
                "case_id": case_id,
                "version": (latest["version"] if latest else 0) + 1,
                "goals": json.dumps([g.strip() for g in plan.goals]),
                "status": "draft",
                "recorded_by": principal.user_id,
                "recorded_at": now,
            },
            [
                {
                    "plan_id": plan_id,
                    "position": i,
                    "service_type": item.service_type.value,
                    "responsible_organisation_id": item.responsible_organisation_id,
                    "directory_service_id": item.directory_service_id,
                    "start_on": item.start_on,
                    "due_on": item.due_on,
                }
                for i, item in enumerate(plan.items)
            ],
        )
        audit_case(ctx, conn, principal, events.CASE_RECORD, standing.case, record="plan", id=str(plan_id))
    return _ref(standing.case)


def _referral_of(conn: Connection, standing: Standing, referral_id: UUID | None) -> RowMapping | None:
    """The referral a record is made under: the case's; for its receiving organisation, one it accepted."""
    if referral_id is None:
        return None
    row = handover_store.row_by_id(conn, "referral", referral_id)
    if row is None or row["case_id"] != standing.case_id:
        text = msg("No referral {id} of this case", id=str(referral_id))
        raise Invalid(text, [Issue("referral_id", "referral.unknown", text)])
    return row


def _may_record_under(
    conn: Connection, standing: Standing, referral_id: UUID | None, what: str
) -> RowMapping | None:
    """The case's workers record in the phases of intervention; a receiving organisation records under the
    referral it accepted (``cases:write``)."""
    referral = _referral_of(conn, standing, referral_id)
    if standing.worker:
        may_record(case_state_in(conn, standing.case), what, SERVING)
        return referral
    receiving = (
        Relation.receiver in standing.relations
        and standing.writes
        and referral is not None
        and referral["to_organisation_id"] == standing.principal.organisation_id
    )
    if not receiving:
        raise ActorRefused(
            "receiver", msg("Record under a referral your organisation accepted"), "referral_id"
        )
    assert referral is not None
    if ReferralStatus(referral["status"]) is not ReferralStatus.accepted:
        raise GuardRefused(
            "referral_status",
            msg("The referral is {status}: records go under an accepted referral", status=referral["status"]),
            "referral_id",
        )
    return referral


def record_service(ctx: Context, principal: Principal, case_id: UUID, record: ServiceRecord) -> UUID:
    """Record a service delivered (an ATENSI service type, the provider, the worker, a programme). Under a
    referral, the receiving organisation is the provider and the service is the one referred."""
    now = utcnow()
    refuse_if(service_issues(record, now.date()), msg("The service record is not valid"))
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True)
        referral = _may_record_under(conn, standing, record.referral_id, "service")
        if referral is not None and not standing.worker:
            if referral["service_type"] != record.service_type.value:
                raise GuardRefused(
                    "referral_service_type",
                    msg("The referral asks for {type}", type=referral["service_type"]),
                    "service_type",
                )
            record = replace(record, provider_organisation_id=referral["to_organisation_id"])
        if not access.organisations_in(conn, {record.provider_organisation_id}):
            text = msg("No organisation {id}", id=str(record.provider_organisation_id))
            raise Invalid(text, [Issue("provider_organisation_id", "organisation.unknown", text)])
        service_id = new_id()
        record_store.insert_record(
            conn,
            "service",
            {
                "id": service_id,
                "case_id": case_id,
                "service_type": record.service_type.value,
                "delivered_on": record.delivered_on,
                "provider_organisation_id": record.provider_organisation_id,
                "worker_id": record.worker_id or principal.user_id,
                "referral_id": record.referral_id,
                "programme_code": record.programme_code,
                "note": record.note,
                "recorded_by": principal.user_id,
                "recorded_at": now,
            },
        )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_RECORD,
            standing.case,
            record="service",
            id=str(service_id),
            service_type=record.service_type.value,
            referral=str(record.referral_id) if record.referral_id else None,
        )
    return service_id


def record_outcome(ctx: Context, principal: Principal, case_id: UUID, outcome: Outcome) -> UUID:
    """Record an outcome (training completed, enterprise support, income before and after, employment,
    graduation …), by the case's workers or under an accepted referral."""
    now = utcnow()
    refuse_if(outcome_issues(outcome, now.date()), msg("The outcome is not valid"))
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True)
        _may_record_under(conn, standing, outcome.referral_id, "outcome")
        outcome_id = new_id()
        record_store.insert_record(
            conn,
            "outcome",
            {
                "id": outcome_id,
                "case_id": case_id,
                "kind": outcome.kind.value,
                "recorded_on": outcome.recorded_on,
                "income_before": outcome.income_before,
                "income_after": outcome.income_after,
                "graduated": outcome.graduated,
                "note": outcome.note,
                "referral_id": outcome.referral_id,
                "organisation_id": principal.organisation_id,
                "recorded_by": principal.user_id,
                "recorded_at": now,
            },
        )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_RECORD,
            standing.case,
            record="outcome",
            id=str(outcome_id),
            referral=str(outcome.referral_id) if outcome.referral_id else None,
        )
    return outcome_id


def add_note(ctx: Context, principal: Principal, case_id: UUID, text: str) -> UUID:
    """A note on the case (sensitive: read only in the full view with ``ppks:sensitive``); never its text
    in the audit log."""
    refuse_if(note_issues(text), msg("The note is not valid"))
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True)
        standing.require_work()
        note_id = new_id()
        record_store.insert_record(
            conn,
            "note",
            {
                "id": note_id,
                "case_id": case_id,
                "referral_id": None,
                "text": text.strip(),
                "organisation_id": principal.organisation_id,
                "written_by": principal.user_id,
                "written_at": now,
            },
        )
        audit_case(ctx, conn, principal, events.CASE_RECORD, standing.case, record="note", id=str(note_id))
    return note_id
