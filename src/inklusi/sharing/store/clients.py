"""SQL of partner clients, their access tokens (by the hash of the token's id) and their per-minute request
counts. Functions take a connection and never commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.sharing.tables import sharing_client, sharing_token

RATE_WINDOW = timedelta(minutes=1)


def insert_client(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(sharing_client).values(**row))


def client(conn: Connection, client_id: str, *, lock: bool = False) -> RowMapping | None:
    stmt = select(sharing_client).where(sharing_client.c.client_id == client_id)
    if lock:
        stmt = stmt.with_for_update()
    return conn.execute(stmt).mappings().first()


def clients(conn: Connection, agreement_id: UUID | None = None) -> list[RowMapping]:
    stmt = select(sharing_client).order_by(sharing_client.c.created_at.desc())
    if agreement_id is not None:
        stmt = stmt.where(sharing_client.c.agreement_id == agreement_id)
    return list(conn.execute(stmt).mappings())


def update_client(conn: Connection, client_pk: UUID, **values: object) -> None:
    conn.execute(update(sharing_client).where(sharing_client.c.id == client_pk).values(**values))


# --- Access tokens -----------------------------------------------------------------------------------------


def insert_token(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(sharing_token).values(**row))


def token_client(conn: Connection, id_hash: str, now: datetime) -> RowMapping | None:
    """The client of a live token (not expired): None for an unknown, ended or expired one."""
    t, c = sharing_token, sharing_client
    stmt = select(c).join(t, t.c.client_pk == c.c.id).where(t.c.id_hash == id_hash, t.c.expires_at > now)
    return conn.execute(stmt).mappings().first()


def end_tokens(conn: Connection, client_pk: UUID) -> int:
    """End every token of a client (rotation, revocation); how many ended."""
    result = conn.execute(delete(sharing_token).where(sharing_token.c.client_pk == client_pk))
    return int(result.rowcount or 0)


def forget_expired_tokens(conn: Connection, now: datetime) -> None:
    conn.execute(delete(sharing_token).where(sharing_token.c.expires_at <= now))


# --- Rate limits: a fixed one-minute window per client, counted in the client's row ---------------------


def count_request(conn: Connection, client_pk: UUID, limit: int, now: datetime) -> float | None:
    """Count one request of the client; None if it is within ``limit`` for the current minute, else the
    seconds until the minute ends. The client's row is locked while it is counted, so every worker of the
    server counts against the same figures."""
    c = sharing_client
    row = conn.execute(
        select(c.c.rate_window_start, c.c.rate_count).where(c.c.id == client_pk).with_for_update()
    ).first()
    if row is None:
        return None
    start, count = row
    if start is None or now - start >= RATE_WINDOW:
        conn.execute(update(c).where(c.c.id == client_pk).values(rate_window_start=now, rate_count=1))
        return None
    if count >= limit:
        return (start + RATE_WINDOW - now).total_seconds()
    conn.execute(update(c).where(c.c.id == client_pk).values(rate_count=count + 1))
    return None
