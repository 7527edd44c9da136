"""SQL for import bookkeeping. Functions take a connection and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, RowMapping

from inklusi.db import bulk_insert
from inklusi.instrument.tables import import_batch, import_quarantine, import_submission

CHUNK = 5_000


def batch_by_file(conn: Connection, sha256: str) -> RowMapping | None:
    t = import_batch
    stmt = select(t).where(t.c.file_sha256 == sha256).order_by(t.c.finished_at)
    return conn.execute(stmt).mappings().first()


def batch(conn: Connection, batch_id: UUID) -> RowMapping | None:
    return conn.execute(select(import_batch).where(import_batch.c.id == batch_id)).mappings().first()


def recent_batches(conn: Connection, limit: int = 20, offset: int = 0) -> list[RowMapping]:
    t = import_batch
    stmt = select(t).order_by(t.c.finished_at.desc(), t.c.id.desc()).limit(limit).offset(offset)
    return list(conn.execute(stmt).mappings())


def insert_batch(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(import_batch).values(row))


def imported_before(conn: Connection, submission_ids: Iterable[str]) -> dict[str, str]:
    """Submission id → content hash, for the ids already imported."""
    ids, found = list(submission_ids), dict[str, str]()
    t = import_submission
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stmt = select(t.c.submission_id, t.c.content_sha256).where(t.c.submission_id.in_(chunk))
        found |= dict(conn.execute(stmt).all())
    return found


def insert_submissions(conn: Connection, rows: list[dict[str, object]]) -> None:
    bulk_insert(conn, import_submission, rows)


def insert_quarantine(conn: Connection, rows: list[dict[str, object]]) -> None:
    bulk_insert(conn, import_quarantine, rows)


def quarantine(conn: Connection, batch_id: UUID) -> list[RowMapping]:
    t = import_quarantine
    return list(conn.execute(select(t).where(t.c.batch_id == batch_id).order_by(t.c.position)).mappings())
