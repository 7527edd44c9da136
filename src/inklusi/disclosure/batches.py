"""Many small 2-D tables of one shape protected at once (:func:`protect_many`), entry for entry as
:func:`inklusi.disclosure.protection.protect` on each, with NumPy doing the work of all of them per step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from inklusi.disclosure.protection import (
    _SEARCH_BUDGET,
    DEFAULT_THRESHOLD,
    BoolArray,
    IntArray,
    Protection,
    Reason,
    _counts,
    _mask,
    _thresholds,
)

_PUBLISHED, _PRIMARY, _COMPLEMENTARY, _LINKED = (int(r) for r in Reason)


@dataclass(frozen=True)
class Protections:
    """Many protected 2-D tables of one shape (:func:`protect_many`): the arrays of :class:`Protection`
    with a leading axis, one position per table."""

    values: IntArray
    reasons: npt.NDArray[np.int8]
    thresholds: IntArray
    upstream: BoolArray

    @property
    def suppressed(self) -> BoolArray:
        return self.reasons != _PUBLISHED

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def __getitem__(self, index: int) -> Protection:
        return Protection(
            self.values[index], self.reasons[index], self.thresholds[index], self.upstream[index]
        )


def protect_many(
    cells: npt.ArrayLike,
    threshold: npt.ArrayLike = DEFAULT_THRESHOLD,
    *,
    known: npt.ArrayLike | None = None,
    forced: npt.ArrayLike | None = None,
) -> Protections:
    """:func:`protect` for many 2-D tables of one shape: ``cells`` is tables x rows x columns, ``threshold``
    broadcast to it, ``known`` and ``forced`` tables x rows + 1 x columns + 1. Table ``i`` of the result is
    ``protect(cells[i], threshold[i], known=known[i], forced=forced[i])``, entry for entry (the tests
    compare them), computed for all the tables together: one vectorised step per suppressed entry of the
    table that has the most, instead of Python work per table and entry.

    Tables of different shapes can share a call: pad their cells with rows and columns of zeros at the
    end (with thresholds no higher than the table's own). A zero is never suppressed nor a complement,
    so the padding changes nothing (tested)."""
    values = _counts(cells, ndim=3)
    limits = _thresholds(threshold, values.shape)
    extended = _margins_many(values, np.sum)
    limit = _margins_many(limits, np.max)
    known_mask = _mask(known, extended.shape, "known")
    forced_mask = _mask(forced, extended.shape, "forced")

    reasons = np.zeros(extended.shape, dtype=np.int8)
    reasons[(extended >= 1) & (extended < limit)] = _PRIMARY
    reasons[forced_mask & (reasons == _PUBLISHED)] = _LINKED
    cost = extended.astype(np.float64)
    cost[extended == 0] = np.inf
    cost[known_mask] += 2.0**40
    cost[reasons != _PUBLISHED] = 0.0

    # A table with nothing suppressed yet needs no complement: the work is on the others only.
    busy = np.flatnonzero((reasons != _PUBLISHED).any(axis=(1, 2)))
    values, work, cost = extended[busy], reasons[busy], cost[busy]
    table, row, column = np.nonzero(_needs_rectangle(values, work != _PUBLISHED))
    # The k-th pending entry of every table is handled in step k: within a table the order is protect's.
    step = np.arange(table.size) - np.searchsorted(table, table)
    order = np.argsort(step, kind="stable")
    bounds = np.searchsorted(step[order], np.arange(int(step.max(initial=-1)) + 2))
    for k in range(len(bounds) - 1):
        chosen = order[bounds[k] : bounds[k + 1]]
        t, r, c = table[chosen], row[chosen], column[chosen]
        q1, q2 = _cheapest_rectangles(cost[t], values[t], r, c)
        for rows, columns in ((r, q2), (q1, c), (q1, q2)):
            free = work[t, rows, columns] == _PUBLISHED
            work[t[free], rows[free], columns[free]] = _COMPLEMENTARY
            cost[t[free], rows[free], columns[free]] = 0.0
    if _graph_many(work != _PUBLISHED)[0].any():  # pragma: no cover - the rectangles make this impossible
        raise AssertionError("disclosure: a suppressed entry could be recovered; this is a bug")
    reasons[busy] = work
    return Protections(
        values=extended,
        reasons=reasons,
        thresholds=limit,
        upstream=known_mask & (reasons != _PUBLISHED) & ~forced_mask,
    )


def _margins_many(cells: IntArray, combine: Callable[..., IntArray]) -> IntArray:
    out = cells
    for axis in (1, 2):
        out = np.concatenate([out, combine(out, axis=axis, keepdims=True)], axis=axis)
    return out


def _needs_rectangle(values: IntArray, suppressed: BoolArray) -> BoolArray:
    """:func:`_needs_hypercube` of 2-D tables, for many at once."""
    movable = suppressed & (values >= 2)
    bridges, label = _graph_many(movable)
    pending = suppressed & ~(movable & ~bridges)
    height = values.shape[1]
    joined = label[:, :height, None] == label[:, None, height:]
    return pending & ~(~movable & joined)


def _cheapest_rectangles(
    cost: npt.NDArray[np.float64], values: IntArray, r: IntArray, c: IntArray
) -> tuple[IntArray, IntArray]:
    """:func:`_cheapest_hypercube` of 2-D tables, one entry ``(r[i], c[i])`` of table ``i`` each: the
    other row ``q1`` and column ``q2`` of the cheapest safe rectangle. Every pair of candidates is
    priced at once; the first cheapest in row-major order is protect's tie break (lowest ``q1``, then
    ``q2``)."""
    count, height, width = cost.shape
    tables = np.arange(count)
    per_axis = max(2, int(_SEARCH_BUDGET ** (1 / 2)))
    down = cost[tables, :, c]  # cost of (q1, c)
    across = cost[tables, r, :]  # cost of (r, q2)
    rows_ok = np.isfinite(down)
    rows_ok[tables, r] = False
    columns_ok = np.isfinite(across)
    columns_ok[tables, c] = False
    if height - 1 > per_axis:
        rows_ok &= _cheapest_only(down, rows_ok, per_axis)
    if width - 1 > per_axis:
        columns_ok &= _cheapest_only(across, columns_ok, per_axis)
    total = across[:, None, :] + down[:, :, None] + cost
    low = values < 2
    low_down, low_across = low[tables, :, c], low[tables, r, :]
    flip_rows = (np.arange(height) != height - 1)[None, :] & (r != height - 1)[:, None]
    flip_columns = (np.arange(width) != width - 1)[None, :] & (c != width - 1)[:, None]
    negative = flip_rows[:, :, None] ^ flip_columns[:, None, :]
    plus_low = (
        (values[tables, r, c] < 2)[:, None, None]
        | (low_across & ~flip_columns)[:, None, :]
        | (low_down & ~flip_rows)[:, :, None]
        | (low & ~negative)
    )
    minus_low = (
        (low_across & flip_columns)[:, None, :] | (low_down & flip_rows)[:, :, None] | (low & negative)
    )
    total[(plus_low & minus_low) | ~rows_ok[:, :, None] | ~columns_ok[:, None, :]] = np.inf
    flat = total.reshape(count, -1)
    best = flat.argmin(axis=1)
    if not np.isfinite(flat[tables, best]).all():  # pragma: no cover - the all-totals rectangle is safe
        raise AssertionError("disclosure: no rectangle protects an entry")
    return best // width, best % width


def _cheapest_only(line: npt.NDArray[np.float64], ok: BoolArray, keep: int) -> BoolArray:
    """The first ``keep`` positions of each line by cost (ties by position), and the total (the last)."""
    order = np.argsort(np.where(ok, line, np.inf), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(line.shape[1])[None, :], axis=1)
    return (rank < keep) | (np.arange(line.shape[1]) == line.shape[1] - 1)[None, :]


def _graph_many(mask: BoolArray) -> tuple[BoolArray, IntArray]:
    """For each table of ``mask`` (tables x rows x columns), the graph of its rows and columns joined by
    the marked entries: which entries are bridges (:func:`_bridges`), and a label per row and column
    (tables x rows + columns) that two nodes share when that graph joins them."""
    count, height, width = mask.shape
    nodes = height + width
    table, row, column = np.nonzero(mask)
    u = table * nodes + row
    v = table * nodes + height + column
    label = _components(count * nodes, u, v)
    bridge = _bridge_edges(count * nodes, u, v, label)
    out = np.zeros(mask.shape, dtype=bool)
    out[table[bridge], row[bridge], column[bridge]] = True
    return out, label.reshape(count, nodes)


def _components(size: int, u: IntArray, v: IntArray) -> IntArray:
    """A node of its connected component for every node (hooking roots to the smaller, pointer jumping)."""
    label = np.arange(size)
    while True:
        lu, lv = label[u], label[v]
        apart = lu != lv
        if not apart.any():
            return label
        lu, lv = lu[apart], lv[apart]
        low = np.minimum(lu, lv)
        np.minimum.at(label, lu, low)
        np.minimum.at(label, lv, low)
        while True:
            jumped = label[label]
            if (jumped == label).all():
                break
            label = jumped


def _bridge_edges(size: int, u: IntArray, v: IntArray, label: IntArray) -> BoolArray:
    """The bridges among the edges ``(u[i], v[i])``, exactly: a breadth-first spanning tree from each
    component's label; an edge off the tree is no bridge; the tree edge above node ``x`` is one iff no
    edge off the tree has exactly one end below ``x``. That number is the sum over ``x``'s subtree of
    (edges off the tree ending there) - 2 (those whose two ends meet there: their lowest common
    ancestor)."""
    edges = u.size
    if edges == 0:
        return np.zeros(0, dtype=bool)
    depth = np.full(size, -1)
    depth[label[u]] = 0
    parent = np.full(size, -1)
    above = np.full(size, -1)  # the tree edge from a node to its parent
    open_ = np.arange(edges)
    first = np.full(size, edges)
    level = 0
    while open_.size:
        du, dv = depth[u[open_]], depth[v[open_]]
        down_v = (du == level) & (dv < 0)
        down_u = (dv == level) & (du < 0)
        child = np.concatenate([v[open_[down_v]], u[open_[down_u]]])
        via = np.concatenate([open_[down_v], open_[down_u]])
        np.minimum.at(first, child, via)  # the lowest edge reaching each new node
        child = child[first[child] == via]  # each new node once
        above[child] = first[child]
        parent[child] = np.where(u[first[child]] == child, v[first[child]], u[first[child]])
        level += 1
        depth[child] = level
        open_ = open_[(depth[u[open_]] < 0) | (depth[v[open_]] < 0)]
    tree = np.zeros(edges, dtype=bool)
    tree[above[above >= 0]] = True
    a, b = u[~tree], v[~tree]
    x, y = a.copy(), b.copy()
    while True:
        apart = np.flatnonzero(x != y)
        if apart.size == 0:
            break
        dx, dy = depth[x[apart]], depth[y[apart]]
        lift_x, lift_y = apart[dx >= dy], apart[dy >= dx]
        x[lift_x] = parent[x[lift_x]]
        y[lift_y] = parent[y[lift_y]]
    crossing = (
        np.bincount(a, minlength=size) + np.bincount(b, minlength=size) - 2 * np.bincount(x, minlength=size)
    )
    placed = np.flatnonzero(depth > 0)
    placed = placed[np.argsort(-depth[placed], kind="stable")]
    bounds = np.flatnonzero(np.diff(depth[placed])) + 1
    for group in np.split(placed, bounds):
        np.add.at(crossing, parent[group], crossing[group])
    bridge = np.zeros(edges, dtype=bool)
    bridge[above[(depth > 0) & (crossing == 0)]] = True
    return bridge
