"""SQL of the welfare slice: models, runs and household ranks. Functions take a connection, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

import pyarrow as pa
from sqlalchemy import and_, func, insert, select
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.db import bulk_insert
from inklusi.welfare.tables import household_rank, welfare_model, welfare_run

RANK_FIELDS = (
    "village_code",
    "people",
    "score",
    "national_percentile",
    "national_decile",
    "household_decile",
    "province_decile",
    "regency_decile",
)


# --- Models ----------------------------------------------------------------------------------------


def insert_model(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(welfare_model).values(**row))


def model_by_version(conn: Connection, version: str) -> RowMapping | None:
    return conn.execute(select(welfare_model).where(welfare_model.c.version == version)).mappings().first()


def model_by_id(conn: Connection, model_id: UUID) -> RowMapping | None:
    return conn.execute(select(welfare_model).where(welfare_model.c.id == model_id)).mappings().first()


def latest_model(conn: Connection) -> RowMapping | None:
    stmt = select(welfare_model).order_by(welfare_model.c.created_at.desc(), welfare_model.c.id.desc())
    return conn.execute(stmt.limit(1)).mappings().first()


def list_models(conn: Connection) -> list[RowMapping]:
    columns = [c for c in welfare_model.c if c.name not in ("artifact", "spec")]
    stmt = select(*columns).order_by(welfare_model.c.created_at.desc())
    return list(conn.execute(stmt).mappings())


# --- Runs ------------------------------------------------------------------------------------------


def _run_query():
    return select(welfare_run, welfare_model.c.version.label("model_version")).join(
        welfare_model, welfare_model.c.id == welfare_run.c.model_id
    )


def insert_run(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(welfare_run).values(**row))


def latest_run(conn: Connection) -> RowMapping | None:
    stmt = _run_query().order_by(welfare_run.c.ranked_at.desc(), welfare_run.c.id.desc()).limit(1)
    return conn.execute(stmt).mappings().first()


def run_by_id(conn: Connection, run_id: UUID) -> RowMapping | None:
    return conn.execute(_run_query().where(welfare_run.c.id == run_id)).mappings().first()


def list_runs(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(_run_query().order_by(welfare_run.c.ranked_at.desc())).mappings())


def set_run_counts(conn: Connection, run_id: UUID, households: int, persons: int) -> None:
    stmt = welfare_run.update().where(welfare_run.c.id == run_id)
    conn.execute(stmt.values(households=households, persons=persons))


# --- Ranks -----------------------------------------------------------------------------------------


def insert_ranks(conn: Connection, run_id: UUID, batches: Iterable[pa.RecordBatch]) -> int:
    """Bulk insert ranked households (COPY on PostgreSQL); returns how many."""
    written = 0
    for batch in batches:
        columns = {name: batch.column(name).to_pylist() for name in ("household_id", *RANK_FIELDS)}
        rows = [
            {
                "run_id": run_id,
                "household_id": UUID(columns["household_id"][i]),
                **{name: columns[name][i] for name in RANK_FIELDS},
            }
            for i in range(batch.num_rows)
        ]
        bulk_insert(conn, household_rank, rows)
        written += len(rows)
    return written


def national_deciles(
    conn: Connection, run_id: UUID, rows: int, columns: tuple[str, ...] = ()
) -> Iterable[list[tuple]]:
    """Every household's (id, national decile, *columns) in a run, ``rows`` at a time (a server-side
    cursor)."""
    r = household_rank
    stmt = select(r.c.household_id, r.c.national_decile, *(r.c[c] for c in columns)).where(
        r.c.run_id == run_id
    )
    result = conn.execute(stmt, execution_options={"yield_per": rows})
    for part in result.partitions():
        yield [(row[0], int(row[1]), *row[2:]) for row in part]


def household_rank_in_scope(
    conn: Connection, household_id: UUID, run_id: UUID, scope: Scope
) -> RowMapping | None:
    r = household_rank
    stmt = select(r).where(
        r.c.run_id == run_id, r.c.household_id == household_id, in_scope(r.c.village_code, scope)
    )
    return conn.execute(stmt).mappings().first()


def household_history(conn: Connection, household_id: UUID, scope: Scope) -> list[RowMapping]:
    r, run = household_rank, welfare_run
    stmt = (
        select(r, run.c.ranked_at, run.c.reference_date, welfare_model.c.version.label("model_version"))
        .join(run, run.c.id == r.c.run_id)
        .join(welfare_model, welfare_model.c.id == run.c.model_id)
        .where(r.c.household_id == household_id, in_scope(r.c.village_code, scope))
        .order_by(run.c.ranked_at)
    )
    return list(conn.execute(stmt).mappings())


def decile_transitions(
    conn: Connection, from_run: UUID, to_run: UUID, scope: Scope
) -> list[tuple[int, int, int]]:
    """(decile before, decile after, households) for households ranked in both runs."""
    a, b = household_rank.alias("a"), household_rank.alias("b")
    stmt = (
        select(a.c.national_decile, b.c.national_decile, func.count())
        .select_from(a.join(b, and_(a.c.household_id == b.c.household_id, b.c.run_id == to_run)))
        .where(a.c.run_id == from_run, in_scope(b.c.village_code, scope))
        .group_by(a.c.national_decile, b.c.national_decile)
    )
    return [(int(x), int(y), int(n)) for x, y, n in conn.execute(stmt)]


def count_only_in(conn: Connection, run_id: UUID, other_run: UUID, scope: Scope) -> int:
    """Households ranked in ``run_id`` but not in ``other_run``."""
    a, b = household_rank.alias("a"), household_rank.alias("b")
    stmt = (
        select(func.count())
        .select_from(a.outerjoin(b, and_(a.c.household_id == b.c.household_id, b.c.run_id == other_run)))
        .where(a.c.run_id == run_id, b.c.household_id.is_(None), in_scope(a.c.village_code, scope))
    )
    return int(conn.execute(stmt).scalar_one())


def decile_counts(conn: Connection, run_id: UUID, scope: Scope) -> list[tuple[int, int, int]]:
    """(national decile, households, people) in the scope."""
    r = household_rank
    stmt = (
        select(r.c.national_decile, func.count(), func.sum(r.c.people))
        .where(r.c.run_id == run_id, in_scope(r.c.village_code, scope))
        .group_by(r.c.national_decile)
        .order_by(r.c.national_decile)
    )
    return [(int(d), int(h), int(p)) for d, h, p in conn.execute(stmt)]


def run_row(
    run_id: UUID,
    model_id: UUID,
    ranked_at: datetime,
    reference_date: date,
    snapshot_at: datetime,
    backend: str,
    previous_run_id: UUID | None,
    actor_id: UUID | None,
) -> dict[str, object]:
    return {
        "id": run_id,
        "model_id": model_id,
        "ranked_at": ranked_at,
        "reference_date": reference_date,
        "snapshot_at": snapshot_at,
        "backend": backend,
        "households": 0,
        "persons": 0,
        "previous_run_id": previous_run_id,
        "actor_id": actor_id,
    }
