"""SQL of caseloads: a worker's and an organisation's inbox (each list one indexed range), the figures of an
organisation's or an area's cases, and the services delivered (for the PPKS needs picture)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, bindparam, func, select
from sqlalchemy.engine import Connection, Row, RowMapping

from inklusi.access.scope_sql import in_area
from inklusi.cases.tables import (
    case_category,
    case_file,
    case_glass,
    case_outcome,
    case_referral,
    case_service,
    case_transfer,
)

INBOX_LIMIT = 100
TIMES_LIMIT = 20_000  # acceptance times read for the figures (the most recent)

_c, _r, _t, _g = case_file, case_referral, case_transfer, case_glass
_mine = (
    select(_c)
    .where(_c.c.assigned_user_id == bindparam("user_id"), _c.c.phase != "closed")
    .order_by(_c.c.follow_up_on.is_(None), _c.c.follow_up_on, _c.c.opened_at)
    .limit(INBOX_LIMIT)
)
_overdue_follow_ups = (
    select(_c)
    .where(
        _c.c.assigned_user_id == bindparam("user_id"),
        _c.c.follow_up_on < bindparam("today"),
        _c.c.phase != "closed",
    )
    .order_by(_c.c.follow_up_on)
    .limit(INBOX_LIMIT)
)
_referrals = select(_r, _c.c.person_id).join(_c, _c.c.id == _r.c.case_id)
_waiting = (
    _referrals.where(_r.c.to_organisation_id == bindparam("organisation_id"), _r.c.status == "pending")
    .order_by(_r.c.respond_by, _r.c.created_at)
    .limit(INBOX_LIMIT)
)
_overdue_sent = (
    _referrals.where(
        _r.c.from_organisation_id == bindparam("organisation_id"),
        _r.c.status == "pending",
        _r.c.respond_by < bindparam("today"),
    )
    .order_by(_r.c.respond_by)
    .limit(INBOX_LIMIT)
)
_transfers = (
    select(_t, _c.c.person_id)
    .join(_c, _c.c.id == _t.c.case_id)
    .where(_t.c.to_organisation_id == bindparam("organisation_id"), _t.c.status == "pending")
    .order_by(_t.c.proposed_at)
    .limit(INBOX_LIMIT)
)
_glass = (
    select(_g, _c.c.person_id)
    .join(_c, _c.c.id == _g.c.case_id)
    .where(_g.c.owner_organisation_id == bindparam("organisation_id"), _g.c.granted_at >= bindparam("since"))
    .order_by(_g.c.granted_at.desc())
    .limit(INBOX_LIMIT)
)


def my_cases(conn: Connection, user_id: UUID) -> list[RowMapping]:
    return list(conn.execute(_mine, {"user_id": user_id}).mappings())


def overdue_follow_ups(conn: Connection, user_id: UUID, today: date) -> list[RowMapping]:
    return list(conn.execute(_overdue_follow_ups, {"user_id": user_id, "today": today}).mappings())


def referrals_waiting(conn: Connection, organisation_id: UUID) -> list[RowMapping]:
    return list(conn.execute(_waiting, {"organisation_id": organisation_id}).mappings())


def overdue_referrals(conn: Connection, organisation_id: UUID, today: date) -> list[RowMapping]:
    return list(conn.execute(_overdue_sent, {"organisation_id": organisation_id, "today": today}).mappings())


def transfers_waiting(conn: Connection, organisation_id: UUID) -> list[RowMapping]:
    return list(conn.execute(_transfers, {"organisation_id": organisation_id}).mappings())


def glass_notices(conn: Connection, organisation_id: UUID, since: datetime) -> list[RowMapping]:
    return list(conn.execute(_glass, {"organisation_id": organisation_id, "since": since}).mappings())


# --- Figures: of an organisation's cases (``owner``) or an area's (``area``) --------------------------------


def _cases(owner: UUID | None, area: str | None) -> list[ColumnElement[bool]]:
    if owner is not None:
        return [_c.c.owner_organisation_id == owner]
    assert area is not None
    return [in_area(_c.c.area_code, area)]


def open_by_phase(conn: Connection, *, owner: UUID | None = None, area: str | None = None) -> dict[str, int]:
    stmt = (
        select(_c.c.phase, func.count())
        .where(*_cases(owner, area), _c.c.phase != "closed")
        .group_by(_c.c.phase)
    )
    return {phase: int(n) for phase, n in conn.execute(stmt).all()}


def open_by_category_and_phase(
    conn: Connection, *, owner: UUID | None = None, area: str | None = None
) -> list[tuple[str | None, str, int]]:
    """(category or None for a case without one, phase, open cases); a case counts in each category."""
    k = case_category
    stmt = (
        select(k.c.category, _c.c.phase, func.count())
        .select_from(_c.outerjoin(k, k.c.case_id == _c.c.id))
        .where(*_cases(owner, area), _c.c.phase != "closed")
        .group_by(k.c.category, _c.c.phase)
    )
    return [(category, phase, int(n)) for category, phase, n in conn.execute(stmt).all()]


def referral_statuses(
    conn: Connection, side: str, *, owner: UUID | None = None, area: str | None = None
) -> dict[str, int]:
    """Referrals by status: sent (``side`` "from") or received ("to") by ``owner``; an area's cases' all."""
    stmt = select(_r.c.status, func.count()).group_by(_r.c.status)
    if owner is not None:
        stmt = stmt.where(_r.c[f"{side}_organisation_id"] == owner)
    else:
        stmt = stmt.join(_c, _c.c.id == _r.c.case_id).where(*_cases(None, area))
    return {status: int(n) for status, n in conn.execute(stmt).all()}


def acceptance_times(
    conn: Connection, side: str, *, owner: UUID | None = None, area: str | None = None
) -> list[tuple[datetime, datetime]]:
    """(made, accepted) of the most recent accepted referrals, as for :func:`referral_statuses`."""
    stmt = (
        select(_r.c.created_at, _r.c.accepted_at)
        .where(_r.c.accepted_at.is_not(None))
        .order_by(_r.c.accepted_at.desc())
        .limit(TIMES_LIMIT)
    )
    if owner is not None:
        stmt = stmt.where(_r.c[f"{side}_organisation_id"] == owner)
    else:
        stmt = stmt.join(_c, _c.c.id == _r.c.case_id).where(*_cases(None, area))
    return [(made, accepted) for made, accepted in conn.execute(stmt).all()]


def outcomes(
    conn: Connection, *, owner: UUID | None = None, area: str | None = None
) -> tuple[int, list[int]]:
    """Of the cases' outcomes: how many cases graduated, and every income change recorded (after - before)."""
    o = case_outcome
    scope = and_(*_cases(owner, area))
    graduated = conn.execute(
        select(func.count(func.distinct(o.c.case_id)))
        .select_from(o.join(_c, _c.c.id == o.c.case_id))
        .where(scope, o.c.graduated.is_(True))
    ).scalar_one()
    changes = conn.execute(
        select(o.c.income_after - o.c.income_before)
        .select_from(o.join(_c, _c.c.id == o.c.case_id))
        .where(scope, o.c.income_before.is_not(None), o.c.income_after.is_not(None))
        .limit(TIMES_LIMIT)
    ).scalars()
    return int(graduated), [int(change) for change in changes]


def delivered_services(conn: Connection, rows: int = 50_000) -> Iterator[Sequence[Row]]:
    """Every (person, service type) a service was recorded for, once each, in parts."""
    stmt = (
        select(_c.c.person_id, case_service.c.service_type)
        .select_from(case_service.join(_c, _c.c.id == case_service.c.case_id))
        .distinct()
    )
    result = conn.execution_options(yield_per=rows).execute(stmt)
    yield from result.partitions()
