"""SQL of the linkage slice: runs, entities, memberships, review pairs and decisions. Never commits.

Memberships are temporal: moving a record to another entity closes its current row (``valid_to``) and
inserts the next; entities are retired (``retired_into``), never deleted; decisions are only inserted.
Bulk writes go through :func:`inklusi.db.bulk_insert` (COPY on PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.db import bulk_insert
from inklusi.linkage.model import EntityKind, PairStatus
from inklusi.linkage.tables import (
    linkage_decision,
    linkage_entity,
    linkage_membership,
    linkage_pair,
    linkage_run,
)

CHUNK = 5_000


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Runs -------------------------------------------------------------------------------------------


def insert_run(conn: Connection, row: Mapping[str, object]) -> None:
    bulk_insert(conn, linkage_run, [dict(row)])


def finish_run(conn: Connection, run_id: UUID, **figures: object) -> None:
    conn.execute(update(linkage_run).where(linkage_run.c.id == run_id).values(**figures))


def latest_run(conn: Connection, kind: EntityKind, *, with_model: bool = True) -> RowMapping | None:
    stmt = select(linkage_run).where(linkage_run.c.kind == kind.value)
    if with_model:
        stmt = stmt.where(linkage_run.c.model.is_not(None))
    stmt = stmt.order_by(linkage_run.c.started_at.desc(), linkage_run.c.id.desc()).limit(1)
    return conn.execute(stmt).mappings().first()


def list_runs(conn: Connection, limit: int = 20) -> list[RowMapping]:
    columns = [c for c in linkage_run.c if c.name != "model"]
    stmt = select(*columns).order_by(linkage_run.c.started_at.desc()).limit(limit)
    return list(conn.execute(stmt).mappings())


# --- Entities and memberships -----------------------------------------------------------------------


def current_memberships(conn: Connection, kind: EntityKind) -> dict[UUID, UUID]:
    """Every record's current entity."""
    m = linkage_membership
    stmt = select(m.c.record_id, m.c.entity_id).where(m.c.kind == kind.value, m.c.valid_to.is_(None))
    return dict(conn.execute(stmt).all())


def memberships_of(conn: Connection, kind: EntityKind, entity_ids: list[UUID]) -> list[tuple[UUID, UUID]]:
    """(record, entity) of the current members of ``entity_ids``."""
    m = linkage_membership
    rows: list[tuple[UUID, UUID]] = []
    for part in _chunks(entity_ids):
        stmt = select(m.c.record_id, m.c.entity_id).where(
            m.c.kind == kind.value, m.c.valid_to.is_(None), m.c.entity_id.in_(part)
        )
        rows += [tuple(row) for row in conn.execute(stmt).all()]
    return rows


def entities_of(conn: Connection, kind: EntityKind, record_ids: list[UUID]) -> dict[UUID, UUID]:
    """The current entity of each of ``record_ids`` that has one."""
    m = linkage_membership
    found: dict[UUID, UUID] = {}
    for part in _chunks(record_ids):
        stmt = select(m.c.record_id, m.c.entity_id).where(
            m.c.kind == kind.value, m.c.valid_to.is_(None), m.c.record_id.in_(part)
        )
        found |= dict(conn.execute(stmt).all())
    return found


def insert_entities(conn: Connection, rows: list[dict[str, object]]) -> None:
    bulk_insert(conn, linkage_entity, rows)


def insert_memberships(conn: Connection, rows: list[dict[str, object]]) -> None:
    bulk_insert(conn, linkage_membership, rows)


def close_memberships(conn: Connection, kind: EntityKind, record_ids: list[UUID], at: datetime) -> None:
    m = linkage_membership
    for part in _chunks(record_ids):
        conn.execute(
            update(m)
            .where(m.c.kind == kind.value, m.c.record_id.in_(part), m.c.valid_to.is_(None))
            .values(valid_to=at)
        )


def retire_entities(conn: Connection, retired: Mapping[UUID, UUID | None], at: datetime) -> None:
    """Retire entities that lost every member; ``retired`` maps each to the entity its members joined."""
    e = linkage_entity
    for entity_id, into in retired.items():
        conn.execute(
            update(e)
            .where(e.c.id == entity_id, e.c.retired_at.is_(None))
            .values(retired_at=at, retired_into=into)
        )


def entity(conn: Connection, entity_id: UUID) -> RowMapping | None:
    return conn.execute(select(linkage_entity).where(linkage_entity.c.id == entity_id)).mappings().first()


def members(conn: Connection, entity_id: UUID, *, current_only: bool = True) -> list[RowMapping]:
    m = linkage_membership
    stmt = select(m).where(m.c.entity_id == entity_id)
    if current_only:
        stmt = stmt.where(m.c.valid_to.is_(None))
    return list(conn.execute(stmt.order_by(m.c.valid_from, m.c.record_id)).mappings())


def membership_history(conn: Connection, kind: EntityKind, record_ids: list[UUID]) -> list[RowMapping]:
    m = linkage_membership
    rows: list[RowMapping] = []
    for part in _chunks(record_ids):
        stmt = select(m).where(m.c.kind == kind.value, m.c.record_id.in_(part)).order_by(m.c.valid_from)
        rows += conn.execute(stmt).mappings().all()
    return rows


def entity_of(conn: Connection, kind: EntityKind, record_id: UUID) -> UUID | None:
    m = linkage_membership
    stmt = select(m.c.entity_id).where(
        m.c.kind == kind.value, m.c.record_id == record_id, m.c.valid_to.is_(None)
    )
    return conn.execute(stmt).scalar_one_or_none()


# --- Review pairs -----------------------------------------------------------------------------------


def supersede_pending(conn: Connection, kind: EntityKind, at: datetime) -> int:
    p = linkage_pair
    stmt = (
        update(p)
        .where(p.c.kind == kind.value, p.c.status == PairStatus.pending.value)
        .values(status=PairStatus.superseded.value, closed_at=at)
    )
    return conn.execute(stmt).rowcount


def insert_pairs(conn: Connection, rows: list[dict[str, object]]) -> None:
    bulk_insert(conn, linkage_pair, rows)


def _pairs_in_scope(scope: Scope):
    p = linkage_pair
    return and_(
        in_scope(func.coalesce(p.c.area_a, ""), scope), in_scope(func.coalesce(p.c.area_b, ""), scope)
    )


def pending_pairs(
    conn: Connection, kind: EntityKind, scope: Scope, *, limit: int, offset: int = 0
) -> list[RowMapping]:
    """Pending pairs with both records inside the scope, the most doubtful (closest to even odds) first."""
    p = linkage_pair
    stmt = (
        select(p)
        .where(p.c.kind == kind.value, p.c.status == PairStatus.pending.value, _pairs_in_scope(scope))
        .order_by(func.abs(p.c.match_probability - 0.5), p.c.id)
        .limit(limit)
        .offset(offset)
    )
    return list(conn.execute(stmt).mappings())


def count_pending(conn: Connection, kind: EntityKind, scope: Scope) -> int:
    p = linkage_pair
    stmt = select(func.count()).where(
        p.c.kind == kind.value, p.c.status == PairStatus.pending.value, _pairs_in_scope(scope)
    )
    return conn.execute(stmt).scalar_one()


def pair(conn: Connection, pair_id: UUID, scope: Scope) -> RowMapping | None:
    stmt = select(linkage_pair).where(linkage_pair.c.id == pair_id, _pairs_in_scope(scope))
    return conn.execute(stmt).mappings().first()


def close_pair(conn: Connection, pair_id: UUID, status: PairStatus, at: datetime) -> bool:
    p = linkage_pair
    stmt = (
        update(p)
        .where(p.c.id == pair_id, p.c.status == PairStatus.pending.value)
        .values(status=status.value, closed_at=at)
    )
    return conn.execute(stmt).rowcount == 1


def close_pairs_between(conn: Connection, kind: EntityKind, record_ids: list[UUID], at: datetime) -> None:
    """Pending pairs whose records a merge or split has settled are superseded."""
    p = linkage_pair
    for part in _chunks(record_ids):
        conn.execute(
            update(p)
            .where(
                p.c.kind == kind.value,
                p.c.status == PairStatus.pending.value,
                p.c.record_a.in_(part),
                p.c.record_b.in_(record_ids),
            )
            .values(status=PairStatus.superseded.value, closed_at=at)
        )


# --- Decisions --------------------------------------------------------------------------------------


def insert_decision(conn: Connection, row: Mapping[str, object]) -> None:
    values = dict(row)
    values["detail"] = json.dumps(values.get("detail") or {}, sort_keys=True, default=str)
    bulk_insert(conn, linkage_decision, [values])


def decisions(conn: Connection, kind: EntityKind) -> list[RowMapping]:
    d = linkage_decision
    stmt = select(d).where(d.c.entity_kind == kind.value).order_by(d.c.decided_at, d.c.id)
    return list(conn.execute(stmt).mappings())


def decisions_about(conn: Connection, kind: EntityKind, entity_ids: list[UUID]) -> list[RowMapping]:
    d = linkage_decision
    stmt = (
        select(d)
        .where(
            d.c.entity_kind == kind.value,
            or_(d.c.entity_id.in_(entity_ids), d.c.other_entity_id.in_(entity_ids)),
        )
        .order_by(d.c.decided_at)
    )
    return list(conn.execute(stmt).mappings())
