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
