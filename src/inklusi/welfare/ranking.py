"""Ranking scored households into percentiles and deciles with Ibis: the decile rule of
:mod:`inklusi.welfare.model`, the same expressions on DuckDB and Spark.

- **Exact** (DuckDB, or any engine with parallel global windows): a cumulative sum of people over the
  households ordered by (score, household id) gives each household's ``before``; national, province and
  regency groups apply the rule over the whole table or inside each area.
- **Approximate national cut-offs** (Spark, where a window over the whole table runs on one core): two
  passes. Pass one groups the scores into ``bins`` equal-width bins and sums people and households per bin
  (a parallel aggregation, collected to the driver: ``bins`` rows); the driver turns the cumulative sums into
  the first bin of every percentile and decile. Pass two buckets each household by comparing its bin with
  those cut-offs. A household can only land in a different group than the exact rule gives when it shares a
  bin with the cut-off, and then only one group lower; ``docs/welfare.md`` states the tolerance, and a test
  checks it against DuckDB. Province and regency deciles are windows partitioned by area, which run in
  parallel on Spark too, so they stay exact and identical on both engines.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np

from inklusi.welfare.model import DECILES

HOUSEHOLD_KEY = "household_id"
PERCENTILES = 100
DEFAULT_BINS = 200_000
SCORE_DECIMALS = 9  # scores are rounded once, so that both engines order exactly the same numbers

RANK_COLUMNS = (
    "national_percentile",
    "national_decile",
    "household_decile",
    "province_decile",
    "regency_decile",
)


def _group(before: ir.IntegerValue, total: ir.IntegerValue, parts: int) -> ir.IntegerValue:
    return ((before * parts) // total + 1).cast("int16")


def _area_decile(table: ir.Table, area: str) -> ir.IntegerValue:
    order = [table.score, table[HOUSEHOLD_KEY]]
    running = table.people.sum().over(ibis.cumulative_window(group_by=table[area], order_by=order))
    total = table.people.sum().over(ibis.window(group_by=table[area]))
    return _group(running - table.people, total, DECILES)


def rank_exact(scored: ir.Table) -> ir.Table:
    """Every group by the exact rule (windows over the whole table for the national groups)."""
    order = [scored.score, scored[HOUSEHOLD_KEY]]
    running = scored.people.sum().over(ibis.cumulative_window(order_by=order))
    people = scored.people.sum().over(ibis.window())
    households = scored[HOUSEHOLD_KEY].count().over(ibis.window())
    position = ibis.row_number().over(ibis.window(order_by=order))  # 0-based
    before = running - scored.people
    return scored.mutate(
        national_percentile=_group(before, people, PERCENTILES),
        national_decile=_group(before, people, DECILES),
        household_decile=_group(position, households.cast("int64"), DECILES),
        province_decile=_area_decile(scored, "province_code"),
        regency_decile=_area_decile(scored, "regency_code"),
    )


def national_cutoffs(histogram: dict[str, np.ndarray], bins: int) -> dict[str, np.ndarray]:
    """From people and households per bin, the first bin of groups 2…k (percentiles, deciles)."""
    people = np.zeros(bins, dtype=np.int64)
    households = np.zeros(bins, dtype=np.int64)
    people[histogram["bin"]] = histogram["people"]
    households[histogram["bin"]] = histogram["households"]
    people_before = np.cumsum(people) - people
    households_before = np.cumsum(households) - households
    result = {}
    for name, before, total, parts in (
        ("national_percentile", people_before, people.sum(), PERCENTILES),
        ("national_decile", people_before, people.sum(), DECILES),
        ("household_decile", households_before, households.sum(), DECILES),
    ):
        group = (before * parts) // max(int(total), 1) + 1
        # first bin whose group reaches g, for g = 2…parts (bins without households never start a group)
        occupied = households > 0
        result[name] = np.array(
            [
                int(np.argmax(occupied & (group >= g))) if (occupied & (group >= g)).any() else bins
                for g in range(2, parts + 1)
            ]
        )
    return result


def score_bin(table: ir.Table, low: float, high: float, bins: int) -> ir.IntegerValue:
    width = (high - low) / bins if high > low else 1.0
    raw = ((table.score - low) / width).floor().cast("int64")
    return ibis.greatest(ibis.least(raw, bins - 1), 0)


def rank_approximate(engine, scored: ir.Table, bins: int = DEFAULT_BINS) -> ir.Table:
    """National groups from approximate cut-offs (two passes), area deciles exact."""
    bounds = engine.to_arrow(scored.aggregate(low=scored.score.min(), high=scored.score.max()))
    low, high = float(bounds["low"][0].as_py()), float(bounds["high"][0].as_py())
    binned = scored.mutate(_bin=score_bin(scored, low, high, bins))
    histogram = engine.to_arrow(
        binned.group_by("_bin").aggregate(people=binned.people.sum(), households=binned.count())
    )
    cutoffs = national_cutoffs(
        {
            "bin": histogram["_bin"].to_numpy(),
            "people": histogram["people"].to_numpy(),
            "households": histogram["households"].to_numpy(),
        },
        bins,
    )

    def bucket(starts: np.ndarray) -> ir.IntegerValue:
        group = ibis.literal(1, "int64")
        for start in starts:
            group = group + (binned._bin >= int(start)).cast("int64")
        return group.cast("int16")

    return binned.mutate(
        **{name: bucket(starts) for name, starts in cutoffs.items()},
        province_decile=_area_decile(binned, "province_code"),
        regency_decile=_area_decile(binned, "regency_code"),
    ).drop("_bin")


def rank(engine, scored: ir.Table, *, approximate: bool | None = None, bins: int = DEFAULT_BINS) -> ir.Table:
    """Percentiles and deciles for ``scored`` (household_id, province_code, regency_code, people, score);
    approximate national cut-offs where the engine cannot run global windows in parallel (or when asked)."""
    scored = scored.mutate(score=scored.score.round(SCORE_DECIMALS), people=scored.people.cast("int64"))
    if approximate is None:
        approximate = not engine.global_windows
    return rank_approximate(engine, scored, bins) if approximate else rank_exact(scored)
