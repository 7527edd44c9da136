"""Reads of the latest welfare ranking for the sharing slice's partner API, inside its transaction (which
checks the agreement and audits the read): ranks of given households, and the ranked households of an area
in given national deciles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Scope
from inklusi.welfare import store


@dataclass(frozen=True)
class SharedRank:
    household_id: UUID
    village_code: str
    score: float
    national_decile: int
    regency_decile: int


def _rank(row) -> SharedRank:
    return SharedRank(
        row["household_id"], row["village_code"], row["score"], row["national_decile"], row["regency_decile"]
    )


def latest_ranks_in(conn: Connection, household_ids: Iterable[UUID], scope: Scope) -> dict[UUID, SharedRank]:
    """The latest run's rank of each household that has one (inside ``scope``)."""
    run = store.latest_run(conn)
    if run is None:
        return {}
    ranks = {}
    for household_id in household_ids:
        row = store.household_rank_in_scope(conn, household_id, run["id"], scope)
        if row is not None:
            ranks[household_id] = _rank(row)
    return ranks


def ranked_in_deciles(
    conn: Connection, area_code: str, deciles: Iterable[int], scope: Scope
) -> list[SharedRank]:
    """The latest run's households of an area (and below it) in these national deciles."""
    run = store.latest_run(conn)
    if run is None:
        return []
    wanted = set(deciles)
    return [
        _rank(row)
        for row in store.ranked_in_area(conn, run["id"], scope, area_code)
        if row["national_decile"] in wanted
    ]
