"""SQL of what a case records: assessments and their needs, plans and their items, service records,
outcomes and notes. Lists come in the order they were recorded; ``referral_ids`` narrows a list to the
records made under those referrals (what a receiving organisation sees)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Table, bindparam, exists, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.cases.tables import (
    case_assessment,
    case_need,
    case_note,
    case_outcome,
    case_plan,
    case_plan_item,
    case_service,
)
from inklusi.db import bulk_insert

LIMIT = 500  # records of one kind on a case page

_assessed = select(exists().where(case_assessment.c.case_id == bindparam("case_id")))
_latest_plan = (
    select(case_plan)
    .where(case_plan.c.case_id == bindparam("case_id"))
    .order_by(case_plan.c.version.desc())
    .limit(1)
)


def insert_assessment(conn: Connection, row: dict[str, object], needs: list[dict[str, object]]) -> None:
    conn.execute(insert(case_assessment).values(row))
    bulk_insert(conn, case_need, needs)


def assessed(conn: Connection, case_id: UUID) -> bool:
    return bool(conn.execute(_assessed, {"case_id": case_id}).scalar())


def assessments_of(conn: Connection, case_id: UUID, limit: int = LIMIT) -> list[RowMapping]:
    t = case_assessment
    stmt = (
        select(t).where(t.c.case_id == case_id).order_by(t.c.recorded_at.desc(), t.c.id.desc()).limit(limit)
    )
    return list(conn.execute(stmt).mappings())


def needs_of(conn: Connection, assessment_ids: Sequence[UUID]) -> list[RowMapping]:
    if not assessment_ids:
        return []
    stmt = select(case_need).where(case_need.c.assessment_id.in_(assessment_ids))
    return list(conn.execute(stmt).mappings())


def insert_plan(conn: Connection, row: dict[str, object], items: list[dict[str, object]]) -> None:
    conn.execute(insert(case_plan).values(row))
    bulk_insert(conn, case_plan_item, items)


def latest_plan(conn: Connection, case_id: UUID) -> RowMapping | None:
    return conn.execute(_latest_plan, {"case_id": case_id}).mappings().first()


def plans_of(conn: Connection, case_id: UUID, limit: int = LIMIT) -> list[RowMapping]:
    t = case_plan
    stmt = select(t).where(t.c.case_id == case_id).order_by(t.c.version.desc()).limit(limit)
    return list(conn.execute(stmt).mappings())


def plan_items(conn: Connection, plan_ids: Sequence[UUID]) -> list[RowMapping]:
    if not plan_ids:
        return []
    t = case_plan_item
    stmt = select(t).where(t.c.plan_id.in_(plan_ids)).order_by(t.c.plan_id, t.c.position)
    return list(conn.execute(stmt).mappings())


def set_plan_status(conn: Connection, plan_id: UUID, status: str, **values: object) -> None:
    conn.execute(update(case_plan).where(case_plan.c.id == plan_id).values(status=status, **values))


def supersede_approved(conn: Connection, case_id: UUID) -> None:
    """The plans approved before are replaced by the one approved now."""
    t = case_plan
    conn.execute(
        update(t).where(t.c.case_id == case_id, t.c.status == "approved").values(status="superseded")
    )


def insert_record(conn: Connection, kind: str, row: dict[str, object]) -> None:
    conn.execute(insert(_TABLES[kind]).values(row))


_TABLES: dict[str, Table] = {"service": case_service, "outcome": case_outcome, "note": case_note}
_ORDER = {"service": "delivered_on", "outcome": "recorded_on", "note": "written_at"}


def records_of(
    conn: Connection, kind: str, case_id: UUID, referral_ids: Sequence[UUID] | None = None, limit: int = LIMIT
) -> list[RowMapping]:
    """Services, outcomes or notes of a case, newest first (``referral_ids``: only those under them)."""
    t = _TABLES[kind]
    stmt = select(t).where(t.c.case_id == case_id)
    if referral_ids is not None:
        stmt = stmt.where(t.c.referral_id.in_(referral_ids))
    stmt = stmt.order_by(t.c[_ORDER[kind]].desc(), t.c.id.desc()).limit(limit)
    return list(conn.execute(stmt).mappings())
