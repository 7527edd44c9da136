"""Recording and checking the audit log.

:func:`record` joins the caller's transaction, so an action and its audit entry commit or fail together.
Every entry is bounded and its NIK/KK numbers pseudonymised on the way in (``model.bounded_detail``).
Whatever reads or checks the log asks its reader for ``audit:read`` first, so every edge (API, web, command
line) is checked the same way. :mod:`.mentions` reads the log for a slice that checks and records its
own reads (a data subject's "who read my data", a breach report).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Connection

from inklusi.audit import events, store
from inklusi.audit.events import Event
from inklusi.audit.model import (
    AUDIT_READ,
    FIELD_LIMITS,
    GENESIS,
    Anchor,
    ChainCheck,
    Entry,
    LogPage,
    LogQuery,
    Purpose,
    Reader,
    bounded_detail,
    cap,
    check_anchor,
    check_chain,
    entry_hash,
    number_key,
    number_pseudonym,
)
from inklusi.audit.service.mentions import entries_matching_in as entries_matching_in
from inklusi.audit.service.mentions import entries_mentioning_in as entries_mentioning_in
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
        actor_name=cap(event.actor.name, FIELD_LIMITS["actor_name"]),
        organisation_id=event.actor.organisation_id,
        action=cap(event.action, FIELD_LIMITS["action"]),
        object_type=cap(event.object_type, FIELD_LIMITS["object_type"]),
        object_id=cap(event.object_id, FIELD_LIMITS["object_id"]),
        area_code=cap(event.area_code, FIELD_LIMITS["area_code"]),
        purpose=event.purpose.value,
        detail=bounded_detail(event.detail, number_key(ctx.audit_key)),
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


def verify(ctx: Context, reader: Reader) -> ChainCheck:
    """Walk the whole chain: is it intact, or where does it first break (not itself recorded)?"""
    reader.require(AUDIT_READ)
    return _check(ctx)


def _check(ctx: Context) -> ChainCheck:
    with ctx.transaction(readonly=True) as conn:
        return check_chain(store.entries(conn), ctx.audit_key, lambda hash_: store.seq_of_hash(conn, hash_))


def anchor_file(ctx: Context) -> Path:
    """``INKLUSI_AUDIT_ANCHOR_FILE``, by default ``audit-anchor.json`` in the secrets folder."""
    return ctx.settings.audit_anchor_file or ctx.settings.secrets_dir / "audit-anchor.json"


def verify_anchored(ctx: Context, reader: Reader, anchor_path: Path) -> tuple[ChainCheck, Anchor | None]:
    """Check the chain, and that it still holds the head published by the last check (so entries cut
    from its end are found); then, if all is well, publish the head seen now. Returns the check and the
    anchor it was compared with (None on the first run)."""
    reader.require(AUDIT_READ)
    previous = _read_anchor(anchor_path)
    with ctx.transaction(readonly=True) as conn:
        locate = lambda hash_: store.seq_of_hash(conn, hash_)  # noqa: E731
        check = check_chain(store.entries(conn), ctx.audit_key, locate)
        if previous is not None:
            check = check_anchor(check, previous, locate)
    if check.intact:
        _write_anchor(anchor_path, Anchor(check.entries, check.head_seq, check.head_hash, utcnow()))
    return check, previous


def _read_anchor(path: Path) -> Anchor | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Anchor(data["entries"], data["seq"], data["hash"], datetime.fromisoformat(data["at"]))


def _write_anchor(path: Path, anchor: Anchor) -> None:
    """Replace the file in one step (a crash leaves the old anchor or the new, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    body = {"entries": anchor.entries, "seq": anchor.seq, "hash": anchor.hash, "at": anchor.at.isoformat()}
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle)
        handle.write("\n")
    partial.replace(path)


def pseudonym(ctx: Context, number: str) -> str:
    """What the log holds for a NIK or KK number: an auditor hashes a number to look for it."""
    return number_pseudonym(number_key(ctx.audit_key), number)


DENIALS_PER_MINUTE = 60  # per user: enough to see a probe, not enough to flood the log


def record_denial(ctx: Context, event: Event) -> bool:
    """Record a refused read or write (403, or 404 for an id that is missing or out of scope alike);
    past ``DENIALS_PER_MINUTE`` of one user the rest of that minute is not recorded."""
    with ctx.transaction() as conn:
        if event.actor.user_id is not None:
            since = utcnow() - timedelta(minutes=1)
            if store.count_actions(conn, event.actor.user_id, event.action, since) >= DENIALS_PER_MINUTE:
                return False
        record(ctx, conn, event)
    return True


def recent(
    ctx: Context,
    reader: Reader,
    *,
    limit: int = 50,
    object_type: str | None = None,
    object_id: str | None = None,
    containing: str | None = None,
) -> list[Entry]:
    """The newest entries (whose detail holds ``containing``, e.g. a number's :func:`pseudonym`);
    reading the log is itself recorded (entries hold searched names)."""
    reader.require(AUDIT_READ)
    with ctx.transaction() as conn:
        found = store.recent(
            conn, limit=limit, object_type=object_type, object_id=object_id, containing=containing
        )
        detail = {"object_type": object_type, "object_id": object_id, "entries": len(found)}
        if containing:
            detail["containing"] = containing
        event = Event(kind=events.AUDIT_READ, actor=reader.actor, purpose=Purpose.audit_review, detail=detail)
        record(ctx, conn, event)
    return found


def entries_about_in(conn: Connection, object_type: str, object_id: str, *, limit: int = 500) -> list[Entry]:
    """The newest entries about one object, inside the caller's transaction, for a slice that shows an
    object's own history to the people it allows (a case's "who viewed this" for its owner organisation):
    the caller decides who may read them and records that read; no ``audit:read`` is asked for."""
    return store.recent(conn, limit=limit, object_type=object_type, object_id=object_id)


# --- Reading the log from the web pages (issue 11 #5); every read is itself recorded ----------------

EXPORT_LIMIT = 100_000


def search_log(
    ctx: Context,
    reader: Reader,
    query: LogQuery,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> LogPage:
    """A page of entries matching ``query``, newest first (who read which person, when, and why)."""
    reader.require(AUDIT_READ)
    with ctx.transaction() as conn:
        entries = store.search(conn, query, before=before, after=after, limit=limit)
        older = newer = None
        if entries and store.any_beyond(conn, query, entries[-1].seq, older=True):
            older = entries[-1].seq
        if entries and store.any_beyond(conn, query, entries[0].seq, older=False):
            newer = entries[0].seq
        detail = {**query.described(), "before": before, "after": after, "entries": len(entries)}
        event = Event(
            kind=events.AUDIT_SEARCH, actor=reader.actor, purpose=Purpose.audit_review, detail=detail
        )
        record(ctx, conn, event)
    return LogPage(entries, older, newer)


def export_log(ctx: Context, reader: Reader, query: LogQuery, *, limit: int = EXPORT_LIMIT) -> list[Entry]:
    """Every entry matching ``query`` (at most ``limit``, newest first), for a CSV file."""
    reader.require(AUDIT_READ)
    with ctx.transaction() as conn:
        entries = store.search(conn, query, limit=limit)
        detail = {**query.described(), "entries": len(entries)}
        event = Event(
            kind=events.AUDIT_EXPORT, actor=reader.actor, purpose=Purpose.audit_review, detail=detail
        )
        record(ctx, conn, event)
    return entries


def verify_log(ctx: Context, reader: Reader) -> ChainCheck:
    """:func:`verify`, recorded: who checked the chain, and what they found."""
    check = verify(ctx, reader)
    detail = {
        "intact": check.intact,
        "entries": check.entries,
        "head_seq": check.head_seq,
        "first_problem": check.finding.seq if check.finding else None,
    }
    event = Event(kind=events.AUDIT_VERIFY, actor=reader.actor, purpose=Purpose.audit_review, detail=detail)
    record_alone(ctx, event)
    return check
