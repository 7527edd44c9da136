"""Counts for released tables (the sharing slice's differentially private releases): people with a current
candidate or verified flag, by area and category, nationwide. Aggregates, read without a principal: the
caller (``sharing.service``) has checked its own permission (``sharing:release``) and never shows these
true counts; it noises and suppresses them (``docs/sharing-releases.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from inklusi.context import Context
from inklusi.ppks import store
from inklusi.ppks.tables import ppks_flag, ppks_flag_version

COUNTED_STATUSES = ("candidate", "verified")
"""A person counts in a category while the flag is a candidate or verified (the dashboard's "flagged")."""


@dataclass(frozen=True)
class FlaggedCounts:
    """``source``: the latest identification run (``none`` before the first), ``counts``: (area code —
    the first ``length`` characters of the village code —, category, people)."""

    source: str
    counts: tuple[tuple[str, str, int], ...]


def flagged_people_by_area(ctx: Context, length: int, categories: Sequence[str]) -> FlaggedCounts:
    """People flagged (candidate or verified) in each of ``categories``, by area prefix of ``length``."""
    f, v = ppks_flag, ppks_flag_version
    area = func.substr(v.c.area_code, 1, length)
    stmt = (
        select(area, f.c.category, func.count(func.distinct(f.c.person_id)))
        .select_from(f.join(v, v.c.flag_id == f.c.id))
        .where(
            v.c.valid_to.is_(None),
            v.c.status.in_(COUNTED_STATUSES),
            f.c.category.in_(list(categories)),
        )
        .group_by(area, f.c.category)
    )
    with ctx.transaction(readonly=True) as conn:
        run = store.latest_run(conn)
        found = tuple((str(a), str(c), int(n)) for a, c, n in conn.execute(stmt))
    return FlaggedCounts(f"ppks-run:{run['id']}" if run else "ppks-run:none", found)
