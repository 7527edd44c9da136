"""Reading the log for another slice that decides itself who may read what it finds and records that read:
the entries about a data subject (their person and household ids, as objects or named in a detail) and
the entries matching an auditor's query (a breach report). Nothing here asks for a permission or records
an entry: the caller does both, in the transaction it passes."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.audit import store
from inklusi.audit.model import Entry, LogQuery

MENTIONS_LIMIT = 10_000


def entries_mentioning_in(
    conn: Connection, ids: Iterable[UUID], *, limit: int = MENTIONS_LIMIT
) -> list[Entry]:
    """The newest entries (at most ``limit``) about any of ``ids`` or naming one in their detail."""
    return store.mentioning(conn, sorted({str(value) for value in ids}), limit=limit)


def entries_matching_in(conn: Connection, query: LogQuery, *, limit: int) -> list[Entry]:
    """The newest entries (at most ``limit``) matching ``query`` (an actor in a time window, say)."""
    return store.search(conn, query, limit=limit)
