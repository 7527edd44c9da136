"""SQL for the ``area`` table. Functions take a connection and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from sqlalchemy import case, func, insert, select
from sqlalchemy.engine import Connection, RowMapping

from inklusi.wilayah.model import Area, AreaLevel, NameQuery, search_key
from inklusi.wilayah.tables import area

_BATCH = 10_000
_insert_area = insert(area)


def _to_area(row: RowMapping) -> Area:
    return Area(
        code=row["code"],
        name=row["name"],
        level=AreaLevel(row["level"]),
        parent_code=row["parent_code"],
        population=row["population"],
        population_male=row["population_male"],
        population_female=row["population_female"],
        land_area_km2=row["land_area_km2"],
    )


def insert_areas(conn: Connection, areas: Iterable[Area], dataset: str) -> int:
    count, remaining = 0, iter(areas)
    while chunk := list(islice(remaining, _BATCH)):
        conn.execute(
            _insert_area,
            [
                {
                    "code": a.code,
                    "name": a.name,
                    "level": a.level.value,
                    "parent_code": a.parent_code,
                    "search_key": search_key(a.name),
                    "population": a.population,
                    "population_male": a.population_male,
                    "population_female": a.population_female,
                    "land_area_km2": a.land_area_km2,
                    "dataset": dataset,
                }
                for a in chunk
            ],
        )
        count += len(chunk)
    return count


def counts_by_level(conn: Connection) -> dict[AreaLevel, int]:
    counted: dict[str, int] = dict(
        conn.execute(select(area.c.level, func.count()).group_by(area.c.level)).all()
    )
    return {level: counted[level.value] for level in AreaLevel if level.value in counted}


def datasets(conn: Connection) -> list[str]:
    return list(conn.scalars(select(area.c.dataset).distinct()))


def get(conn: Connection, code: str) -> Area | None:
    row = conn.execute(select(area).where(area.c.code == code)).mappings().first()
    return _to_area(row) if row else None


def get_many(conn: Connection, codes: list[str]) -> list[Area]:
    rows = conn.execute(select(area).where(area.c.code.in_(codes)).order_by(area.c.code))
    return [_to_area(row) for row in rows.mappings()]


def children(conn: Connection, code: str | None) -> list[Area]:
    parent = area.c.parent_code.is_(None) if code is None else area.c.parent_code == code
    rows = conn.execute(select(area).where(parent).order_by(area.c.code))
    return [_to_area(row) for row in rows.mappings()]


def at_level(conn: Connection, level: AreaLevel, within: str | None = None) -> list[Area]:
    stmt = select(area).where(area.c.level == level.value).order_by(area.c.code)
    if within:
        stmt = stmt.where(area.c.code.startswith(within + ".", autoescape=True))
    return [_to_area(row) for row in conn.execute(stmt).mappings()]


def search(
    conn: Connection,
    query: NameQuery,
    *,
    within: str | None = None,
    level: AreaLevel | None = None,
    limit: int = 20,
) -> list[Area]:
    """Areas whose name contains the query: exact names first, then names starting with it."""
    key = area.c.search_key
    rank = case((key == query.key, 0), (key.startswith(query.key, autoescape=True), 1), else_=2)
    depth = case({lvl.value: lvl.depth for lvl in AreaLevel}, value=area.c.level)
    stmt = select(area).where(key.contains(query.key, autoescape=True))
    level = level or query.level
    if level:
        stmt = stmt.where(area.c.level == level.value)
    if query.kind in ("kabupaten", "kota"):
        stmt = stmt.where(area.c.name.startswith(query.kind.capitalize() + " "))
    elif query.kind in ("desa", "kelurahan"):
        digit = "2" if query.kind == "desa" else "1"
        stmt = stmt.where(func.substr(area.c.code, 10, 1) == digit)
    if within:
        stmt = stmt.where(area.c.code.startswith(within + ".", autoescape=True))
    stmt = stmt.order_by(rank, depth, area.c.code).limit(limit)
    return [_to_area(row) for row in conn.execute(stmt).mappings()]
