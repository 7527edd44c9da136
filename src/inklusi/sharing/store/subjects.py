"""SQL for data-subject requests and restrictions. :func:`restricted_among` is what a partner read asks
before it answers (a restricted person is left out of partners' results and released person-level data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.sharing.tables import subject_request, subject_restriction

CHUNK = 500  # ids per IN list


def insert_request(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(subject_request), row)


def request_by_id(conn: Connection, request_id: UUID) -> RowMapping | None:
    return conn.execute(select(subject_request).where(subject_request.c.id == request_id)).mappings().first()


def requests(
    conn: Connection,
    scope: Scope,
    *,
    statuses: Iterable[str] | None = None,
    person_id: UUID | None = None,
    limit: int = 500,
) -> list[RowMapping]:
    """Requests in ``scope``, the soonest due first (open ones before closed ones when both are asked)."""
    stmt = (
        select(subject_request)
        .where(in_scope(subject_request.c.village_code, scope))
        .order_by(subject_request.c.due_at, subject_request.c.id)
        .limit(limit)
    )
    if statuses is not None:
        stmt = stmt.where(subject_request.c.status.in_(list(statuses)))
    if person_id is not None:
        stmt = stmt.where(subject_request.c.person_id == person_id)
    return list(conn.execute(stmt).mappings())


def update_request(
    conn: Connection, request_id: UUID, values: Mapping[str, object], *, open_only: bool
) -> bool:
    """Change a request; with ``open_only``, only while it is received or in progress (False otherwise)."""
    stmt = update(subject_request).where(subject_request.c.id == request_id).values(**values)
    if open_only:
        stmt = stmt.where(subject_request.c.status.in_(("received", "in_progress")))
    return conn.execute(stmt).rowcount == 1


def erase_contact(conn: Connection, person_id: UUID, *, except_request: UUID) -> int:
    """Erase the contact details of the person's closed requests (and of none still open but this one's
    own, which the caller erases on closing); returns how many were erased."""
    stmt = (
        update(subject_request)
        .where(
            subject_request.c.person_id == person_id,
            subject_request.c.id != except_request,
            subject_request.c.status.in_(("answered", "refused")),
            subject_request.c.contact.is_not(None),
        )
        .values(contact=None)
    )
    return conn.execute(stmt).rowcount


# --- Restrictions -----------------------------------------------------------------------------------------


def restricted_among(conn: Connection, person_ids: Iterable[UUID]) -> set[UUID]:
    """Those of ``person_ids`` under a restriction now (hidden from partners and released person data)."""
    asked = list(dict.fromkeys(person_ids))
    found: set[UUID] = set()
    t = subject_restriction
    for start in range(0, len(asked), CHUNK):
        chunk = asked[start : start + CHUNK]
        stmt = select(t.c.person_id).where(t.c.person_id.in_(chunk), t.c.ended_at.is_(None)).distinct()
        found |= set(conn.execute(stmt).scalars())
    return found


def start_restriction(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(subject_restriction), row)


def end_restriction(conn: Connection, person_id: UUID, *, at: datetime, request_id: UUID) -> int:
    t = subject_restriction
    stmt = (
        update(t)
        .where(and_(t.c.person_id == person_id, t.c.ended_at.is_(None)))
        .values(ended_at=at, ended_request_id=request_id)
    )
    return conn.execute(stmt).rowcount


def restriction_since(conn: Connection, person_id: UUID) -> datetime | None:
    """When the person's current restriction started (None: not restricted)."""
    t = subject_restriction
    stmt = select(t.c.started_at).where(t.c.person_id == person_id, t.c.ended_at.is_(None)).limit(1)
    return conn.execute(stmt).scalar()
