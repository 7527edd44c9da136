"""Caseloads: a worker's inbox (their cases, overdue follow-ups, referrals and transfers waiting for their
organisation, its overdue referrals, break-the-glass notices on its cases), an organisation's figures (for
its members, who see its cases anyway), an area's figures for roles without individual access (``ppks:read``
over the area: passed through the PPKS disclosure control), and the services delivered, for the PPKS needs
picture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import numpy as np
import pyarrow as pa
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.cases.handovers import ReferralStatus, overdue
from inklusi.cases.model import Phase
from inklusi.cases.records import Figures, figures, is_sensitive_category
from inklusi.cases.service.cases import CaseSummary, summaries
from inklusi.cases.service.reading import Names
from inklusi.cases.service.standing import audit_list
from inklusi.cases.service.views import Named, PersonCardView
from inklusi.cases.store import caseload as store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.disclosure import protect
from inklusi.errors import Forbidden, Invalid
from inklusi.i18n import msg
from inklusi.ppks import taxonomy
from inklusi.ppks.model import ServiceType
from inklusi.registry import service as registry
from inklusi.wilayah import service as wilayah

NOTICE_DAYS = 30  # break-the-glass grants on the organisation's cases shown in its inbox


@dataclass(frozen=True)
class ReferralCard:
    id: UUID
    case_id: UUID
    person: PersonCardView | None
    service_type: ServiceType
    from_organisation: Named
    to_organisation: Named
    status: ReferralStatus
    created_at: datetime
    respond_by: date
    overdue: bool


@dataclass(frozen=True)
class TransferCard:
    id: UUID
    case_id: UUID
    person: PersonCardView | None
    from_organisation: Named
    proposed_at: datetime
    reason: str


@dataclass(frozen=True)
class GlassNotice:
    id: UUID
    case_id: UUID
    person: PersonCardView | None
    user: Named | None
    organisation: Named | None
    reason: str
    granted_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Inbox:
    my_cases: tuple[CaseSummary, ...]
    overdue_follow_ups: tuple[CaseSummary, ...]
    referrals_waiting: tuple[ReferralCard, ...]  # sent to my organisation, to accept or reject
    transfers_waiting: tuple[TransferCard, ...]  # offered to my organisation
    overdue_referrals: tuple[ReferralCard, ...]  # my organisation's, not answered in time
    glass_notices: tuple[GlassNotice, ...]  # others who broke the glass on my organisation's cases


def inbox(ctx: Context, principal: Principal) -> Inbox:
    """What waits for the principal and their organisation (``cases:read``); audited with the cases shown."""
    principal.require(Permission.cases_read)
    now = utcnow()
    today = now.date()
    org, user = principal.organisation_id, principal.user_id
    with ctx.transaction() as conn:
        mine = store.my_cases(conn, user) if user else []
        late = store.overdue_follow_ups(conn, user, today) if user else []
        waiting = store.referrals_waiting(conn, org) if org else []
        overdue_sent = store.overdue_referrals(conn, org, today) if org else []
        transfers = store.transfers_waiting(conn, org) if org else []
        notices = store.glass_notices(conn, org, now - timedelta(days=NOTICE_DAYS)) if org else []
        others = [*waiting, *overdue_sent, *transfers, *notices]
        people = _people(conn, [row["person_id"] for row in others], today)
        names = Names.of_rows(conn, others)
        found = Inbox(
            my_cases=summaries(conn, mine, now),
            overdue_follow_ups=summaries(conn, late, now),
            referrals_waiting=tuple(_referral(r, people, names, today) for r in waiting),
            transfers_waiting=tuple(
                TransferCard(
                    r["id"],
                    r["case_id"],
                    people.get(r["person_id"]),
                    names.org_(r["from_organisation_id"]),
                    r["proposed_at"],
                    r["reason"],
                )
                for r in transfers
            ),
            overdue_referrals=tuple(_referral(r, people, names, today) for r in overdue_sent),
            glass_notices=tuple(
                GlassNotice(
                    r["id"],
                    r["case_id"],
                    people.get(r["person_id"]),
                    names.user(r["user_id"]),
                    names.org(r["organisation_id"]),
                    r["reason"],
                    r["granted_at"],
                    r["expires_at"],
                )
                for r in notices
            ),
        )
        shown = {row["id"] for row in [*mine, *late]} | {row["case_id"] for row in others}
        audit_list(ctx, conn, principal, "inbox", sorted(shown))
    return found


def _people(conn: Connection, person_ids: list[UUID], today) -> dict[UUID, PersonCardView]:
    cards = registry.related_person_cards_in(conn, person_ids)
    areas = wilayah.area_names_in(conn, {card.village_code for card in cards.values()})
    return {
        asked: PersonCardView(
            card.person_id,
            card.name,
            card.sex.name,
            card.age_on(today),
            card.village_code,
            areas.get(card.village_code),
            asked if card.person_id != asked else None,
        )
        for asked, card in cards.items()
    }


def _referral(row: RowMapping, people: dict[UUID, PersonCardView], names: Names, today) -> ReferralCard:
    status = ReferralStatus(row["status"])
    return ReferralCard(
        row["id"],
        row["case_id"],
        people.get(row["person_id"]),
        ServiceType(row["service_type"]),
        names.org_(row["from_organisation_id"]),
        names.org_(row["to_organisation_id"]),
        status,
        row["created_at"],
        row["respond_by"],
        overdue(status, row["respond_by"], today),
    )


# --- Figures ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFigures:
    statuses: dict[str, int]
    acceptance_hours: Figures  # from referral to acceptance


@dataclass(frozen=True)
class OrganisationDashboard:
    organisation: Named
    open_by_phase: dict[str, int]
    open_by_category: dict[str, int]  # sensitive categories only with ppks:sensitive
    referrals_sent: ReferralFigures
    referrals_received: ReferralFigures
    graduations: int
    income_change: Figures  # rupiah a month, over the outcomes with both incomes


def _hours(pairs: list[tuple[datetime, datetime]]) -> Figures:
    return figures((accepted - made).total_seconds() / 3600 for made, accepted in pairs)


def organisation_dashboard(ctx: Context, principal: Principal) -> OrganisationDashboard:
    """The figures of the principal's organisation's cases (its members see those cases anyway)."""
    principal.require(Permission.cases_read)
    org = principal.organisation_id
    if org is None:
        text = msg("A case belongs to an organisation: act as one of its users")
        raise Invalid(text)
    sensitive = principal.holds(Permission.ppks_sensitive)
    with ctx.transaction(readonly=True) as conn:
        name = Names.of_rows(conn, [], org).org_(org)
        by_category: dict[str, int] = {}
        for category, _phase, n in store.open_by_category_and_phase(conn, owner=org):
            if category is not None and (sensitive or not is_sensitive_category(category)):
                by_category[category] = by_category.get(category, 0) + n
        graduated, changes = store.outcomes(conn, owner=org)
        return OrganisationDashboard(
            organisation=name,
            open_by_phase=store.open_by_phase(conn, owner=org),
            open_by_category=dict(sorted(by_category.items())),
            referrals_sent=ReferralFigures(
                store.referral_statuses(conn, "from", owner=org),
                _hours(store.acceptance_times(conn, "from", owner=org)),
            ),
            referrals_received=ReferralFigures(
                store.referral_statuses(conn, "to", owner=org),
                _hours(store.acceptance_times(conn, "to", owner=org)),
            ),
            graduations=graduated,
            income_change=figures(changes),
        )


OPEN_PHASES = tuple(p.value for p in Phase if p.open)
NO_CATEGORY = "none"


@dataclass(frozen=True)
class ProtectedTable:
    """Open cases by category (rows) and phase (columns, then ``all``): ``None`` where suppressed. A case
    counts in each of its categories (``none``: without one). ``totals`` (over categories) only for holders
    of ``ppks:sensitive`` over the area (they would give the sensitive rows away)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[int | None, ...], ...]
    totals: tuple[int | None, ...] | None


@dataclass(frozen=True)
class AreaDashboard:
    area_code: str
    area_name: str | None
    threshold_sensitive: int
    threshold_personal: int
    cases: ProtectedTable
    acceptance_hours: Figures | None  # None: fewer referrals accepted than the threshold
    graduations: int | None  # None: suppressed (1 to threshold - 1)
    income_change: Figures | None  # None: fewer incomes than the threshold


def area_dashboard(ctx: Context, principal: Principal, area_code: str) -> AreaDashboard:
    """An area's case figures for a role without individual access (``ppks:read`` over the area), protected
    like the PPKS aggregates (``inklusi.disclosure``, the settings' thresholds): small counts suppressed,
    with enough others that none can be recovered; medians only over enough cases. Audited."""
    principal.require(Permission.ppks_read)
    if issues := wilayah.check_code(ctx, area_code, "area"):
        raise Invalid(issues[0].text, issues)
    if not principal.can(Permission.ppks_read, area_code):
        raise Forbidden(msg("You may not see vulnerable groups (PPKS) in area {code}", code=area_code))
    sensitive = principal.can(Permission.ppks_sensitive, area_code)
    high, low = ctx.settings.ppks_threshold_sensitive, ctx.settings.ppks_threshold_personal
    with ctx.transaction() as conn:
        counts = store.open_by_category_and_phase(conn, area=area_code)
        times = store.acceptance_times(conn, "to", area=area_code)
        graduated, changes = store.outcomes(conn, area=area_code)
        area_name = wilayah.area_names_in(conn, {area_code}).get(area_code)
        event = Event(
            kind=events.CASE_DASHBOARD,
            actor=principal.actor,
            purpose=Purpose.case_management,
            object_id=area_code,
            area_code=area_code,
            detail={"protected": True},
        )
        audit.record(ctx, conn, event)
    table = _protected(counts, sensitive, high, low)
    return AreaDashboard(
        area_code=area_code,
        area_name=area_name,
        threshold_sensitive=high,
        threshold_personal=low,
        cases=table,
        acceptance_hours=_hours(times) if len(times) >= low else None,
        graduations=graduated if graduated == 0 or graduated >= low else None,
        income_change=figures(changes) if len(changes) >= low else None,
    )


def _protected(
    counts: list[tuple[str | None, str, int]], sensitive: bool, high: int, low: int
) -> ProtectedTable:
    rows = [*taxonomy.taxonomy().codes, NO_CATEGORY]
    cells = np.zeros((len(rows), len(OPEN_PHASES)), dtype=np.int64)
    for category, phase, n in counts:
        cells[rows.index(category or NO_CATEGORY), OPEN_PHASES.index(phase)] += n
    limits = np.array(
        [[high if code != NO_CATEGORY and is_sensitive_category(code) else low] for code in rows]
    )
    published = protect(cells, np.broadcast_to(limits, cells.shape)).published()
    shown = [
        i
        for i, code in enumerate(rows)
        if sensitive or code == NO_CATEGORY or not is_sensitive_category(code)
    ]
    values = tuple(tuple(published[i].tolist()) for i in shown)
    totals = tuple(published[-1].tolist()) if sensitive else None
    return ProtectedTable(tuple(rows[i] for i in shown), (*OPEN_PHASES, "all"), values, totals)


SERVICES_SCHEMA = pa.schema([("person_id", pa.string()), ("service_type", pa.string())])


def delivered_services(ctx: Context) -> pa.Table:
    """Every (person, ATENSI service type) a case recorded a service of, once each (a person whom record
    linkage resolved into another counts as that person): what meets a PPKS need besides the programmes.
    For the PPKS identification run (no personal data besides the ids; not audited here: the run is)."""
    person_ids: list[str] = []
    service_types: list[str] = []
    with ctx.transaction(readonly=True) as conn:
        for part in store.delivered_services(conn):
            into = registry.survivors_in(conn, [row[0] for row in part])
            for person_id, service_type in part:
                person_ids.append(str(into.get(person_id, person_id)))
                service_types.append(service_type)
    table = pa.table({"person_id": person_ids, "service_type": service_types}, schema=SERVICES_SCHEMA)
    return table.group_by(["person_id", "service_type"]).aggregate([]) if len(table) else table
