"""A synthetic population's truth beside the household frame (``inklusi programmes evaluate``), and the
cubes an outcome is assembled from. Ibis expressions, then plain numbers.

The truth (``truth_households.parquet``: ``household_id``, ``poor``, ``consumption_per_capita``) gives each
household ``_true_poor`` (1 when its true per-capita consumption is below the poverty line) and
``_true_decile``: the people-weighted decile rule of :mod:`inklusi.welfare.model` applied to the *true*
consumption over the frame's households. Only the measured errors read these columns; the frame's ranks and
``poor_probability`` never do.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from inklusi.programmes.model import COVERAGE_DECILES

KEY = "household_id"
TRUTH_COLUMNS = ("_true_poor", "_true_decile")


def with_truth(frame: ir.Table, truth: ir.Table | None) -> ir.Table:
    """The frame with :data:`TRUTH_COLUMNS` (nulls without a truth)."""
    if truth is None:
        return frame.mutate(_true_poor=ibis.null("int64"), _true_decile=ibis.null("int64"))
    known = truth.select(
        _truth_id=truth[KEY].cast("string"),
        _true_poor=truth.poor.cast("int64"),
        _consumption=truth.consumption_per_capita.cast("float64"),
    )
    joined = frame.left_join(known, frame[KEY] == known._truth_id).drop("_truth_id")
    order = [joined._consumption.isnull(), joined._consumption, joined[KEY]]
    running = joined.people.sum().over(ibis.cumulative_window(order_by=order))
    total = joined.people.sum().over(ibis.window())
    decile = ((running - joined.people) * 10) // ibis.greatest(total, 1) + 1
    decile = ibis.ifelse(joined._consumption.isnull(), ibis.null("int64"), decile.cast("int64"))
    return joined.mutate(_true_decile=decile).drop("_consumption")


def _people_in(table: ir.Table, column: str, deciles: int) -> ir.Value:
    return (table.people * (table[column] <= deciles).fill_null(False).cast("int64")).sum()


def cube_sums(table: ir.Table) -> dict[str, ir.Value]:
    """What every cube cell sums: households, people, cost, Σ poor probability, true poor, and the people
    of the poorest 10/20/40 % by predicted and by true deciles."""
    sums: dict[str, ir.Value] = {
        "households": table.count(),
        "people": table.people.sum(),
        "poor_probability": table.poor_probability.sum(),
        "true_poor": table._true_poor.sum(),
    }
    if "benefit" in table.columns:
        sums["cost"] = table.benefit.sum()
    for share, deciles in COVERAGE_DECILES.items():
        sums[f"people_{share}"] = _people_in(table, "national_decile", deciles)
        sums[f"true_people_{share}"] = _people_in(table, "_true_decile", deciles)
    return sums
