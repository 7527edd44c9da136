"""SQL of DCI transactions: every message a partner sent (its id answered once), its search requests'
statuses and counts, and the delivery of an asynchronous search's on-search. Functions take a connection
and never commit. Every read names the partner's client: a partner never sees another's transactions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.sharing.tables import dci_request, dci_transaction


def message_seen(conn: Connection, client_id: str, message_id: str) -> bool:
    stmt = select(dci_transaction.c.id).where(
        dci_transaction.c.client_id == client_id, dci_transaction.c.message_id == message_id
    )
    return conn.execute(stmt).first() is not None


def insert_transaction(
    conn: Connection, row: Mapping[str, object], requests: Sequence[Mapping[str, object]]
) -> None:
    conn.execute(insert(dci_transaction).values(**row))
    if requests:
        conn.execute(insert(dci_request), [{"transaction_pk": row["id"], **r} for r in requests])


def complete_transaction(
    conn: Connection,
    transaction_pk: UUID,
    *,
    status: str,
    completed_at: datetime,
    requests: Sequence[Mapping[str, object]] = (),
    callback_status: str | None = None,
) -> None:
    conn.execute(
        update(dci_transaction)
        .where(dci_transaction.c.id == transaction_pk)
        .values(status=status, completed_at=completed_at, callback_status=callback_status)
    )
    for request in requests:
        values = {k: v for k, v in request.items() if k != "reference_id"}
        conn.execute(
            update(dci_request)
            .where(
                dci_request.c.transaction_pk == transaction_pk,
                dci_request.c.reference_id == request["reference_id"],
            )
            .values(**values)
        )


def find_transaction(
    conn: Connection, client_id: str, *, transaction_id: str | None = None, correlation_id: UUID | None = None
) -> RowMapping | None:
    """The client's latest search transaction with this transaction id, or with this correlation id."""
    stmt = select(dci_transaction).where(
        dci_transaction.c.client_id == client_id, dci_transaction.c.action == "search"
    )
    if correlation_id is not None:
        stmt = stmt.where(dci_transaction.c.id == correlation_id)
    if transaction_id is not None:
        stmt = stmt.where(dci_transaction.c.transaction_id == transaction_id)
    return conn.execute(stmt.order_by(dci_transaction.c.received_at.desc()).limit(1)).mappings().first()


def transaction_with_reference(
    conn: Connection, client_id: str, reference_ids: Sequence[str]
) -> RowMapping | None:
    """The client's latest search transaction holding one of these reference ids."""
    stmt = (
        select(dci_transaction)
        .join(dci_request, dci_request.c.transaction_pk == dci_transaction.c.id)
        .where(
            dci_transaction.c.client_id == client_id,
            dci_transaction.c.action == "search",
            dci_request.c.reference_id.in_(list(reference_ids)),
        )
        .order_by(dci_transaction.c.received_at.desc())
        .limit(1)
    )
    return conn.execute(stmt).mappings().first()


def requests_of(conn: Connection, transaction_pk: UUID) -> list[RowMapping]:
    stmt = (
        select(dci_request)
        .where(dci_request.c.transaction_pk == transaction_pk)
        .order_by(dci_request.c.reference_id)
    )
    return list(conn.execute(stmt).mappings())
