"""Statistical disclosure control of published count tables: small-cell and complementary suppression.

A table is an n-dimensional array of counts (n >= 2; e.g. category x province) and all its margins. The
margins are computed here, never taken from the caller, so they always add up: :func:`with_margins` gives
each axis one more position at its end, its total, so a 26 x 38 table becomes 27 x 39 with the row totals
in the last column, the column totals in the last row and the grand total in the corner. Every *entry* of
that extended array, cell or total, is published or suppressed.

The rule (:func:`protect`):

* **primary**: an entry with ``1 <= count < threshold`` is suppressed. The threshold is given per cell (a
  number, or an array broadcast to the cells: per category row, say 10 for sensitive categories and 5 for
  the others); a total's threshold is the largest of the cells it sums. A count of 0 is published: an empty
  cell discloses no one's attributes and suppressing zeros would make the positivity argument below fail.
* **complementary**: every suppressed entry is made one corner of a *hypercube* of suppressed entries
  (a rectangle in two dimensions: along each axis one other position, a total allowed), all of them
  positive. Adding 1 to the corners of one sign and taking 1 from the others (the signs follow which
  corner is a total) changes no published entry. Since zeros are always published, a reader knows every
  suppressed count is at least 1, so a hypercube counts only if the corners of one sign are all at least 2:
  then the move the other way gives a second table, of whole numbers of at least 1, with the same
  published figures, and no suppressed entry can be recovered exactly. Each hypercube is the cheapest safe
  one: the smallest sum of counts newly suppressed, ties by position; entries already suppressed cost
  nothing; zero entries are never complements. In 2-D an entry already on a cycle of suppressed entries of
  2 or more needs none. One pass makes every suppressed entry safe; :func:`exposed` (the linear check: a
  bridge test in 2-D, a rank test otherwise) checks the result again before it is returned, and the tests
  check it with a linear program that also knows the lower bound.

The result (:class:`Protection`) holds the values, the reason of every entry (published, primary,
complementary, linked) and the thresholds. What is shown to anyone without individual-level access is
:meth:`Protection.published` or :meth:`Protection.labels`: a suppressed entry is :data:`MARKER` whatever its
reason, never "<5" (which would tell that it is a small primary cell rather than a complement). The
reasons are for the data steward and the audit, never for a published table. The same input always gives
the same result: nothing is random, so aggregates are computed, suppressed and stored once per run.

**A count cube** (category x sex x age group x decile x area) is published as 2-D slices, each with its
totals: protect each slice on its own call. Slices that share figures are *linked*: the regencies of a
province (rows) x categories, whose total row is the province's row of the province x category table.
Protect them top down: the parent table first; then each child with ``forced`` = the shared entries
suppressed in the parent (they stay suppressed, reason linked) and ``known`` = the shared entries the
parent published (never used as complements). If a child cannot be protected without suppressing a
``known`` entry, it does so and says so in :attr:`Protection.upstream`: suppress those entries in the parent
too (add them to its ``forced``), protect it again, and repeat down the tree until nothing changes (the
forced sets only grow, so this ends). ``docs/disclosure.md`` describes the limits: differences between two
runs, or between overlapping tables that share no margin, are not covered here.

**Many small tables** (:func:`protect_many`): the same result as :func:`protect` on each 2-D table, entry
for entry, computed for all of them together with NumPy (one step per pending entry of the busiest table,
not per table and entry), for the tens of thousands of tables of a publication.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg

MARKER = "x"
"""What a published table shows for a suppressed entry, whatever the reason (never ``<5``)."""

TOTAL = "TOTAL"
"""The label of a total's position in :meth:`Protection.to_arrow`, unless the caller names it."""

DEFAULT_THRESHOLD = 5
SENSITIVE_THRESHOLD = 10

# Hypercube search: along each axis at most this many candidate positions (the cheapest) are tried, so
# that the candidates of all axes make at most about this many hypercubes.
_SEARCH_BUDGET = 4096
_RANK_GUARD_LIMIT = 3000  # suppressed entries up to which an n-D (n > 2) result is checked again by rank


class Reason(IntEnum):
    """Why an entry is (or is not) suppressed."""

    PUBLISHED = 0
    PRIMARY = 1  # 1 <= count < threshold
    COMPLEMENTARY = 2  # suppressed so that another suppressed entry cannot be recovered
    LINKED = 3  # the same figure is suppressed in another table (``forced``)


IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Protection:
    """A protected table: the extended array (cells and totals) with each entry's reason.

    ``values``, ``reasons`` and ``thresholds`` have the extended shape (one more position per axis, the
    last being the total). ``upstream`` marks the ``known`` entries this table had to suppress anyway.
    """

    values: IntArray
    reasons: npt.NDArray[np.int8]
    thresholds: IntArray
    upstream: BoolArray

    @property
    def suppressed(self) -> BoolArray:
        return self.reasons != Reason.PUBLISHED

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the cells, without the totals."""
        return tuple(size - 1 for size in self.values.shape)

    def published(self) -> npt.NDArray[np.object_]:
        """The values as Python objects, ``None`` where suppressed."""
        out = self.values.astype(object)
        out[self.suppressed] = None
        return out

    def labels(self, marker: str = MARKER) -> npt.NDArray[np.str_]:
        """The values as text, ``marker`` where suppressed (for CSV, XLSX and pages)."""
        return np.where(self.suppressed, marker, self.values.astype(str))

    def to_arrow(
        self,
        names: Sequence[str],
        labels: Sequence[Sequence[str]] | None = None,
        *,
        total: str = TOTAL,
        reasons: bool = False,
    ) -> pa.Table:
        """The table in long form, one row per entry: a column per axis (``names``; the position's label,
        ``total`` for a total), ``value`` (null where suppressed) and ``suppressed``; with ``reasons``,
        also ``reason`` (for the stored copy and the steward, not for publication)."""
        if len(names) != len(self.shape):
            raise Invalid(
                msg("The table has {n} axes; give one name per axis", n=len(self.shape)),
                [Issue("names", "count", msg("One name per axis"))],
            )
        axes = labels if labels is not None else [[str(i) for i in range(size)] for size in self.shape]
        if [len(a) for a in axes] != list(self.shape):
            raise Invalid(
                msg("The labels do not match the table's shape {shape}", shape=str(self.shape)),
                [Issue("labels", "shape", msg("One label per position of each axis"))],
            )
        grid = np.indices(self.values.shape).reshape(len(self.shape), -1)
        columns: dict[str, pa.Array] = {}
        for axis, name in enumerate(names):
            positions = np.array([*map(str, axes[axis]), total], dtype=object)
            columns[name] = pa.array(positions[grid[axis]], type=pa.string())
        flat = self.suppressed.ravel()
        columns["value"] = pa.array(self.values.ravel(), type=pa.int64(), mask=flat)
        columns["suppressed"] = pa.array(flat, type=pa.bool_())
        if reasons:
            words = np.array([reason.name.lower() for reason in Reason], dtype=object)
            columns["reason"] = pa.array(words[self.reasons.ravel()], type=pa.string())
        return pa.table(columns)


def with_margins(cells: npt.ArrayLike, *, combine: str = "sum") -> IntArray:
    """The cells with a total appended along every axis (``combine="max"``: the largest, for thresholds)."""
    out = np.asarray(cells, dtype=np.int64)
    for axis in range(out.ndim):
        margin = out.max(axis=axis, keepdims=True) if combine == "max" else out.sum(axis=axis, keepdims=True)
        out = np.concatenate([out, margin], axis=axis)
    return out


def protect(
    cells: npt.ArrayLike,
    threshold: npt.ArrayLike = DEFAULT_THRESHOLD,
    *,
    known: npt.ArrayLike | None = None,
    forced: npt.ArrayLike | None = None,
) -> Protection:
    """Suppress the small entries of a count table and enough others that none can be recovered.

    ``cells``: non-negative integer counts, at least 2-D, without totals. ``threshold``: a positive integer
    or an array of them broadcast to ``cells``. ``known`` and ``forced``: boolean masks of the extended
    shape (``with_margins``), for tables linked to one protected before (see the module's description).
    """
    values = _counts(cells)
    limits = _thresholds(threshold, values.shape)
    extended = with_margins(values)
    limit = with_margins(limits, combine="max")
    known_mask = _mask(known, extended.shape, "known")
    forced_mask = _mask(forced, extended.shape, "forced")

    reasons = np.zeros(extended.shape, dtype=np.int8)
    reasons[(extended >= 1) & (extended < limit)] = Reason.PRIMARY
    reasons[forced_mask & (reasons == Reason.PUBLISHED)] = Reason.LINKED

    cost = extended.astype(np.float64)
    cost[extended == 0] = np.inf  # zeros are published and never complements
    cost[known_mask] += 2.0**40  # published elsewhere: only when there is no other way
    cost[reasons != Reason.PUBLISHED] = 0.0
    # In 2-D only entries without a cycle of safe moves need a hypercube (see _needs_hypercube).
    pending = _needs_hypercube(extended, reasons != Reason.PUBLISHED)
    for flat in np.flatnonzero(pending.ravel()):
        position = tuple(int(p) for p in np.unravel_index(flat, extended.shape))
        for corner in _cheapest_hypercube(cost, extended, position):
            if reasons[corner] == Reason.PUBLISHED:
                reasons[corner] = Reason.COMPLEMENTARY
                cost[corner] = 0.0

    result = Protection(
        values=extended,
        reasons=reasons,
        thresholds=limit,
        upstream=known_mask & (reasons != Reason.PUBLISHED) & ~forced_mask,
    )
    if (extended.ndim == 2 or int(result.suppressed.sum()) <= _RANK_GUARD_LIMIT) and exposed(
        result.suppressed
    ).any():  # pragma: no cover - the hypercubes make this impossible
        raise AssertionError("disclosure: a suppressed entry could be recovered; this is a bug")
    return result


def _needs_hypercube(values: IntArray, suppressed: BoolArray) -> BoolArray:
    """The suppressed entries not yet safe. Zeros are always published, so a reader knows that every
    suppressed count is at least 1: a move may not take a 1 down. In 2-D an entry is safe when it closes
    a cycle of suppressed entries of 2 or more (its row and column are joined by them without it): the
    move around that cycle may go either way. Beyond 2-D every suppressed entry gets its own search."""
    if values.ndim != 2:
        return suppressed
    movable = suppressed & (values >= 2)
    height = values.shape[0]
    joined = list(range(height + values.shape[1]))

    def find(node: int) -> int:
        while joined[node] != node:
            joined[node] = joined[joined[node]]
            node = joined[node]
        return node

    for r, c in zip(*np.nonzero(movable), strict=True):
        joined[find(int(r))] = find(height + int(c))
    # An entry of 2 or more is safe unless it is a bridge of the graph of such entries; an entry of 1 is
    # safe when that graph joins its row and column (the cycle then has one 1, which may go up).
    pending = suppressed & ~(movable & ~_bridges(movable))
    for r, c in zip(*np.nonzero(pending & ~movable), strict=True):
        if find(int(r)) == find(height + int(c)):
            pending[r, c] = False
    return pending


def _cheapest_hypercube(
    cost: npt.NDArray[np.float64], values: IntArray, position: tuple[int, ...]
) -> list[tuple[int, ...]]:
    """The corners (other than ``position``) of the cheapest safe hypercube through ``position``.

    Along each axis the hypercube takes one other position, ``q``. The move that leaves every total right
    adds 1 at ``position`` and, for each axis, flips the sign when neither ``position`` nor ``q`` is the
    total (the last index). A hypercube is safe when the corners of one sign are all at least 2: then the
    move the other way keeps every count at least 1, so the published figures fit two tables."""
    ndim = len(position)
    per_axis = max(2, int(_SEARCH_BUDGET ** (1 / ndim)))
    candidates = []
    for axis in range(ndim):
        index: tuple[int | slice, ...] = (*position[:axis], slice(None), *position[axis + 1 :])
        line = cost[index]
        order = np.lexsort((np.arange(line.size), line))
        order = order[(order != position[axis]) & np.isfinite(line[order])]
        if line.size - 1 in order[per_axis:]:  # the total stays a candidate: it makes a safe hypercube
            order = np.append(order[:per_axis], line.size - 1)
        candidates.append(order[: per_axis + 1])
    grids = np.meshgrid(*candidates, indexing="ij")
    flips = [
        (g != values.shape[axis] - 1) & (position[axis] != values.shape[axis] - 1)
        for axis, g in enumerate(grids)
    ]
    total = np.zeros(grids[0].shape)
    plus_low = np.full(grids[0].shape, values[position] < 2)  # a corner of sign + is 1
    minus_low = np.zeros(grids[0].shape, dtype=bool)
    for choice in itertools.product((False, True), repeat=ndim):
        if not any(choice):
            continue
        corner = tuple(g if pick else p for g, pick, p in zip(grids, choice, position, strict=True))
        total += cost[corner]
        negative = np.logical_xor.reduce([f for f, pick in zip(flips, choice, strict=True) if pick])
        low = values[corner] < 2
        plus_low |= low & ~negative
        minus_low |= low & negative
    total[plus_low & minus_low] = np.inf
    best = float(total.min()) if total.size else np.inf
    if not np.isfinite(best):  # pragma: no cover - the all-totals hypercube is always safe
        raise AssertionError(f"disclosure: no hypercube protects entry {position}")
    ties = np.stack([g[total == best] for g in grids], axis=1)
    chosen = ties[np.lexsort(ties.T[::-1])[0]]
    return [
        tuple(int(q) if pick else p for q, pick, p in zip(chosen, choice, position, strict=True))
        for choice in itertools.product((False, True), repeat=ndim)
        if any(choice)
    ]


# --- The check: can a suppressed entry be recovered from the published ones? ------------------------------


def exposed(suppressed: npt.ArrayLike) -> BoolArray:
    """The suppressed entries of an extended table (cells and totals, as :func:`with_margins`) that the
    published entries determine: a suppressed entry is exposed if and only if the line equations (each
    total is the sum of its line) fix its value. For a 2-D table that is a bridge of the graph of rows and
    columns joined by suppressed entries; otherwise a rank test. This is the linear part of what a reader
    can do: bounds (a suppressed count is at least 1) can fix more, which :func:`protect` prevents by
    construction (its hypercubes) and the tests check with a linear program."""
    mask = np.asarray(suppressed, dtype=bool)
    if mask.ndim == 2:
        return _bridges(mask)
    return _rank_exposed(mask)


def _bridges(mask: BoolArray) -> BoolArray:
    rows, columns = np.nonzero(mask)
    count = mask.shape[0] + mask.shape[1]
    ends = [(int(r), mask.shape[0] + int(c)) for r, c in zip(rows, columns, strict=True)]
    adjacent: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for edge, (a, b) in enumerate(ends):
        adjacent[a].append((b, edge))
        adjacent[b].append((a, edge))
    order = [-1] * count
    low = [0] * count
    bridge = np.zeros(len(ends), dtype=bool)
    clock = 0
    for root in range(count):
        if order[root] >= 0:
            continue
        order[root] = low[root] = clock
        clock += 1
        stack = [(root, -1, 0)]
        while stack:
            node, via, index = stack.pop()
            if index < len(adjacent[node]):
                stack.append((node, via, index + 1))
                neighbour, edge = adjacent[node][index]
                if edge == via:
                    continue
                if order[neighbour] < 0:
                    order[neighbour] = low[neighbour] = clock
                    clock += 1
                    stack.append((neighbour, edge, 0))
                else:
                    low[node] = min(low[node], order[neighbour])
            elif via >= 0:
                parent = ends[via][0] if ends[via][1] == node else ends[via][1]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridge[via] = True
    out = np.zeros(mask.shape, dtype=bool)
    out[rows[bridge], columns[bridge]] = True
    return out


def _rank_exposed(mask: BoolArray) -> BoolArray:
    """Rank test: entry k is determined iff every vector of the null space of the line equations
    (restricted to the suppressed entries) is 0 at k. Solved per connected group of entries."""
    unknown = np.flatnonzero(mask.ravel())
    column = {int(flat): i for i, flat in enumerate(unknown)}
    equations: list[list[tuple[int, float]]] = []
    for axis in range(mask.ndim):
        size = mask.shape[axis]
        moved = np.moveaxis(np.arange(mask.size).reshape(mask.shape), axis, -1).reshape(-1, size)
        for line in moved:
            terms = [
                (column[int(f)], -1.0 if k == size - 1 else 1.0)
                for k, f in enumerate(line)
                if int(f) in column
            ]
            if terms:
                equations.append(terms)
    group = list(range(len(unknown)))

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for terms in equations:
        for other, _ in terms[1:]:
            group[find(other)] = find(terms[0][0])
    members: dict[int, list[int]] = {}
    for i in range(len(unknown)):
        members.setdefault(find(i), []).append(i)
    by_group: dict[int, list[list[tuple[int, float]]]] = {}
    for terms in equations:
        by_group.setdefault(find(terms[0][0]), []).append(terms)
    determined = np.zeros(len(unknown), dtype=bool)
    for root, variables in members.items():
        index = {v: i for i, v in enumerate(variables)}
        rows = by_group.get(root, [])
        matrix = np.zeros((len(rows), len(variables)))
        for r, terms in enumerate(rows):
            for v, sign in terms:
                matrix[r, index[v]] = sign
        if not rows:
            continue
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9 * max(1.0, float(singular[0]))).sum())
        null = vt[rank:]
        free = np.abs(null).max(axis=0) > 1e-9 if len(null) else np.zeros(len(variables), dtype=bool)
        determined[variables] = ~free
    out = np.zeros(mask.size, dtype=bool)
    out[unknown[determined]] = True
    return out.reshape(mask.shape)


# --- Many 2-D tables at once ----------------------------------------------------------------------------

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


# --- Input ----------------------------------------------------------------------------------------------


def _counts(cells: npt.ArrayLike, *, ndim: int | None = None) -> IntArray:
    """The counts as integers; ``ndim``: exactly that many axes (tables x rows x columns for
    :func:`protect_many`, which may hold no table), else at least two."""
    array = np.asarray(cells)
    problem = None
    if ndim is not None and (array.ndim != ndim or 0 in array.shape[1:]):
        problem = msg("Give tables x rows x columns, rows and columns not empty")
    elif ndim is None and (array.ndim < 2 or 0 in array.shape):
        problem = msg("A table needs at least two axes, none of them empty")
    elif not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)) or (
        np.issubdtype(array.dtype, np.floating)
        and not np.all(np.isfinite(array) & (array == np.round(array)))
    ):
        problem = msg("Counts must be whole numbers")
    elif (array < 0).any():
        problem = msg("Counts cannot be negative")
    if problem is not None:
        raise Invalid(msg("The table cannot be protected"), [Issue("cells", "invalid", problem)])
    return array.astype(np.int64)


def _thresholds(threshold: npt.ArrayLike, shape: tuple[int, ...]) -> IntArray:
    array = np.asarray(threshold)
    try:
        out = np.broadcast_to(array, shape).astype(np.int64)
    except ValueError:
        out = None
    if out is None or not np.issubdtype(array.dtype, np.integer) or (out < 1).any():
        problem = msg("Thresholds are whole numbers of at least 1, one per cell or broadcast to the table")
        raise Invalid(msg("The table cannot be protected"), [Issue("threshold", "invalid", problem)])
    return out


def _mask(mask: npt.ArrayLike | None, shape: tuple[int, ...], field: str) -> BoolArray:
    if mask is None:
        return np.zeros(shape, dtype=bool)
    array = np.asarray(mask)
    if array.shape != shape or array.dtype != np.bool_:
        problem = msg("A true/false mask of the table with its totals, shape {shape}", shape=str(shape))
        raise Invalid(msg("The table cannot be protected"), [Issue(field, "invalid", problem)])
    return array
