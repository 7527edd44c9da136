"""SQL of the case rows: opening, reading, the version counted up on every change (which also locks the
row until the transaction ends), categories, transitions, lists."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.cases.tables import case_category, case_file, case_transition
from inklusi.db import bulk_insert

_case = select(case_file).where(case_file.c.id == bindparam("case_id"))
_categories = (
    select(case_category.c.category)
    .where(case_category.c.case_id == bindparam("case_id"))
    .order_by(case_category.c.category)
)
_transitions = (
    select(case_transition)
    .where(case_transition.c.case_id == bindparam("case_id"))
    .order_by(case_transition.c.at, case_transition.c.id)
)
_last_transition = (
    select(case_transition)
    .where(case_transition.c.case_id == bindparam("case_id"))
    .order_by(case_transition.c.at.desc(), case_transition.c.id.desc())
    .limit(1)
)


def insert_case(conn: Connection, row: dict[str, object], categories: list[str]) -> None:
    conn.execute(insert(case_file).values(row))
    set_categories(conn, row["id"], categories)  # type: ignore[arg-type]


def set_categories(conn: Connection, case_id: UUID, categories: list[str]) -> None:
    conn.execute(delete(case_category).where(case_category.c.case_id == case_id))
    bulk_insert(conn, case_category, [{"case_id": case_id, "category": code} for code in categories])


def case_row(conn: Connection, case_id: UUID) -> RowMapping | None:
    return conn.execute(_case, {"case_id": case_id}).mappings().first()


def bump(
    conn: Connection, case_id: UUID, now: datetime, expected_version: int | None = None, **changes: object
) -> RowMapping | None:
    """Count the case's version up (and apply ``changes``); None when the case is not there or not at
    ``expected_version``. On PostgreSQL the row stays locked until the transaction ends."""
    stmt = update(case_file).where(case_file.c.id == case_id)
    if expected_version is not None:
        stmt = stmt.where(case_file.c.version == expected_version)
    stmt = stmt.values(version=case_file.c.version + 1, updated_at=now, **changes)
    if conn.execute(stmt).rowcount == 0:
        return None
    return case_row(conn, case_id)


def set_case(conn: Connection, case_id: UUID, **changes: object) -> RowMapping:
    """Change the case (whose version the write counted up already) and read it back."""
    conn.execute(update(case_file).where(case_file.c.id == case_id).values(**changes))
    row = case_row(conn, case_id)
    assert row is not None  # the caller holds it locked
    return row


def categories_of(conn: Connection, case_id: UUID) -> list[str]:
    return list(conn.scalars(_categories, {"case_id": case_id}))


def insert_transition(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(case_transition).values(row))


def transitions_of(conn: Connection, case_id: UUID) -> list[RowMapping]:
    return list(conn.execute(_transitions, {"case_id": case_id}).mappings())


def last_transition(conn: Connection, case_id: UUID) -> RowMapping | None:
    return conn.execute(_last_transition, {"case_id": case_id}).mappings().first()


def cases_of_person(conn: Connection, person_ids: list[UUID]) -> list[RowMapping]:
    stmt = (
        select(case_file).where(case_file.c.person_id.in_(person_ids)).order_by(case_file.c.opened_at.desc())
    )
    return list(conn.execute(stmt).mappings())


def list_cases(
    conn: Connection,
    *,
    owner: UUID | None,
    assigned: UUID | None,
    phase: str | None,
    open_only: bool,
    limit: int,
    offset: int,
) -> tuple[list[RowMapping], int]:
    """A page of cases of an owner organisation or an assigned worker (newest first), and how many."""
    conditions = []
    if owner is not None:
        conditions.append(case_file.c.owner_organisation_id == owner)
    if assigned is not None:
        conditions.append(case_file.c.assigned_user_id == assigned)
    if phase is not None:
        conditions.append(case_file.c.phase == phase)
    elif open_only:
        conditions.append(case_file.c.phase != "closed")
    total = conn.execute(select(func.count()).select_from(case_file).where(*conditions)).scalar_one()
    page = (
        select(case_file)
        .where(*conditions)
        .order_by(case_file.c.opened_at.desc(), case_file.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(conn.execute(page).mappings()), int(total)
