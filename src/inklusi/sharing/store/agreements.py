"""SQL of agreements: their rows, their daily usage per operation and the pseudonyms handed out under them.
Functions take a connection and never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, RowMapping

from inklusi.sharing.tables import sharing_agreement, sharing_pseudonym, sharing_usage


def insert_agreement(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(sharing_agreement).values(**row))


def agreement(conn: Connection, agreement_id: UUID, *, lock: bool = False) -> RowMapping | None:
    stmt = select(sharing_agreement).where(sharing_agreement.c.id == agreement_id)
    if lock:
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()


def agreements(conn: Connection, organisation_id: UUID | None = None) -> list[RowMapping]:
    stmt = select(sharing_agreement).order_by(sharing_agreement.c.created_at.desc())
    if organisation_id is not None:
        stmt = stmt.where(sharing_agreement.c.organisation_id == organisation_id)
    return list(conn.execute(stmt).mappings())


def update_agreement(conn: Connection, agreement_id: UUID, **values: object) -> None:
    conn.execute(update(sharing_agreement).where(sharing_agreement.c.id == agreement_id).values(**values))


# --- Quotas: rows handed out per agreement, operation and day -------------------------------------------


def _insert(conn: Connection, table: Table):
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite alike)."""
    return (postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)


def consume(conn: Connection, agreement_id: UUID, operation: str, day: date, rows: int) -> int:
    """Count ``rows`` more handed out today and return the day's total: one atomic upsert, so concurrent
    requests of every worker add up (the caller refuses, rolling back, when the total passes the quota)."""
    u = sharing_usage
    stmt = _insert(conn, u).values(agreement_id=agreement_id, operation=operation, day=day, rows=rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[u.c.agreement_id, u.c.operation, u.c.day], set_={"rows": u.c.rows + rows}
    ).returning(u.c.rows)
    return int(conn.execute(stmt).scalar_one())


def usage_of(conn: Connection, agreement_id: UUID, day: date) -> dict[str, int]:
    u = sharing_usage
    stmt = select(u.c.operation, u.c.rows).where(u.c.agreement_id == agreement_id, u.c.day == day)
    return dict(conn.execute(stmt).all())


# --- Pseudonyms ------------------------------------------------------------------------------------------


def remember_pseudonyms(conn: Connection, agreement_id: UUID, rows: Iterable[Mapping[str, object]]) -> None:
    """Store the tokens not stored yet (a token is its value's HMAC: the same token, the same object)."""
    wanted = {str(row["token"]): row for row in rows}
    if not wanted:
        return
    p = sharing_pseudonym
    known: set[str] = set()
    tokens = list(wanted)
    for start in range(0, len(tokens), 500):
        chunk = tokens[start : start + 500]
        stmt = select(p.c.token).where(p.c.agreement_id == agreement_id, p.c.token.in_(chunk))
        known.update(conn.scalars(stmt))
    missing = [dict(row, agreement_id=agreement_id) for token, row in wanted.items() if token not in known]
    if missing:  # (a concurrent request may have stored the same token meanwhile: the same object)
        conn.execute(_insert(conn, p).on_conflict_do_nothing(), missing)


def pseudonym(conn: Connection, agreement_id: UUID, token: str) -> RowMapping | None:
    p = sharing_pseudonym
    stmt = select(p).where(p.c.agreement_id == agreement_id, p.c.token == token)
    return conn.execute(stmt).mappings().first()


def agreement_names(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, str]:
    a = sharing_agreement
    return dict(conn.execute(select(a.c.id, a.c.name).where(a.c.id.in_(list(ids)))).all())
