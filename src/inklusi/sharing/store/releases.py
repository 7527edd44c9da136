"""SQL of released tables and the privacy-budget ledger. The ledger line of a dataset and agreement is
created when first needed (``INSERT … ON CONFLICT DO NOTHING``, so two first requests at once make one
line) and locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers are serialised by ``BEGIN
IMMEDIATE``) for the rest of the transaction that spends from it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, RowMapping

from inklusi.sharing.tables import sharing_privacy_budget, sharing_release


def ensure_budget(
    conn: Connection, dataset: str, scope: str, agreement_id: UUID | None, budget_milli: int, at: datetime
) -> None:
    """The ledger line of ``dataset`` and ``scope``, made with ``budget_milli`` and nothing spent if new."""
    insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values = {
        "dataset": dataset,
        "scope": scope,
        "agreement_id": agreement_id,
        "budget_milli": budget_milli,
        "spent_milli": 0,
        "updated_at": at,
    }
    conn.execute(insert(sharing_privacy_budget).values(values).on_conflict_do_nothing())


def locked_budget(conn: Connection, dataset: str, scope: str) -> RowMapping | None:
    """The ledger line, locked until the transaction ends."""
    b = sharing_privacy_budget
    stmt = select(b).where(b.c.dataset == dataset, b.c.scope == scope).with_for_update()
    return conn.execute(stmt).mappings().first()


def add_spent(conn: Connection, dataset: str, scope: str, asked_milli: int, at: datetime) -> bool:
    """Add to what the line has spent, in one statement that also refuses to pass the budget (besides the
    lock and the table's check); False when it would."""
    b = sharing_privacy_budget
    stmt = (
        update(b)
        .where(b.c.dataset == dataset, b.c.scope == scope, b.c.spent_milli + asked_milli <= b.c.budget_milli)
        .values(spent_milli=b.c.spent_milli + asked_milli, updated_at=at)
    )
    return conn.execute(stmt).rowcount == 1


def budgets(conn: Connection, scope: str | None = None) -> list[RowMapping]:
    """Every ledger line (of one scope when given), by dataset and scope."""
    b = sharing_privacy_budget
    stmt = select(b).order_by(b.c.dataset, b.c.scope)
    if scope is not None:
        stmt = stmt.where(b.c.scope == scope)
    return list(conn.execute(stmt).mappings())


def insert_release(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(sharing_release.insert().values(row))


def release_by_request(conn: Connection, dataset: str, scope: str, parameters_key: str) -> RowMapping | None:
    r = sharing_release
    stmt = select(r).where(r.c.dataset == dataset, r.c.scope == scope, r.c.parameters_key == parameters_key)
    return conn.execute(stmt).mappings().first()


def release_by_id(conn: Connection, release_id: UUID) -> RowMapping | None:
    return conn.execute(select(sharing_release).where(sharing_release.c.id == release_id)).mappings().first()


def list_releases(conn: Connection, *, scope: str | None = None, limit: int = 200) -> list[RowMapping]:
    """The newest releases first (of one ledger scope: an agreement's id or public), without their tables."""
    r = sharing_release
    columns = [c for c in r.c if c.name not in ("table", "parameters")]
    stmt = select(*columns).order_by(r.c.created_at.desc(), r.c.id).limit(limit)
    if scope is not None:
        stmt = stmt.where(r.c.scope == scope)
    return list(conn.execute(stmt).mappings())
