"""SQL of the PPKS slice: identification runs, flags (temporal versions) and each run's publication.
Functions take a connection, never commit. Reads of flags filter by the caller's scope in SQL, and by the
sensitive categories' scope; reads of a publication leave out the categories the caller may not see."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, true, update
from sqlalchemy.engine import Connection, Row, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_area, in_scope
from inklusi.db import bulk_insert, bulk_insert_columns
from inklusi.ppks.flags import Current, FlagStatus
from inklusi.ppks.tables import ppks_cell, ppks_flag, ppks_flag_version, ppks_publication, ppks_run

CHUNK = 1_000  # ids per UPDATE … IN (…)

# --- Runs ------------------------------------------------------------------------------------------


def insert_run(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(ppks_run).values(**row))


def finish_run(conn: Connection, run_id: UUID, **counts: object) -> None:
    conn.execute(update(ppks_run).where(ppks_run.c.id == run_id).values(**counts))


def run_by_id(conn: Connection, run_id: UUID) -> RowMapping | None:
    return conn.execute(select(ppks_run).where(ppks_run.c.id == run_id)).mappings().first()


def latest_run(conn: Connection) -> RowMapping | None:
    stmt = select(ppks_run).order_by(ppks_run.c.started_at.desc(), ppks_run.c.id.desc()).limit(1)
    return conn.execute(stmt).mappings().first()


# --- Flags: writing --------------------------------------------------------------------------------


def current_flags(conn: Connection, rows: int = 50_000) -> Iterator[Current]:
    """Every flag's current version (all areas: the run compares the whole registry)."""
    f, v = ppks_flag, ppks_flag_version
    stmt = select(
        f.c.id, v.c.version_id, f.c.person_id, f.c.category, v.c.status, v.c.household_id, v.c.area_code,
        v.c.rule_id, v.c.rule_version, v.c.evidence,
    ).join(v, and_(v.c.flag_id == f.c.id, v.c.valid_to.is_(None)))  # fmt: skip
    for part in conn.execute(stmt, execution_options={"yield_per": rows}).partitions():
        for r in part:
            yield Current(r[0], r[1], r[2], r[3], FlagStatus(r[4]), r[5], r[6], r[7], r[8], r[9])


DECISION = ("decided_by", "decided_by_name", "decided_at", "decision_note")


def decisions(conn: Connection, version_ids: Sequence[UUID]) -> dict[UUID, dict[str, object]]:
    """The decision (who, when, why) recorded on these versions, to carry over to the next."""
    v = ppks_flag_version
    found: dict[UUID, dict[str, object]] = {}
    for start in range(0, len(version_ids), CHUNK):
        chunk = list(version_ids[start : start + CHUNK])
        stmt = select(v.c.version_id, *(v.c[name] for name in DECISION)).where(v.c.version_id.in_(chunk))
        for row in conn.execute(stmt).mappings():
            found[row["version_id"]] = {name: row[name] for name in DECISION}
    return found


def insert_flags(conn: Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        bulk_insert(conn, ppks_flag, rows)


def insert_versions(conn: Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        bulk_insert(conn, ppks_flag_version, rows)


def close_versions(conn: Connection, version_ids: Sequence[UUID], at: datetime) -> None:
    v = ppks_flag_version
    for start in range(0, len(version_ids), CHUNK):
        chunk = list(version_ids[start : start + CHUNK])
        conn.execute(update(v).where(v.c.version_id.in_(chunk), v.c.valid_to.is_(None)).values(valid_to=at))


# --- Flags: reading --------------------------------------------------------------------------------


def _visible(scope: Scope, sensitive_scope: Scope, sensitive: Sequence[str]):
    """Inside the scope; a sensitive category only where the sensitive permission reaches too."""
    v, f = ppks_flag_version, ppks_flag
    personal_or_allowed = or_(f.c.category.not_in(sensitive), in_scope(v.c.area_code, sensitive_scope))
    return and_(in_scope(v.c.area_code, scope), personal_or_allowed if sensitive else true())


def _current():
    f, v = ppks_flag, ppks_flag_version
    return (
        select(
            f.c.id.label("flag_id"), f.c.person_id, f.c.category, f.c.created_at, *(
                c for c in v.c if c.name not in ("flag_id", "actor_id", "decided_by")
            )
        )
        .select_from(f.join(v, v.c.flag_id == f.c.id))
        .where(v.c.valid_to.is_(None))
    )  # fmt: skip


def candidates_in(
    conn: Connection,
    within: str,
    scope: Scope,
    sensitive_scope: Scope,
    sensitive: Sequence[str],
    *,
    categories: Sequence[str] | None,
    status: FlagStatus | None,
    limit: int,
    offset: int,
) -> tuple[list[RowMapping], int]:
    """A page of current flags in an area and below it that the caller may see, and how many there are."""
    v, f = ppks_flag_version, ppks_flag
    conditions = [in_area(v.c.area_code, within), _visible(scope, sensitive_scope, sensitive)]
    if categories is not None:
        conditions.append(f.c.category.in_(categories))
    if status is not None:
        conditions.append(v.c.status == status.value)
    query = _current().where(*conditions)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = query.order_by(v.c.area_code, f.c.category, f.c.person_id).limit(limit).offset(offset)
    return list(conn.execute(page).mappings()), int(total)


def live_categories_of(conn: Connection, person_id: UUID) -> list[str]:
    """The categories of a person's current candidate and verified flags."""
    f, v = ppks_flag, ppks_flag_version
    stmt = (
        select(f.c.category)
        .join(v, v.c.flag_id == f.c.id)
        .where(f.c.person_id == person_id, v.c.valid_to.is_(None), v.c.status.in_(("candidate", "verified")))
        .order_by(f.c.category)
    )
    return list(conn.scalars(stmt))


def flag(conn: Connection, flag_id: UUID) -> RowMapping | None:
    """A flag's current version (no scope: the service checks the area and the category)."""
    return conn.execute(_current().where(ppks_flag.c.id == flag_id)).mappings().first()


def flag_history(conn: Connection, flag_id: UUID) -> list[RowMapping]:
    v = ppks_flag_version
    stmt = select(v).where(v.c.flag_id == flag_id).order_by(v.c.valid_from, v.c.recorded_at)
    return list(conn.execute(stmt).mappings())


# --- Publications ----------------------------------------------------------------------------------

LIVE = (FlagStatus.candidate.value, FlagStatus.verified.value)


def live_flags(conn: Connection, rows: int = 100_000) -> Iterator[Sequence[Row]]:
    """``person_id``, ``category``, ``status`` of every current candidate or verified flag, in parts."""
    f, v = ppks_flag, ppks_flag_version
    stmt = (
        select(f.c.person_id, f.c.category, v.c.status)
        .join(v, and_(v.c.flag_id == f.c.id, v.c.valid_to.is_(None)))
        .where(v.c.status.in_(LIVE))
    )
    yield from conn.execute(stmt, execution_options={"yield_per": rows}).partitions()


def household_flags(conn: Connection, rows: int = 100_000) -> Iterator[Sequence[Row]]:
    """``person_id``, ``household_id``, ``category`` of every current candidate or verified flag of a
    person in a household, in parts (for programme eligibility)."""
    f, v = ppks_flag, ppks_flag_version
    stmt = (
        select(f.c.person_id, v.c.household_id, f.c.category)
        .join(v, and_(v.c.flag_id == f.c.id, v.c.valid_to.is_(None)))
        .where(v.c.status.in_(LIVE), v.c.household_id.is_not(None))
    )
    yield from conn.execute(stmt, execution_options={"yield_per": rows}).partitions()


def insert_publication(conn: Connection, row: dict[str, object]) -> None:
    conn.execute(insert(ppks_publication).values(**row))


def insert_cells(conn: Connection, columns: Mapping[str, Sequence[object]]) -> None:
    bulk_insert_columns(conn, ppks_cell, columns)


def publications(conn: Connection, limit: int = 2) -> list[RowMapping]:
    """The latest publications (with their run's reference date), newest first."""
    p, r = ppks_publication, ppks_run
    stmt = (
        select(p, r.c.reference_date)
        .join(r, r.c.id == p.c.run_id)
        .order_by(p.c.computed_at.desc(), p.c.run_id.desc())
        .limit(limit)
    )
    return list(conn.execute(stmt).mappings())


CELL = (ppks_cell.c.measure, ppks_cell.c.slice, ppks_cell.c.category, ppks_cell.c.key, ppks_cell.c.value,
        ppks_cell.c.suppressed)  # fmt: skip


def cells(
    conn: Connection,
    run_id: UUID,
    areas: Sequence[str],
    *,
    hidden: Sequence[str],
    measures: Sequence[str] | None = None,
    slice_: str | None = None,
    keys_hidden: Sequence[str] = (),
) -> list[Row]:
    """The cells of one run's areas (one index range per area): ``measure``, ``slice``, ``category``,
    ``key``, ``value``, ``suppressed``. ``hidden``: categories (or ``all``) left out; ``keys_hidden``: keys
    left out."""
    c = ppks_cell
    conditions: list[ColumnElement[bool]] = [c.c.run_id == run_id, c.c.area_code.in_(list(areas))]
    if hidden:
        conditions.append(c.c.category.not_in(list(hidden)))
    if measures is not None:
        conditions.append(c.c.measure.in_(list(measures)))
    if slice_ is not None:
        conditions.append(c.c.slice == slice_)
    if keys_hidden:
        conditions.append(c.c.key.not_in(list(keys_hidden)))
    return list(conn.execute(select(*CELL).where(*conditions)))


def child_codes(conn: Connection, run_id: UUID, areas: Sequence[str], measure: str) -> list[str]:
    """The child areas with someone flagged (keys of the ``child_area`` tables) of these areas."""
    c = ppks_cell
    stmt = (
        select(c.c.key)
        .distinct()
        .where(
            c.c.run_id == run_id,
            c.c.area_code.in_(list(areas)),
            c.c.measure == measure,
            c.c.slice == "child_area",
            c.c.category == "all",
            c.c.key.not_in(["all", "unknown"]),
        )
    )
    return sorted(key for (key,) in conn.execute(stmt))
