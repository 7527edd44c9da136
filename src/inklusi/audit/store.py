"""SQL for the audit log: append under a lock, stream in order, find a hash."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, func, insert, or_, select, text
from sqlalchemy.engine import Connection

from inklusi.audit.model import Entry, LogQuery
from inklusi.audit.tables import audit_log

_append = insert(audit_log).returning(audit_log.c.seq)
_last = select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
# Any constant works as the lock id; this one spells "audit" in ASCII.
_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(478560413044)")


def lock_chain(conn: Connection) -> None:
    """Serialise appends until the transaction ends (SQLite's BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_CHAIN_LOCK)


def last_hash(conn: Connection) -> str | None:
    return conn.execute(_last).scalar()


def append(conn: Connection, row: dict[str, object]) -> int:
    return conn.execute(_append, row).scalar_one()


def entries(conn: Connection, batch: int = 10_000) -> Iterator[Entry]:
    result = conn.execution_options(yield_per=batch).execute(select(audit_log).order_by(audit_log.c.seq))
    for row in result.mappings():
        yield Entry(**row)


def seq_of_hash(conn: Connection, hash_: str) -> int | None:
    return conn.execute(select(audit_log.c.seq).where(audit_log.c.hash == hash_)).scalar()


def recent(
    conn: Connection,
    *,
    limit: int = 50,
    object_type: str | None = None,
    object_id: str | None = None,
    containing: str | None = None,
) -> list[Entry]:
    stmt = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if containing:
        stmt = stmt.where(audit_log.c.detail.contains(containing, autoescape=True))
    if object_type:
        stmt = stmt.where(audit_log.c.object_type == object_type)
    if object_id:
        stmt = stmt.where(audit_log.c.object_id == object_id)
    return [Entry(**row) for row in conn.execute(stmt).mappings()]


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audit_log)).scalar_one()


# --- Searching the log (issue 11 #5) ----------------------------------------------------------------


def _criteria(query: LogQuery) -> list[ColumnElement[bool]]:
    t = audit_log
    found: list[ColumnElement[bool]] = []
    if query.actor:
        found.append(t.c.actor_name == query.actor)
    if query.organisation_id:
        found.append(t.c.organisation_id == query.organisation_id)
    if query.action:
        found.append(
            or_(t.c.action == query.action, t.c.action.startswith(query.action + ".", autoescape=True))
        )
    if query.object_id:
        found.append(t.c.object_id == query.object_id)
    if query.purpose:
        found.append(t.c.purpose == query.purpose)
    if query.since:
        found.append(t.c.at >= query.since)
    if query.until:
        found.append(t.c.at < query.until)
    return found


def search(
    conn: Connection,
    query: LogQuery,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> list[Entry]:
    """A page of matching entries, newest first: below ``before``, or (going back up) above ``after``."""
    seq = audit_log.c.seq
    stmt = select(audit_log).where(*_criteria(query)).limit(limit)
    if after is not None:
        stmt = stmt.where(seq > after).order_by(seq)
    else:
        stmt = stmt.order_by(seq.desc())
        if before is not None:
            stmt = stmt.where(seq < before)
    found = [Entry(**row) for row in conn.execute(stmt).mappings()]
    return found[::-1] if after is not None else found


def any_beyond(conn: Connection, query: LogQuery, seq: int, *, older: bool) -> bool:
    """Whether some matching entry lies below (``older``) or above ``seq``."""
    side = audit_log.c.seq < seq if older else audit_log.c.seq > seq
    stmt = select(audit_log.c.seq).where(side, *_criteria(query)).limit(1)
    return conn.execute(stmt).first() is not None


def count_actions(conn: Connection, actor_id: UUID, action: str, since: datetime) -> int:
    stmt = (
        select(func.count())
        .select_from(audit_log)
        .where(audit_log.c.actor_id == actor_id, audit_log.c.action == action, audit_log.c.at >= since)
    )
    return conn.execute(stmt).scalar_one()


# --- Entries that name a record (a data subject's "who read my data") -----------------------------------


def mentioning(conn: Connection, ids: list[str], *, limit: int) -> list[Entry]:
    """Entries whose object is one of ``ids`` or whose detail names one (a list of persons read), newest
    first. The detail is searched as text: a scan of the log, for the rare subject request."""
    if not ids:
        return []
    named = [audit_log.c.detail.contains(value, autoescape=True) for value in ids]
    stmt = (
        select(audit_log)
        .where(or_(audit_log.c.object_id.in_(ids), *named))
        .order_by(audit_log.c.seq.desc())
        .limit(limit)
    )
    return [Entry(**row) for row in conn.execute(stmt).mappings()]
