"""The ``change_request`` table: insert, read, list a queue, record a decision. Never commits.

A decision is written only while the request is still ``submitted`` (a conditional UPDATE), so two
reviewers deciding at once cannot both win.

A request belongs to the area where its target is *now*, like every other read (``store.household_in_scope``):
the household's newest version for a household, the household of the person's current membership for a
person. The village stored with the request is only where it was submitted; reads return the village now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy import case, func, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.registry.model import ChangeRequest, RequestStatus
from inklusi.registry.tables import change_request as table
from inklusi.registry.tables import family_member, family_version, household_version, person_version


def _newest(column, *where):
    """``column`` of the newest version among those matching ``where`` (as ``store.latest_version``)."""
    versions = column.table
    return (
        select(column)
        .where(*where)
        .order_by(versions.c.valid_from.desc(), versions.c.version_id.desc())
        .limit(1)
        .correlate(table)
        .scalar_subquery()
    )


# the person's current membership (the partial unique index finds it); one who left every family stays
# with the household named when the request was submitted
_person_family = _newest(
    family_member.c.family_id,
    family_member.c.person_id == table.c.target_id,
    family_member.c.valid_to.is_(None),
)
_person_household = _newest(family_version.c.household_id, family_version.c.family_id == _person_family)
_household_now = case(
    (table.c.target_type == "person", func.coalesce(_person_household, table.c.household_id)),
    else_=table.c.target_id,
)
VILLAGE_NOW = _newest(household_version.c.village_code, household_version.c.household_id == _household_now)
_columns = select(
    *(column for column in table.c if column.name != "village_code"), VILLAGE_NOW.label("village_code")
)


def insert(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(table.insert().values(**row))


def get(conn: Connection, request_id: UUID) -> ChangeRequest | None:
    row = conn.execute(_columns.where(table.c.id == request_id)).mappings().first()
    return _to_request(row) if row is not None else None


def written(conn: Connection, request_id: UUID) -> ChangeRequest:
    """A request this transaction has just written (or decided): it is there."""
    request = get(conn, request_id)
    if request is None:
        raise LookupError(f"change request {request_id} is not in this transaction")
    return request


def listing(
    conn: Connection,
    scope: Scope,
    *,
    status: RequestStatus | None,
    submitted_by: UUID | None = None,
    target_id: UUID | None = None,
    limit: int = 100,
) -> list[ChangeRequest]:
    """Requests whose target is now in a village inside ``scope``, oldest first (a queue is worked in order
    of arrival)."""
    now = _columns.subquery("change_request_now")
    query = select(now).where(in_scope(now.c.village_code, scope))
    if status is not None:
        query = query.where(now.c.status == status.value)
    if submitted_by is not None:
        query = query.where(now.c.submitted_by == submitted_by)
    if target_id is not None:
        query = query.where(now.c.target_id == target_id)
    query = query.order_by(now.c.submitted_at, now.c.id).limit(limit)
    return [_to_request(row) for row in conn.execute(query).mappings()]


def replaced_version(conn: Connection, request: ChangeRequest) -> RowMapping | None:
    """The version an applied request replaced: the one before the version it wrote, or, when applying
    wrote nothing (the registry already held the values), that version itself."""
    versions, key = (
        (household_version, "household_id")
        if request.target_type == "household"
        else (person_version, "person_id")
    )
    applied = (
        conn.execute(select(versions).where(versions.c.version_id == request.applied_version_id))
        .mappings()
        .first()
    )
    if applied is None or applied["batch_id"] != request.id:
        return applied
    before = (
        select(versions)
        .where(
            versions.c[key] == request.target_id,
            versions.c.version_id != applied["version_id"],
            versions.c.valid_from <= applied["valid_from"],
        )
        .order_by(versions.c.valid_from.desc(), versions.c.version_id.desc())
        .limit(1)
    )
    return conn.execute(before).mappings().first()


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
