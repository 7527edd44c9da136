"""What a planner sees of the who/where/what cube: its published 2-D slices, protected by
:func:`inklusi.disclosure.protect`. Pure (numpy and pyarrow over the cube of :mod:`inklusi.ppks.aggregates`).

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

The result (:data:`SCHEMA`) is one long table, sorted: an entry per published non-zero figure and per
suppressed one (a published 0 is not stored: zeros are never suppressed). ``reason`` is for stewards only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from inklusi.disclosure import (
    DEFAULT_THRESHOLD,
    SENSITIVE_THRESHOLD,
    Protection,
    Reason,
    protect,
    with_margins,
)
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
_REASONS = np.array([r.name.lower() for r in Reason], dtype=object)
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


@dataclass
class _Area:
    level: int
    code: str
    rows: Ints  # category indices with someone flagged, in taxonomy order
    totals: Ints  # rows x measures
    tables: dict[str, Ints]  # published slice -> cells (rows x columns x measures)
    children: list[str] = field(default_factory=list)


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
    limits = np.array([thresholds.of(c) for c in categories], dtype=np.int64)
    unknown = sorted(set(cube.column("category").to_pylist()) - set(codes))
    if unknown:
        text = msg("Categories not in the taxonomy: {codes}", codes=", ".join(unknown))
        raise Invalid(text, [Issue("category", "category.unknown", text)])
    wrong = [m for m in measures if m not in MEASURES]
    if wrong:
        text = msg("Unknown measures: {names}", names=", ".join(wrong))
        raise Invalid(text, [Issue("measures", "invalid", text)])
    levels = [name for name, _ in LEVELS]
    wrong = [level for level in breakdowns if level not in levels]
    if wrong:
        text = msg("Unknown levels: {names}", names=", ".join(wrong))
        raise Invalid(text, [Issue("breakdowns", "invalid", text)])
    areas = _areas(cube, codes, list(measures), {levels.index(level) for level in breakdowns})
    out = _Output()
    roots = [a for a in areas.values() if a.level == 0]
    for m, measure in enumerate(measures):
        solver = _Solver(areas, limits, m)
        for root in roots:
            solver.solve(root.code, None)
        for code in sorted(solver.done, key=lambda c: (areas[c].level, c)):
            area = areas[code]
            rows = [codes[i] for i in area.rows]
            for name, p in solver.done[code]:
                keys = _child_keys(area) if name == CHILD_AREA else list(SLICES[name])
                out.add(area, name, measure, rows, keys, p)
    return out.table()


def _areas(cube: pa.Table, codes: list[str], measures: list[str], breakdowns: set[int]) -> dict[str, _Area]:
    levels = [name for name, _ in LEVELS]
    level = np.array([levels.index(v) for v in cube.column("level").to_pylist()], dtype=np.int64)
    area = np.array(cube.column("area_code").to_pylist(), dtype=object)
    parent = cube.column("parent_code").to_pylist()
    category = _index(cube.column("category").to_pylist(), codes)
    values = np.stack(
        [np.asarray(cube.column(m).to_numpy(zero_copy_only=False), np.int64) for m in measures], 1
    )
    columns = {name: _index(cube.column(name).to_pylist(), list(keys)) for name, keys in SLICES.items()}
    order = np.lexsort((area, level))
    areas: dict[str, _Area] = {}
    starts = np.flatnonzero(np.r_[True, area[order][1:] != area[order][:-1]])
    for start, stop in zip(starts, [*starts[1:], len(order)], strict=True):
        chosen = order[start:stop]
        rows = np.unique(category[chosen])
        position = np.searchsorted(rows, category[chosen])
        totals = np.zeros((len(rows), len(measures)), dtype=np.int64)
        np.add.at(totals, position, values[chosen])
        tables = {}
        if int(level[chosen[0]]) in breakdowns:
            for name, keys in SLICES.items():
                cells = np.zeros((len(rows), len(keys), len(measures)), dtype=np.int64)
                np.add.at(cells, (position, columns[name][chosen]), values[chosen])
                tables[name] = cells
        code = str(area[chosen[0]])
        areas[code] = _Area(int(level[chosen[0]]), code, rows, totals, tables)
        above = parent[int(chosen[0])]
        if above is not None and above in areas:
            areas[above].children.append(code)
    for item in areas.values():
        item.children.sort()
        if item.level < len(LEVELS) - 1:
            item.tables[CHILD_AREA] = _child_cells(item, [areas[c] for c in item.children], len(measures))
    return areas


def _index(values: Iterable[str | None], keys: list[str]) -> Ints:
    lookup = {key: i for i, key in enumerate(keys)}
    fallback = lookup.get(UNKNOWN, -1)
    return np.array([lookup.get(v, fallback) if v is not None else fallback for v in values], dtype=np.int64)


def _child_cells(area: _Area, children: list[_Area], measures: int) -> Ints:
    """Category x child area; a last column ``unknown`` holds what no child holds (people without a
    village), so the row totals are the area's own."""
    cells = np.zeros((len(area.rows), len(children) + 1, measures), dtype=np.int64)
    for j, child in enumerate(children):
        cells[np.searchsorted(area.rows, child.rows), j] = child.totals
    cells[:, -1] = area.totals - cells[:, :-1].sum(axis=1)
    return cells


def _child_keys(area: _Area) -> list[str]:
    return [*area.children, UNKNOWN]


def _protect(cells: Ints, limits: Ints, known: Bools, forced: Bools) -> Protection:
    """:func:`protect`, or the same answer at once when nothing is small and nothing is forced."""
    values = with_margins(cells)
    bounds = with_margins(np.broadcast_to(limits[:, None], cells.shape), combine="max")
    if not forced.any() and not ((values >= 1) & (values < bounds)).any():
        none = np.zeros(values.shape, dtype=bool)
        return Protection(values, np.zeros(values.shape, dtype=np.int8), bounds, none)
    return protect(cells, limits[:, None], known=known, forced=forced)


class _Output:
    def __init__(self) -> None:
        self.parts: list[dict[str, npt.NDArray[np.object_] | npt.NDArray[np.int64] | Bools]] = []

    def add(
        self, area: _Area, name: str, measure: str, rows: list[str], keys: list[str], p: Protection
    ) -> None:
        keep = (p.values != 0) | p.suppressed
        r, c = np.nonzero(keep)
        n = len(r)
        self.parts.append(
            {
                "level": np.full(n, LEVELS[area.level][0], dtype=object),
                "area_code": np.full(n, area.code, dtype=object),
                "slice": np.full(n, name, dtype=object),
                "category": np.array([*rows, ALL], dtype=object)[r],
                "key": np.array([*keys, ALL], dtype=object)[c],
                "measure": np.full(n, measure, dtype=object),
                "value": p.values[r, c],
                "suppressed": p.suppressed[r, c],
                "reason": _REASONS[p.reasons[r, c]],
            }
        )

    def table(self) -> pa.Table:
        if not self.parts:
            return SCHEMA.empty_table()
        columns = {name: np.concatenate([part[name] for part in self.parts]) for name in SCHEMA.names}
        hidden = columns["suppressed"].astype(bool)
        arrays = [
            pa.array(columns[f.name], type=f.type, mask=hidden if f.name == "value" else None) for f in SCHEMA
        ]
        return pa.Table.from_arrays(arrays, schema=SCHEMA)  # by measure, area (top down), slice, row, column


class _Solver:
    """The top-down protection of one measure over the area tree (see the module's description)."""

    def __init__(self, areas: dict[str, _Area], limits: Ints, m: int) -> None:
        self.areas, self.limits, self.m = areas, limits, m
        self.done: dict[str, list[tuple[str, Protection]]] = {}  # a re-solved area replaces its tables
        self.given: dict[str, Bools] = {}  # the parent's suppressed totals each area was solved with

    def solve(self, code: str, given: Bools | None) -> Bools:
        """Protect ``code``'s tables and its subtree. ``given``: which of its category totals (and their
        total) the parent suppressed (``None`` at the root). Returns the totals the parent published but
        this area had to suppress (empty when the subtree is done)."""
        area = self.areas[code]
        size = len(area.rows) + 1
        forced = np.zeros(size, dtype=bool) if given is None else given.copy()
        known = np.zeros(size, dtype=bool) if given is None else ~given
        extra = {}
        if CHILD_AREA in area.tables:
            extra[CHILD_AREA] = np.zeros((size, len(area.children) + 2), dtype=bool)
        limits = self.limits[area.rows]
        while True:
            tables = []
            suppressed = forced.copy()
            for name, cells in area.tables.items():
                table_forced = (
                    extra[name].copy() if name in extra else np.zeros((size, cells.shape[1] + 1), bool)
                )
                table_forced[:, -1] |= forced
                table_known = np.zeros_like(table_forced)
                table_known[:, -1] = known
                p = _protect(cells[:, :, self.m], limits, table_known, table_forced)
                suppressed |= p.suppressed[:, -1]
                tables.append((name, p))
            upstream = suppressed & ~forced
            if given is not None and upstream.any():
                return upstream
            if upstream.any():  # the root: its tables disagree on a total; suppress it in all of them
                forced |= upstream
                known = ~forced
                continue
            child_area = dict(tables).get(CHILD_AREA)
            if child_area is not None and self._children(area, child_area, extra[CHILD_AREA]):
                continue
            self.done[code] = tables
            if given is not None:
                self.given[code] = given
            return np.zeros(size, dtype=bool)

    def _children(self, area: _Area, table: Protection, extra: Bools) -> bool:
        """Solve every child; ``True`` when one needs its parent to suppress more (``extra`` grows)."""
        for j, child_code in enumerate(area.children):
            child = self.areas[child_code]
            rows = np.r_[np.searchsorted(area.rows, child.rows), len(area.rows)]
            given = table.suppressed[rows, j]
            if child_code in self.given and np.array_equal(self.given[child_code], given):
                continue  # solved before with the same totals suppressed: still right
            upstream = self.solve(child_code, given)
            if upstream.any():
                extra[rows[upstream], j] = True
                return True
        return False
