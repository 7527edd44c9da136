"""Protecting one table: :func:`protect` (small-cell and complementary suppression by hypercubes), its
result :class:`Protection`, :func:`with_margins` and the checks of the input (the package's description)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from inklusi.disclosure.exposure import _bridges, exposed
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
