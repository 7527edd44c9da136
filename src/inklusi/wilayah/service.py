"""Use cases for areas and NIK/KK numbers. Other slices use areas only through this module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Connection

from inklusi.context import Context
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.wilayah import reference, store
from inklusi.wilayah.model import (
    Area,
    AreaLevel,
    NameQuery,
    ancestor_codes,
    level_of,
)
from inklusi.wilayah.nik import NumberCheck, parse_kk, parse_nik


def load_reference(ctx: Context) -> dict[AreaLevel, int]:
    """Load the shipped area list if the table is empty; return the counts per level."""
    with ctx.transaction() as conn:
        loaded = store.datasets(conn)
        if not loaded:
            store.insert_areas(conn, reference.areas(), reference.DATASET)
        elif loaded != [reference.DATASET]:
            raise Invalid(
                msg(
                    "The database holds area dataset {found}, this version ships {shipped}",
                    found=", ".join(loaded),
                    shipped=reference.DATASET,
                )
            )
        return store.counts_by_level(conn)


def counts(ctx: Context) -> dict[AreaLevel, int]:
    with ctx.transaction(readonly=True) as conn:
        return store.counts_by_level(conn)


def get_area(ctx: Context, code: str) -> Area:
    with ctx.transaction(readonly=True) as conn:
        found = store.get(conn, code)
    if found is None:
        raise NotFound(msg("Area {code} does not exist", code=code))
    return found


@dataclass(frozen=True)
class AreaWithLineage:
    area: Area
    ancestors: list[Area]  # province first


def get_with_ancestors(ctx: Context, code: str) -> AreaWithLineage:
    with ctx.transaction(readonly=True) as conn:
        return get_with_ancestors_in(conn, code)


def get_with_ancestors_in(conn: Connection, code: str) -> AreaWithLineage:
    """:func:`get_with_ancestors` inside the caller's transaction (a page read in one transaction)."""
    found = store.get(conn, code)
    if found is None:
        raise NotFound(msg("Area {code} does not exist", code=code))
    return AreaWithLineage(found, store.get_many(conn, ancestor_codes(code)))


def area_names(ctx: Context, codes: set[str]) -> dict[str, str]:
    """Names of many areas at once (codes that do not exist are left out)."""
    if not codes:
        return {}
    with ctx.transaction(readonly=True) as conn:
        return area_names_in(conn, codes)


def area_names_in(conn: Connection, codes: set[str]) -> dict[str, str]:
    """:func:`area_names` inside the caller's transaction."""
    if not codes:
        return {}
    return {area.code: area.name for area in store.get_many(conn, sorted(codes))}


def children(ctx: Context, code: str | None = None) -> list[Area]:
    """The areas directly below ``code``; the provinces when ``code`` is None."""
    with ctx.transaction(readonly=True) as conn:
        if code is not None and store.get(conn, code) is None:
            raise NotFound(msg("Area {code} does not exist", code=code))
        return store.children(conn, code)


def areas_at_level(ctx: Context, level: AreaLevel, within: str | None = None) -> list[Area]:
    """Every area of one level (with population and land area for provinces and regencies)."""
    with ctx.transaction(readonly=True) as conn:
        return store.at_level(conn, level, within)


def search(
    ctx: Context,
    text: str,
    *,
    within: str | None = None,
    level: AreaLevel | None = None,
    limit: int = 20,
) -> list[Area]:
    query = NameQuery.parse(text)
    if not query.key:
        return []
    with ctx.transaction(readonly=True) as conn:
        return store.search(conn, query, within=within, level=level, limit=limit)


def check_code(ctx: Context, code: str, field: str = "area_code") -> list[Issue]:
    """Why ``code`` is not a valid area code (an empty list if it is)."""
    if level_of(code) is None:
        return [
            Issue(
                field,
                "area.malformed",
                msg("{code} is not an area code (PP, PP.RR, PP.RR.DD or PP.RR.DD.VVVV)", code=code),
            )
        ]
    with ctx.transaction(readonly=True) as conn:
        if store.get(conn, code) is None:
            return [Issue(field, "area.unknown", msg("Area {code} does not exist", code=code))]
    return []


def code_sets() -> dict[str, frozenset[str]]:
    """Every code per level (``province`` … ``village``) and the regency codes retired by province splits,
    for checking many records at once; from the shipped reference the ``area`` table was loaded from."""
    return reference.code_sets()


def check_nik(value: str, today: date | None = None, field: str = "nik") -> NumberCheck:
    return parse_nik(value, reference.code_book(), today or date.today(), field)


def check_kk(value: str, today: date | None = None, field: str = "kk_number") -> NumberCheck:
    return parse_kk(value, reference.code_book(), today or date.today(), field)
