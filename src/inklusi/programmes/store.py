"""SQL of the programmes slice: stored specifications, scenarios, frozen lists and their entries, FKP
meetings and decisions, grievances. Functions take a connection and never commit. Reads of households
(entries, meetings, grievances) filter by the caller's scope in SQL (``in_scope`` on the village code).
Lists and entries are written once: there is no update of them here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_area, in_scope
from inklusi.db import bulk_insert_columns
from inklusi.programmes.tables import (
    beneficiary_entry,
    beneficiary_list,
    fkp_decision,
    fkp_meeting,
    grievance,
    programme,
    programme_scenario,
)

# --- Programmes ------------------------------------------------------------------------------------


def insert_programme(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(programme).values(**row))


def programme_by_id(conn: Connection, programme_id: UUID) -> RowMapping | None:
    return conn.execute(select(programme).where(programme.c.id == programme_id)).mappings().first()


def programme_version(conn: Connection, name: str, version: int) -> RowMapping | None:
    stmt = select(programme).where(programme.c.name == name, programme.c.version == version)
    return conn.execute(stmt).mappings().first()


def latest_programmes(conn: Connection, name: str | None = None) -> list[RowMapping]:
    """The newest stored version of every programme (or of ``name``)."""
    newest = select(programme.c.name, func.max(programme.c.version).label("version")).group_by(
        programme.c.name
    )
    if name is not None:
        newest = newest.where(programme.c.name == name)
    latest = newest.subquery()
    stmt = (
        select(programme)
        .join(latest, (latest.c.name == programme.c.name) & (latest.c.version == programme.c.version))
        .order_by(programme.c.name)
    )
    return list(conn.execute(stmt).mappings())


# --- Scenarios -------------------------------------------------------------------------------------


def _scenarios():
    return select(programme_scenario, programme.c.name.label("programme"), programme.c.version).join(
        programme, programme.c.id == programme_scenario.c.programme_id
    )


def insert_scenario(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(programme_scenario).values(**row))


def scenario_by_id(conn: Connection, scenario_id: UUID) -> RowMapping | None:
    stmt = _scenarios().where(programme_scenario.c.id == scenario_id)
    return conn.execute(stmt).mappings().first()


def scenarios(conn: Connection, name: str | None = None, limit: int = 200) -> list[RowMapping]:
    stmt = _scenarios()
    if name is not None:
        stmt = stmt.where(programme.c.name == name)
    stmt = stmt.order_by(programme_scenario.c.created_at.desc(), programme_scenario.c.id.desc()).limit(limit)
    return list(conn.execute(stmt).mappings())


# --- Lists and entries (written once) --------------------------------------------------------------


def _lists():
    return select(beneficiary_list, programme.c.name.label("programme")).join(
        programme, programme.c.id == beneficiary_list.c.programme_id
    )


def insert_list(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(beneficiary_list).values(**row))


def insert_entries(conn: Connection, columns: Mapping[str, Sequence[object]]) -> None:
    if columns and len(next(iter(columns.values()))):
        bulk_insert_columns(conn, beneficiary_entry, columns)


def list_by_id(conn: Connection, list_id: UUID) -> RowMapping | None:
    return conn.execute(_lists().where(beneficiary_list.c.id == list_id)).mappings().first()


def list_by_cycle(conn: Connection, programme_id: UUID, cycle: str) -> RowMapping | None:
    stmt = _lists().where(beneficiary_list.c.programme_id == programme_id, beneficiary_list.c.cycle == cycle)
    return conn.execute(stmt).mappings().first()


def lists(conn: Connection, limit: int = 200) -> list[RowMapping]:
    stmt = _lists().order_by(beneficiary_list.c.frozen_at.desc(), beneficiary_list.c.id.desc()).limit(limit)
    return list(conn.execute(stmt).mappings())


def village_counts(conn: Connection, list_id: UUID, scope: Scope) -> list[RowMapping]:
    e = beneficiary_entry
    stmt = (
        select(
            e.c.village_code,
            func.count().label("households"),
            func.sum(e.c.people).label("people"),
            func.sum(e.c.benefit).label("cost"),
        )
        .where(e.c.list_id == list_id, in_scope(e.c.village_code, scope))
        .group_by(e.c.village_code)
        .order_by(e.c.village_code)
    )
    return list(conn.execute(stmt).mappings())


def entries(
    conn: Connection, list_id: UUID, scope: Scope, *, within: str | None = None, rows: int = 10_000
) -> Iterator[RowMapping]:
    """The list's entries inside ``scope`` (and inside the area ``within``), by priority."""
    e = beneficiary_entry
    stmt = select(e).where(e.c.list_id == list_id, in_scope(e.c.village_code, scope))
    if within is not None:
        stmt = stmt.where(in_area(e.c.village_code, within))
    stmt = stmt.order_by(e.c.priority, e.c.household_id)
    for part in conn.execute(stmt, execution_options={"yield_per": rows}).mappings().partitions():
        yield from part


def entries_of(conn: Connection, list_id: UUID, household_ids: Sequence[UUID]) -> dict[UUID, RowMapping]:
    e = beneficiary_entry
    stmt = select(e).where(e.c.list_id == list_id, e.c.household_id.in_(list(household_ids)))
    return {row["household_id"]: row for row in conn.execute(stmt).mappings()}


# --- FKP meetings ----------------------------------------------------------------------------------


def insert_meeting(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(fkp_meeting).values(**row))


def insert_decisions(conn: Connection, rows: Sequence[Mapping[str, object]]) -> None:
    if rows:
        conn.execute(insert(fkp_decision), [dict(r) for r in rows])


def meeting_by_id(conn: Connection, meeting_id: UUID) -> RowMapping | None:
    return conn.execute(select(fkp_meeting).where(fkp_meeting.c.id == meeting_id)).mappings().first()


def meetings(conn: Connection, list_id: UUID, scope: Scope) -> list[RowMapping]:
    m = fkp_meeting
    stmt = (
        select(m)
        .where(m.c.list_id == list_id, in_scope(m.c.village_code, scope))
        .order_by(m.c.held_on.desc(), m.c.id.desc())
    )
    return list(conn.execute(stmt).mappings())


def decisions_of(conn: Connection, meeting_ids: Sequence[UUID]) -> list[RowMapping]:
    d = fkp_decision
    stmt = select(d).where(d.c.meeting_id.in_(list(meeting_ids))).order_by(d.c.meeting_id, d.c.id)
    return list(conn.execute(stmt).mappings())


# --- Grievances ------------------------------------------------------------------------------------


def insert_grievance(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(grievance).values(**row))


def grievance_by_id(conn: Connection, grievance_id: UUID) -> RowMapping | None:
    return conn.execute(select(grievance).where(grievance.c.id == grievance_id)).mappings().first()


def grievances(
    conn: Connection,
    scope: Scope,
    *,
    status: str | None,
    submitted_by: UUID | None = None,
    reassessment_since: datetime | None = None,
    reassessment: bool = False,
    limit: int = 500,
) -> list[RowMapping]:
    g = grievance
    stmt = select(g).where(in_scope(g.c.village_code, scope))
    if status is not None:
        stmt = stmt.where(g.c.status == status)
    if submitted_by is not None:
        stmt = stmt.where(g.c.submitted_by == submitted_by)
    if reassessment:
        stmt = stmt.where(g.c.reassessment.is_(True))
        if reassessment_since is not None:
            stmt = stmt.where(g.c.decided_at > reassessment_since)
    stmt = stmt.order_by(g.c.submitted_at, g.c.id).limit(limit)
    return list(conn.execute(stmt).mappings())


def decide_grievance(conn: Connection, grievance_id: UUID, values: Mapping[str, object]) -> bool:
    """Record the decision of a grievance still submitted (False: it was decided meanwhile)."""
    stmt = (
        update(grievance)
        .where(grievance.c.id == grievance_id, grievance.c.status == "submitted")
        .values(**values)
    )
    return conn.execute(stmt).rowcount == 1
