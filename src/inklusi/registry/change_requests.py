"""The ``change_request`` table: insert, read, list a queue, record a decision. Never commits.

A decision is written only while the request is still ``submitted`` (a conditional UPDATE), so two
reviewers deciding at once cannot both win.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.registry.model import ChangeRequest, RequestStatus
from inklusi.registry.tables import change_request as table


def insert(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(table.insert().values(**row))


def get(conn: Connection, request_id: UUID) -> ChangeRequest | None:
    row = conn.execute(select(table).where(table.c.id == request_id)).mappings().first()
    return _to_request(row) if row is not None else None


def listing(
    conn: Connection,
    scope: Scope,
    *,
    status: RequestStatus | None,
    submitted_by: UUID | None = None,
    target_id: UUID | None = None,
    limit: int = 100,
) -> list[ChangeRequest]:
    """Requests in villages inside ``scope``, oldest first (a queue is worked in order of arrival)."""
    query = select(table).where(in_scope(table.c.village_code, scope))
    if status is not None:
        query = query.where(table.c.status == status.value)
    if submitted_by is not None:
        query = query.where(table.c.submitted_by == submitted_by)
    if target_id is not None:
        query = query.where(table.c.target_id == target_id)
    query = query.order_by(table.c.submitted_at, table.c.id).limit(limit)
    return [_to_request(row) for row in conn.execute(query).mappings()]


def decide(
    conn: Connection,
    request_id: UUID,
    status: RequestStatus,
    *,
    decided_by: UUID | None,
    decided_at: datetime,
    note: str | None,
    applied_version_id: UUID | None = None,
) -> bool:
    """Record the decision; False if the request was no longer waiting for one."""
    result = conn.execute(
        update(table)
        .where(table.c.id == request_id, table.c.status == RequestStatus.submitted.value)
        .values(
            status=status.value,
            decided_by=decided_by,
            decided_at=decided_at,
            decision_note=note,
            applied_version_id=applied_version_id,
        )
    )
    return result.rowcount == 1


def _to_request(row: RowMapping) -> ChangeRequest:
    values = dict(row)
    values["status"] = RequestStatus(values["status"])
    return ChangeRequest(**values)
