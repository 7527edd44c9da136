"""Counts for released tables (the sharing slice's differentially private releases): households of the
latest welfare ranking by area and national decile, nationwide. Aggregates, read without a principal: the
caller (``sharing.service``) has checked its own permission (``sharing:release``) and never shows these
true counts; it noises and suppresses them (``docs/sharing-releases.md``)."""

from __future__ import annotations

from dataclasses import dataclass

from inklusi.access.model import Scope
from inklusi.context import Context
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.welfare import store


@dataclass(frozen=True)
class DecileCounts:
    """``source``: the welfare run read; ``counts``: (area code — the first ``length`` characters of the
    village code —, national decile, households)."""

    source: str
    counts: tuple[tuple[str, int, int], ...]


def households_by_decile(ctx: Context, length: int) -> DecileCounts:
    """Households per national decile of the latest ranking, by area prefix of ``length``."""
    with ctx.transaction(readonly=True) as conn:
        run = store.latest_run(conn)
        if run is None:
            raise NotFound(msg("No welfare ranking has been run yet"))
        found = store.decile_counts_by_area(conn, run["id"], Scope(True, ()), None, length)
    return DecileCounts(f"welfare-run:{run['id']}", tuple((a, d, h) for a, d, h, _ in found))
