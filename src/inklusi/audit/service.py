"""Recording and checking the audit log.

:func:`record` joins the caller's transaction, so an action and its audit entry commit or fail together.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from inklusi.audit import store
from inklusi.audit.model import (
    GENESIS,
    Actor,
    ChainCheck,
    Entry,
    Event,
    LogPage,
    LogQuery,
    Purpose,
    canonical_detail,
    check_chain,
    entry_hash,
)
from inklusi.context import Context
from inklusi.db import utcnow


def record(ctx: Context, conn: Connection, event: Event) -> int:
    """Append ``event`` to the log inside the caller's transaction; returns its seq."""
    store.lock_chain(conn)
    prev_hash = store.last_hash(conn) or GENESIS
    entry = Entry(
        seq=0,
        at=utcnow(),
        actor_id=event.actor.user_id,
        actor_name=event.actor.name,
        organisation_id=event.actor.organisation_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        area_code=event.area_code,
        purpose=event.purpose.value,
        detail=canonical_detail(event.detail),
        prev_hash=prev_hash,
        hash="",
    )
    row = {name: getattr(entry, name) for name in Entry.__dataclass_fields__ if name != "seq"}
    row["hash"] = entry_hash(ctx.audit_key, prev_hash, entry)
    return store.append(conn, row)


def record_alone(ctx: Context, event: Event) -> int:
    """Record an event that has no other write to join (a failed login, say)."""
    with ctx.transaction() as conn:
        return record(ctx, conn, event)


def verify(ctx: Context) -> ChainCheck:
    with ctx.transaction(readonly=True) as conn:
        return check_chain(store.entries(conn), ctx.audit_key, lambda hash_: store.seq_of_hash(conn, hash_))


def recent(
    ctx: Context,
    reader: Actor,
    *,
    limit: int = 50,
    object_type: str | None = None,
    object_id: str | None = None,
) -> list[Entry]:
    """The newest entries; reading the log is itself recorded (entries hold searched names and NIKs)."""
    with ctx.transaction() as conn:
        found = store.recent(conn, limit=limit, object_type=object_type, object_id=object_id)
        detail = {"object_type": object_type, "object_id": object_id, "entries": len(found)}
        record(ctx, conn, Event(reader, "audit.read", "audit_log", None, Purpose.audit_review, detail=detail))
    return found


# --- Reading the log from the web pages (issue 11 #5); every read is itself recorded ----------------

EXPORT_LIMIT = 100_000


def search_log(
    ctx: Context,
    reader: Actor,
    query: LogQuery,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> LogPage:
    """A page of entries matching ``query``, newest first (who read which person, when, and why)."""
    with ctx.transaction() as conn:
        entries = store.search(conn, query, before=before, after=after, limit=limit)
        older = newer = None
        if entries and store.any_beyond(conn, query, entries[-1].seq, older=True):
            older = entries[-1].seq
        if entries and store.any_beyond(conn, query, entries[0].seq, older=False):
            newer = entries[0].seq
        detail = {**query.described(), "before": before, "after": after, "entries": len(entries)}
        record(
            ctx, conn, Event(reader, "audit.search", "audit_log", None, Purpose.audit_review, detail=detail)
        )
    return LogPage(entries, older, newer)


def export_log(ctx: Context, reader: Actor, query: LogQuery, *, limit: int = EXPORT_LIMIT) -> list[Entry]:
    """Every entry matching ``query`` (at most ``limit``, newest first), for a CSV file."""
    with ctx.transaction() as conn:
        entries = store.search(conn, query, limit=limit)
        detail = {**query.described(), "entries": len(entries)}
        record(
            ctx, conn, Event(reader, "audit.export", "audit_log", None, Purpose.audit_review, detail=detail)
        )
    return entries


def verify_log(ctx: Context, reader: Actor) -> ChainCheck:
    """:func:`verify`, recorded: who checked the chain, and what they found."""
    check = verify(ctx)
    detail = {
        "intact": check.intact,
        "entries": check.entries,
        "head_seq": check.head_seq,
        "first_problem": check.finding.seq if check.finding else None,
    }
    record_alone(ctx, Event(reader, "audit.verify", "audit_log", None, Purpose.audit_review, detail=detail))
    return check
