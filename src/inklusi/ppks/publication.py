"""What a planner sees of the who/where/what cube: its published 2-D slices, protected by
:func:`inklusi.disclosure.protect_many` (:func:`~inklusi.disclosure.protect` for many tables at once). Pure
(numpy and pyarrow over the cube of :mod:`inklusi.ppks.aggregates`).

For every area (nation, province, regency, district, village) and measure (:data:`aggregates.MEASURES`)
four tables are published, each with its totals (``all``):

- ``sex``, ``age_group``, ``decile``: category x that key;
- ``child_area``: category x the area's child areas (provinces of the nation, ..., villages of a district;
  ``unknown`` for people whose village the registry does not know), for the map and the drill-down.

Rows are the categories with someone flagged in the area (a category missing from an area's tables has
0 there). Thresholds are per category row from the taxonomy's sensitivity (:class:`Thresholds`). The
tables of an area share its column of category totals (``all``), which is also the area's column in its
parent's ``child_area`` table: they are protected top down, each area's tables with ``forced`` = the
totals its parent suppressed and ``known`` = those it published; when an area must suppress a total its
parent published (``Protection.upstream``), the parent adds it to its own ``forced``, is protected again and
its children after it, until nothing changes. So a province's figures are the same in its own tables and
in the nation's, and agree with its regencies'.

The work goes by rounds, all measures together: each round protects every table of the areas waiting at
the highest level that has any (the nation first), in one :func:`protect_many` call per table width. An
area whose tables agree with its parent's column is done and its children whose column changed wait for
the next rounds; an area that needs a published total suppressed sends it to its parent, which waits
again. Tables are laid out with a row per category of the cube (zero rows for the categories an area does
not have, threshold 1, so they change nothing) and padded with zero columns to a few widths.

The result (:data:`SCHEMA`) is one long table, sorted: an entry per published non-zero figure and per
suppressed one (a published 0 is not stored: zeros are never suppressed). ``reason`` is for stewards only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.disclosure import DEFAULT_THRESHOLD, SENSITIVE_THRESHOLD, Reason, protect_many
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks.aggregates import AGE_GROUPS, DECILES, LEVELS, MEASURES, SEXES, UNKNOWN
from inklusi.ppks.model import Category, Sensitivity

ALL = "all"
SLICES: dict[str, tuple[str, ...]] = {
    "sex": (*(label for _, label in SEXES), UNKNOWN),
    "age_group": (*(label for label, _, _ in AGE_GROUPS), UNKNOWN),
    "decile": (*DECILES, UNKNOWN),
}
CHILD_AREA = "child_area"
BREAKDOWN_LEVELS: tuple[str, ...] = ("national", "province", "regency", "district")
"""Levels with sex, age group and decile tables by default. Villages: only their category totals (their
column of the district's ``child_area`` table); their breakdowns are a few people per cell, nearly all
suppressed, and would multiply the protection's work by ten."""
SCHEMA = pa.schema(
    [
        pa.field("level", pa.string(), nullable=False),
        pa.field("area_code", pa.string(), nullable=False),
        pa.field("slice", pa.string(), nullable=False),
        pa.field("category", pa.string(), nullable=False),
        pa.field("key", pa.string(), nullable=False),
        pa.field("measure", pa.string(), nullable=False),
        pa.field("value", pa.int64()),
        pa.field("suppressed", pa.bool_(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
    ]
)
_SLICE_NAMES = (*SLICES, CHILD_AREA)
_CHILD = len(SLICES)  # the slice number of child_area
_REASONS = pa.array([r.name.lower() for r in Reason], pa.string())
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Thresholds:
    """Smallest count published, per sensitivity of the category (issue 14: 10 and 5)."""

    sensitive: int = SENSITIVE_THRESHOLD
    personal: int = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        if self.sensitive < 1 or self.personal < 1:
            text = msg("Thresholds are whole numbers of at least 1")
            raise Invalid(text, [Issue("thresholds", "invalid", text)])

    def of(self, category: Category) -> int:
        return self.sensitive if category.sensitivity is Sensitivity.sensitive else self.personal


def publish(
    cube: pa.Table,
    categories: Sequence[Category],
    thresholds: Thresholds | None = None,
    *,
    measures: Sequence[str] = MEASURES,
    breakdowns: Sequence[str] = BREAKDOWN_LEVELS,
) -> pa.Table:
    """The published figures of the cube (:data:`aggregates.CUBE_SCHEMA`), protected; :data:`SCHEMA`.
    ``breakdowns``: the levels whose areas get the sex, age group and decile tables (every level has its
    ``child_area`` table, and a village's category totals are its column in its district's)."""
    thresholds = thresholds or Thresholds()
    codes = [c.code for c in categories]
    unknown = sorted(set(cube.column("category").unique().to_pylist()) - set(codes))
    if unknown:
        text = msg("Categories not in the taxonomy: {codes}", codes=", ".join(str(c) for c in unknown))
        raise Invalid(text, [Issue("category", "category.unknown", text)])
    wrong = [m for m in measures if m not in MEASURES]
    if wrong:
        text = msg("Unknown measures: {names}", names=", ".join(wrong))
        raise Invalid(text, [Issue("measures", "invalid", text)])
    levels = [name for name, _ in LEVELS]
    for name, given in (("breakdowns", breakdowns), ("level", cube.column("level").unique().to_pylist())):
        wrong = [str(level) for level in given if level not in levels]
        if wrong:
            text = msg("Unknown levels: {names}", names=", ".join(wrong))
            raise Invalid(text, [Issue(name, "invalid", text)])
    limits = np.array([thresholds.of(c) for c in categories], dtype=np.int64)
    layout = _Layout(cube, codes, limits, list(measures), {levels.index(level) for level in breakdowns})
    solver = _Solver(layout)
    solver.run()
    return _output(layout, solver.reasons, list(measures))


# --- The tables: one row per category of the cube, columns in one store --------------------------------


def _codes(column: pa.ChunkedArray, keys: Sequence[str], fallback: int = -1) -> Ints:
    """The position of each value in ``keys`` (``fallback`` for a value not there or null)."""
    found = pc.index_in(column, value_set=pa.array(list(keys), pa.string()))
    return np.asarray(pc.fill_null(found, fallback).to_numpy(zero_copy_only=False), dtype=np.int64)


class _Layout:
    """The areas, their tables and every table's cells, built from the cube without a loop per area.

    Areas are numbered in (level, code) order; an area's children are its areas ``children[first_child[a]
    : first_child[a] + child_count[a]]``, in code order, and its rows are its categories (``rows[a]``,
    indices into :attr:`categories`; ``k + 1`` pads). Tables are numbered by area and slice (sex, age
    group, decile, child area); table ``t``'s cells are the columns ``offset[t] ... offset[t] + width[t]``
    of ``store`` (measures x columns x categories; the last column and the last category are zeros, for
    padding). A table's protected entries are kept, by category (``k`` for the totals), in a flat array
    from ``extended_offset[t]``."""

    def __init__(
        self, cube: pa.Table, codes: list[str], limits: Ints, measures: list[str], breakdowns: set[int]
    ) -> None:
        levels = [name for name, _ in LEVELS]
        level = _codes(cube.column("level"), levels)
        category = _codes(cube.column("category"), codes)
        used = np.unique(category)
        self.categories = [codes[i] for i in used]
        k = self.k = len(used)
        row_category = np.searchsorted(used, category)
        encoded = pc.dictionary_encode(cube.column("area_code")).combine_chunks()
        names = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False)).astype(str)
        row_area_code = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        first_row = np.full(len(names), len(row_area_code))
        np.minimum.at(first_row, row_area_code, np.arange(len(row_area_code)))
        order = np.lexsort((names, level[first_row]))  # areas in (level, code) order
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        self.codes = names[order]
        self.level = level[first_row][order]
        first_row = first_row[order]
        row_area = position[row_area_code]
        count = len(order)

        above = _codes(cube.column("parent_code").take(pa.array(first_row)), list(self.codes))
        self.parent = np.where(above < np.arange(count), above, -1)  # a parent is numbered before
        child = np.flatnonzero(self.parent >= 0)
        child = child[np.lexsort((self.codes[child], self.parent[child]))]
        self.children = child
        self.child_count = np.bincount(self.parent[child], minlength=count)
        self.first_child = np.cumsum(self.child_count) - self.child_count
        self.slot = np.full(count, -1)
        self.slot[child] = np.arange(len(child)) - self.first_child[self.parent[child]]
        self.reachable = self.level == 0
        for lv in range(1, len(LEVELS)):
            at = np.flatnonzero((self.level == lv) & (self.parent >= 0))
            self.reachable[at] = self.reachable[self.parent[at]]

        values = [np.asarray(cube.column(m).to_numpy(zero_copy_only=False), np.int64) for m in measures]
        cell = row_area * k + row_category
        present = np.bincount(cell, minlength=count * k).reshape(count, k) > 0
        totals = np.stack([_sums(cell, v, count * k).reshape(count, k) for v in values])
        self.row_count = present.sum(axis=1)
        height = int(_padded(self.row_count).max(initial=1))
        self.rows = np.full((count, height), k + 1)
        area_of, category_of = np.nonzero(present)
        self.rows[area_of, np.arange(area_of.size) - np.searchsorted(area_of, area_of)] = category_of
        self.row_limits = np.ones((count, k + 2), dtype=np.int64)  # the totals' and the padding's: 1
        self.row_limits[area_of, category_of] = limits[used][category_of]

        broken = np.isin(self.level, sorted(breakdowns))
        widths = np.zeros((count, len(_SLICE_NAMES)), dtype=np.int64)
        widths[broken, :_CHILD] = [len(keys) for keys in SLICES.values()]
        inner = self.level < len(LEVELS) - 1
        widths[inner, _CHILD] = self.child_count[inner] + 1  # + unknown
        table_area, table_slice = np.nonzero(widths)
        self.table_area, self.table_slice = table_area, table_slice
        self.width = widths[table_area, table_slice]
        self.offset = np.cumsum(self.width) - self.width
        self.first_table = np.searchsorted(table_area, np.arange(count))
        self.table_count = np.bincount(table_area, minlength=count)
        number = np.full((count, len(_SLICE_NAMES)), -1)
        number[table_area, table_slice] = np.arange(len(table_area))
        self.child_table = number[:, _CHILD]
        size = (k + 1) * (self.width + 1)
        self.extended_offset = np.cumsum(size) - size
        self.extended_size = int(size.sum())

        columns = int(self.width.sum())
        store = np.zeros((len(measures), columns + 1, k + 1), dtype=np.int64)
        for s, (name, keys) in enumerate(SLICES.items()):
            rows = np.flatnonzero(number[row_area, s] >= 0)
            key = _codes(cube.column(name).take(pa.array(rows)), keys, list(keys).index(UNKNOWN))
            place = (self.offset[number[row_area[rows], s]] + key) * k + row_category[rows]
            for m, v in enumerate(values):
                store[m, :-1, :k] += _sums(place, v[rows], columns * k).reshape(columns, k)
        tables = self.child_table[self.parent[child]]
        store[:, self.offset[tables] + self.slot[child], :k] = totals[:, child]
        areas = np.flatnonzero(self.child_table >= 0)
        within = np.zeros((count, len(measures), k), dtype=np.int64)  # what the children hold
        np.add.at(within, self.parent[child], totals[:, child].transpose(1, 0, 2))
        store[:, self.offset[self.child_table[areas]] + self.child_count[areas], :k] = totals[
            :, areas
        ] - within[areas].transpose(1, 0, 2)
        self.store = store

    def batches(self, tables: Ints) -> list[tuple[Ints, _Batch]]:
        """The tables grouped by padded shape: which of them, and the batch."""
        height = _padded(self.row_count[self.table_area[tables]])
        width = _padded(self.width[tables])
        shape = height * (int(width.max(initial=0)) + 1) + width
        order = np.argsort(shape, kind="stable")
        bounds = np.flatnonzero(np.diff(shape[order])) + 1
        out = []
        for chosen in np.split(order, bounds) if tables.size else []:
            rows, columns = int(height[chosen[0]]), int(width[chosen[0]])
            area = self.table_area[tables[chosen]]
            extended = np.concatenate([self.rows[area, :rows], np.full((area.size, 1), self.k)], axis=1)
            out.append((chosen, _Batch(tables[chosen], extended, columns)))
        return out

    def cells(self, batch: _Batch, measures: Ints) -> Ints:
        """The cells of the batch's tables (one measure each): tables x rows x columns, zeros padding."""
        tables, width = batch.tables, batch.width
        columns = self.offset[tables][:, None] + np.arange(width)[None, :]
        columns = np.where(np.arange(width)[None, :] < self.width[tables][:, None], columns, -1)
        rows = np.minimum(batch.rows[:, :-1], self.k)
        return self.store[measures[:, None, None], columns[:, None, :], rows[:, :, None]]

    def limits(self, batch: _Batch) -> Ints:
        """The threshold of each row (1 for padding): tables x rows x 1."""
        area = self.table_area[batch.tables]
        return self.row_limits[area[:, None], batch.rows[:, :-1]][:, :, None]

    def positions(self, batch: _Batch) -> tuple[Ints, Bools]:
        """Where each entry of the batch's extended tables is kept in the flat array of extended tables
        (:attr:`extended_offset`), and which entries are real (not padding)."""
        tables, width = batch.tables, batch.width
        column = np.arange(width + 1)[None, :]
        real = self.width[tables][:, None]
        mapped = np.where(column < real, column, np.where(column == width, real, -1))
        place = np.asarray(
            self.extended_offset[tables][:, None, None]
            + np.minimum(batch.rows, self.k)[:, :, None] * (real[:, :, None] + 1)
            + mapped[:, None, :],
            dtype=np.int64,
        )
        return place, (batch.rows <= self.k)[:, :, None] & (mapped >= 0)[:, None, :]


@dataclass(frozen=True)
class _Batch:
    """Tables padded to one shape: their numbers, the category of each row (``k`` for the totals, ``k +
    1`` for padding; tables x rows + 1) and the number of columns of cells."""

    tables: Ints
    rows: Ints
    width: int


def _sums(index: Ints, weights: Ints, size: int) -> Ints:
    return np.bincount(index, weights=weights, minlength=size).round().astype(np.int64)


def _padded(sizes: Ints) -> Ints:
    """The size each table is padded to: exact up to 12, then 16, 24, 32, 48, 64, 96, ... (1.5 x at most)."""
    unique, inverse = np.unique(sizes, return_inverse=True)
    steps = [1 << max(int(w - 1).bit_length() - 2, 0) for w in unique]
    padded = [int(w) if w <= 12 else -(-int(w) // step) * step for w, step in zip(unique, steps, strict=True)]
    return np.array(padded, dtype=np.int64)[inverse.reshape(-1)]


# --- The rounds of the top-down protection ---------------------------------------------------------------


class _Solver:
    """The top-down protection of every measure over the area tree (see the module's description).
    ``reasons`` (measures x every table's extended entries) holds each area's accepted tables. The
    vectors of an area's category totals have ``k + 2`` entries: the categories, their total, padding."""

    def __init__(self, layout: _Layout) -> None:
        self.layout = layout
        count, k = len(layout.codes), layout.k
        self.measures = layout.store.shape[0]
        shape = (self.measures, count)
        self.reasons = np.zeros((self.measures, layout.extended_size), dtype=np.int8)
        self.given = np.zeros((*shape, k + 2), dtype=bool)  # the totals the parent suppressed
        self.solved_with = np.zeros((*shape, k + 2), dtype=bool)  # ... when the area was accepted
        self.solved = np.zeros(shape, dtype=bool)
        self.root_known = np.zeros(shape, dtype=bool)  # a root with totals suppressed publishes the rest
        self.extra: dict[tuple[int, int], Bools] = {}  # child-area entries suppressed for a child
        self.has_tables = (layout.table_count > 0) & layout.reachable
        self.waiting = np.zeros(shape, dtype=bool)
        self.waiting[:, self.has_tables & (layout.level == 0)] = True
        self.rounds = 0

    def run(self) -> None:
        layout = self.layout
        while self.waiting.any():
            self.rounds += 1
            level = int(layout.level[self.waiting.any(axis=0)].min())
            measure, area = np.nonzero(self.waiting & (layout.level == level)[None, :])
            self.waiting[measure, area] = False
            self._round(measure, area)

    def _round(self, measure: Ints, area: Ints) -> None:
        layout = self.layout
        k = layout.k
        root = layout.parent[area] < 0
        forced = self.given[measure, area]
        known = ~forced
        known[:, k + 1] = False
        known[root & ~self.root_known[measure, area]] = False
        # every table of these areas: its node (the index into measure and area) and its number
        per_area = layout.table_count[area]
        node = np.repeat(np.arange(area.size), per_area)
        table = layout.first_table[area][node] + (
            np.arange(node.size) - np.repeat(np.cumsum(per_area) - per_area, per_area)
        )
        suppressed = forced.copy()
        results = []
        for chosen, batch in layout.batches(table):
            n = node[chosen]
            shape = (chosen.size, batch.rows.shape[1], batch.width + 1)
            table_forced = np.zeros(shape, dtype=bool)
            table_forced[:, :, -1] = np.take_along_axis(forced[n], batch.rows, axis=1)
            table_known = np.zeros(shape, dtype=bool)
            table_known[:, :, -1] = np.take_along_axis(known[n], batch.rows, axis=1)
            for i in np.flatnonzero(layout.table_slice[batch.tables] == _CHILD) if self.extra else ():
                extra = self.extra.get((int(measure[n[i]]), int(area[n[i]])))
                if extra is not None:
                    w = int(layout.width[batch.tables[i]])
                    rows = np.append(extra, np.zeros((1, w + 1), dtype=bool), axis=0)[batch.rows[i]]
                    table_forced[i, :, :w] |= rows[:, :w]
                    table_forced[i, :, -1] |= rows[:, w]
            result = protect_many(
                layout.cells(batch, measure[n]),
                layout.limits(batch),
                known=table_known,
                forced=table_forced,
            )
            np.logical_or.at(suppressed, (n[:, None], batch.rows), result.suppressed[:, :, -1])
            results.append((n, batch, result.reasons))
        upstream = suppressed & ~forced
        sends: Bools = np.asarray(upstream.any(axis=1))
        for i in np.flatnonzero(sends):
            m, a = int(measure[i]), int(area[i])
            if root[i]:  # the root's tables disagree on a total: suppress it in all of them
                self.given[m, a] |= upstream[i]
                self.root_known[m, a] = True
                self.waiting[m, a] = True
            else:
                p = int(layout.parent[a])
                size = (k + 1, int(layout.width[layout.child_table[p]]) + 1)
                extra = self.extra.setdefault((m, p), np.zeros(size, dtype=bool))
                extra[:, layout.slot[a]] |= upstream[i, : k + 1]
                self.waiting[m, p] = True
        for n, batch, reasons in results:
            keep = ~sends[n]
            place, real = self.layout.positions(_Batch(batch.tables[keep], batch.rows[keep], batch.width))
            which = np.broadcast_to(measure[n[keep]][:, None, None], place.shape)
            self.reasons[which[real], place[real]] = reasons[keep][real]
        accepted = np.flatnonzero(~sends)
        self.solved[measure[accepted], area[accepted]] = True
        self.solved_with[measure[accepted], area[accepted]] = forced[accepted]
        self._children(measure[accepted], area[accepted])

    def _children(self, measure: Ints, area: Ints) -> None:
        """The children of accepted areas whose column of their parent's child-area table changed wait."""
        layout = self.layout
        k = layout.k
        has = layout.child_table[area] >= 0
        measure, area = measure[has], area[has]
        count = layout.child_count[area]
        parent = np.repeat(np.arange(area.size), count)
        child = layout.children[
            layout.first_child[area][parent]
            + np.arange(parent.size)
            - np.repeat(np.cumsum(count) - count, count)
        ]
        keep = self.has_tables[child]
        parent, child = parent[keep], child[keep]
        m = measure[parent]
        t = layout.child_table[area[parent]]
        place = (
            layout.extended_offset[t][:, None]
            + np.arange(k + 1)[None, :] * (layout.width[t][:, None] + 1)
            + layout.slot[child][:, None]
        )
        given = np.zeros((child.size, k + 2), dtype=bool)
        given[:, : k + 1] = self.reasons[m[:, None], place] != 0
        changed = ~self.solved[m, child] | (self.solved_with[m, child] != given).any(axis=1)
        self.given[m, child] = given
        self.waiting[m[changed], child[changed]] = True


# --- The long table ----------------------------------------------------------------------------------


def _output(layout: _Layout, reasons: npt.NDArray[np.int8], measures: list[str]) -> pa.Table:
    tables = np.flatnonzero(layout.reachable[layout.table_area])
    parts: list[tuple[npt.NDArray[np.integer], ...]] = []
    every = np.arange(len(measures))
    for _, batch in layout.batches(tables):
        count = batch.tables.size
        cells = layout.cells(
            _Batch(
                np.tile(batch.tables, len(measures)), np.tile(batch.rows, (len(measures), 1)), batch.width
            ),
            np.repeat(every, count),
        ).reshape(len(measures), count, -1, batch.width)
        values = np.concatenate([cells, cells.sum(axis=2, keepdims=True)], axis=2)
        values = np.concatenate([values, values.sum(axis=3, keepdims=True)], axis=3)
        place, real = layout.positions(batch)
        why = reasons[:, np.where(real, place, 0)]
        m, i, row, column = np.nonzero(real & ((values != 0) | (why != 0)))
        parts.append(
            (
                m.astype(np.int8),
                batch.tables[i].astype(np.int32),
                batch.rows[i, row].astype(np.int16),
                np.where(column == batch.width, layout.width[batch.tables[i]], column).astype(np.int32),
                values[m, i, row, column],
                why[m, i, row, column],
            )
        )
    if not parts:
        return SCHEMA.empty_table()
    measure, table, row, column, value, reason = (np.concatenate(p) for p in zip(*parts, strict=True))
    # by measure, area (top down), slice, row, column: within a table the entries are in order already
    order = np.argsort(measure.astype(np.int64) * len(layout.width) + table, kind="stable")
    measure, table, row, column, value, reason = (
        x[order] for x in (measure, table, row, column, value, reason)
    )
    area, slice_ = layout.table_area[table], layout.table_slice[table]
    width = layout.width[table]
    # keys: ALL, the slices' keys, UNKNOWN, then every area code (a child area's column)
    keys = [ALL, *(key for keys in SLICES.values() for key in keys), UNKNOWN]
    slice_start = np.cumsum([0, *(len(v) for v in SLICES.values())])[:-1] + 1
    is_child = slice_ == _CHILD
    child_column = np.where(is_child & (column < width - 1), column, 0)
    children = layout.children if layout.children.size else np.zeros(1, dtype=np.int64)
    child = children[np.minimum(layout.first_child[area] + child_column, children.size - 1)]
    key = np.where(
        column == width,
        0,
        np.where(
            is_child,
            np.where(column == width - 1, len(keys) - 1, len(keys) + child),
            slice_start[np.minimum(slice_, _CHILD - 1)] + column,
        ),
    )
    hidden = reason != 0
    level_names = pa.array([name for name, _ in LEVELS], pa.string())
    columns = {
        "level": level_names.take(pa.array(layout.level[area])),
        "area_code": pa.array(layout.codes, pa.string()).take(pa.array(area)),
        "slice": pa.array(list(_SLICE_NAMES), pa.string()).take(pa.array(slice_)),
        "category": pa.array([*layout.categories, ALL], pa.string()).take(pa.array(row)),
        "key": pa.array([*keys, *layout.codes], pa.string()).take(pa.array(key)),
        "measure": pa.array(measures, pa.string()).take(pa.array(measure)),
        "value": pa.array(value, type=pa.int64(), mask=hidden),
        "suppressed": pa.array(hidden, type=pa.bool_()),
        "reason": _REASONS.take(pa.array(reason.astype(np.int64))),
    }
    return pa.Table.from_arrays([columns[f.name] for f in SCHEMA], schema=SCHEMA)
