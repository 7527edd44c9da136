"""Verified PPKS flags for the sharing slice's partner API, inside its transaction (which checks the
agreement, its categories and sensitivity ceiling, and audits the read). Only verified flags are shared:
a candidate is the rules' guess, not a fact about a person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Scope
from inklusi.ppks import store
from inklusi.ppks.flags import FlagStatus

_NATIONAL = Scope(national=True, areas=())
_ALL = 10_000_000


def _verified(conn: Connection, area_code: str, scope: Scope, categories: Iterable[str] | None):
    rows, _total = store.candidates_in(
        conn,
        area_code,
        scope,
        _NATIONAL,
        (),
        categories=list(categories) if categories is not None else None,
        status=FlagStatus.verified,
        limit=_ALL,
        offset=0,
    )
    return rows


def verified_categories_in(
    conn: Connection, area_code: str, person_ids: Iterable[UUID], scope: Scope
) -> dict[UUID, tuple[str, ...]]:
    """The verified categories of these persons, who live in ``area_code`` (a village, or above it)."""
    wanted = set(person_ids)
    found: dict[UUID, list[str]] = defaultdict(list)
    for row in _verified(conn, area_code, scope, None):
        if row["person_id"] in wanted:
            found[row["person_id"]].append(row["category"])
    return {person: tuple(sorted(codes)) for person, codes in found.items()}


def households_verified_in(
    conn: Connection, area_code: str, categories: Iterable[str], scope: Scope
) -> set[UUID]:
    """The households of an area with a member verified in one of ``categories``."""
    return {
        row["household_id"]
        for row in _verified(conn, area_code, scope, categories)
        if row["household_id"] is not None
    }
