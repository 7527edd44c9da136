"""SQL of entity resolution: which household and person records are resolved into another record.

A resolution row says "record X is a duplicate of record Y" from ``valid_from`` until ``valid_to`` (an
unmerge or a later linkage run ends it). Reads that count each household or person once (search, counts,
snapshots) leave out records with a current resolution; reads as of a moment use the row valid then. Like
the store, functions take a connection and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.engine import Connection

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.db import bulk_insert
from inklusi.registry.tables import (
    family_member,
    family_version,
    household,
    household_version,
    person,
    person_version,
    record_resolution,
)

CHUNK = 5_000
IDENTITY = {"household": household, "person": person}


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def is_resolved(kind: str, record_id: ColumnElement) -> ColumnElement[bool]:
    """True where the record (a column of ids) is resolved into another record now."""
    r = record_resolution
    return exists().where(r.c.kind == kind, r.c.record_id == record_id, r.c.valid_to.is_(None))


def is_resolved_within(person_id: ColumnElement, scope: Scope) -> ColumnElement[bool]:
    """True where the person is resolved into a person who lives inside ``scope`` now: the caller sees the
    survivor instead. A duplicate whose survivor lies outside the caller's scope stays visible to them."""
    r, m, f, h = record_resolution, family_member, family_version, household_version
    return exists().where(
        r.c.kind == "person",
        r.c.record_id == person_id,
        r.c.valid_to.is_(None),
        m.c.person_id == r.c.resolved_into,
        m.c.valid_to.is_(None),
        f.c.family_id == m.c.family_id,
        f.c.valid_to.is_(None),
        h.c.household_id == f.c.household_id,
        h.c.valid_to.is_(None),
        in_scope(h.c.village_code, scope),
    )


def current(conn: Connection, kind: str) -> dict[UUID, UUID]:
    """Every record of ``kind`` resolved now, with the record it is resolved into (duplicates only)."""
    r = record_resolution
    stmt = select(r.c.record_id, r.c.resolved_into).where(r.c.kind == kind, r.c.valid_to.is_(None))
    return dict(conn.execute(stmt).all())


def resolved_into_at(conn: Connection, kind: str, record_id: UUID, at: datetime | None) -> UUID | None:
    """The record ``record_id`` was resolved into at ``at`` (now when None), or None."""
    r = record_resolution
    valid: ColumnElement[bool] = r.c.valid_to.is_(None)
    if at is not None:
        valid = and_(r.c.valid_from <= at, or_(r.c.valid_to.is_(None), r.c.valid_to > at))
    stmt = select(r.c.resolved_into).where(r.c.kind == kind, r.c.record_id == record_id, valid)
    return conn.execute(stmt.limit(1)).scalar_one_or_none()


def resolved_now(conn: Connection, kind: str, record_ids: list[UUID]) -> dict[UUID, UUID]:
    """For the records among ``record_ids`` resolved into another now: that record."""
    r = record_resolution
    found: dict[UUID, UUID] = {}
    for part in _chunks(record_ids):
        stmt = select(r.c.record_id, r.c.resolved_into).where(
            r.c.kind == kind, r.c.record_id.in_(part), r.c.valid_to.is_(None)
        )
        found |= dict(conn.execute(stmt).all())
    return found


def registered_at(conn: Connection, kind: str, record_ids: list[UUID]) -> dict[UUID, datetime]:
    """When each record was first registered (its identity row's ``created_at``)."""
    table = IDENTITY[kind]
    found: dict[UUID, datetime] = {}
    for part in _chunks(record_ids):
        found |= dict(conn.execute(select(table.c.id, table.c.created_at).where(table.c.id.in_(part))).all())
    return found


def end(conn: Connection, kind: str, record_ids: list[UUID], at: datetime) -> None:
    r = record_resolution
    for part in _chunks(record_ids):
        conn.execute(
            update(r)
            .where(r.c.kind == kind, r.c.record_id.in_(part), r.c.valid_to.is_(None))
            .values(valid_to=at)
        )


def insert(conn: Connection, rows: list[dict[str, object]]) -> None:
    bulk_insert(conn, record_resolution, rows)


def linked_persons(
    conn: Connection, survivors: list[UUID], scope: Scope
) -> list[tuple[UUID, UUID, UUID, str]]:
    """(survivor, duplicate person, its household, village) for duplicates living inside ``scope``."""
    r, m, f, h = record_resolution, family_member, family_version, household_version
    rows: list[tuple[UUID, UUID, UUID, str]] = []
    for part in _chunks(survivors):
        stmt = (
            select(r.c.resolved_into, r.c.record_id, h.c.household_id, h.c.village_code)
            .select_from(r)
            .join(m, and_(m.c.person_id == r.c.record_id, m.c.valid_to.is_(None)))
            .join(f, and_(f.c.family_id == m.c.family_id, f.c.valid_to.is_(None)))
            .join(h, and_(h.c.household_id == f.c.household_id, h.c.valid_to.is_(None)))
            .where(
                r.c.kind == "person",
                r.c.valid_to.is_(None),
                r.c.resolved_into.in_(part),
                in_scope(h.c.village_code, scope),
            )
            .order_by(r.c.resolved_into, r.c.record_id)
        )
        rows += [tuple(row) for row in conn.execute(stmt).all()]
    return rows


def count_unresolved(conn: Connection, kind: str) -> int:
    """Current households or persons, each entity once (duplicates resolved into another left out)."""
    table, key = (household_version, "household_id") if kind == "household" else (person_version, "person_id")
    stmt = (
        select(func.count())
        .select_from(table)
        .where(table.c.valid_to.is_(None), ~is_resolved(kind, table.c[key]))
    )
    return conn.execute(stmt).scalar_one()


def survivors_in_scope(conn: Connection, person_ids: list[UUID], scope: Scope) -> dict[UUID, UUID]:
    """For the persons among ``person_ids`` resolved into a person living inside ``scope``: that person."""
    r, m, f, h = record_resolution, family_member, family_version, household_version
    found: dict[UUID, UUID] = {}
    for part in _chunks(person_ids):
        stmt = (
            select(r.c.record_id, r.c.resolved_into)
            .select_from(r)
            .join(m, and_(m.c.person_id == r.c.resolved_into, m.c.valid_to.is_(None)))
            .join(f, and_(f.c.family_id == m.c.family_id, f.c.valid_to.is_(None)))
            .join(h, and_(h.c.household_id == f.c.household_id, h.c.valid_to.is_(None)))
            .where(
                r.c.kind == "person",
                r.c.valid_to.is_(None),
                r.c.record_id.in_(part),
                in_scope(h.c.village_code, scope),
            )
        )
        found |= dict(conn.execute(stmt).all())
    return found


def homes(
    conn: Connection, *, person_ids: list[UUID] | None = None, household_ids: list[UUID] | None = None
) -> list[tuple[UUID, UUID]]:
    """(person, household) of the current members of ``household_ids``, or of ``person_ids``' households."""
    m, f = family_member, family_version
    column, wanted = (
        (m.c.person_id, person_ids) if person_ids is not None else (f.c.household_id, household_ids)
    )
    rows: list[tuple[UUID, UUID]] = []
    for part in _chunks(list(wanted or [])):
        stmt = (
            select(m.c.person_id, f.c.household_id)
            .select_from(m)
            .join(f, and_(f.c.family_id == m.c.family_id, f.c.valid_to.is_(None)))
            .where(m.c.valid_to.is_(None), column.in_(part))
        )
        rows += [tuple(row) for row in conn.execute(stmt).all()]
    return rows
