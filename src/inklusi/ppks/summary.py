"""What a caller reads of a run's stored publication (:mod:`inklusi.ppks.publication`): an area's tables as
they may see them. Pure: built from the stored cells by :mod:`inklusi.ppks.service.summarising`.

A table holds only the stored entries (non-zero or suppressed figures); a missing (category, key) is a
published 0. Without ``ppks:sensitive`` over the area the sensitive categories' rows **and the ``all`` rows**
(column totals over the categories) are left out: a total minus the visible rows would give the sensitive
ones away. ``reason`` (why a cell is suppressed) is for stewards and is never read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from inklusi.ppks.aggregates import LEVELS, NATIONAL, UNKNOWN
from inklusi.ppks.publication import ALL, CHILD_AREA, SLICES, Thresholds

LEVEL = "level"
"""The slice listing every area of a deeper level inside the area (category x area)."""
LEVEL_NAMES: tuple[str, ...] = tuple(name for name, _ in LEVELS)
StoredCell = tuple[str, str, str, str, int | None, bool]
"""(measure, slice, category, key, value, suppressed) as read from the store."""


@dataclass(frozen=True, slots=True)
class Cell:
    category: str  # a category code, or "all" (column total over categories)
    key: str  # the slice's key (a sex, age group, decile, area code, "unknown") or "all"
    value: int | None  # None when suppressed
    suppressed: bool


@dataclass(frozen=True)
class SummaryTable:
    slice: str  # "sex" | "age_group" | "decile" | "child_area" | "level"
    measure: str  # one of aggregates.MEASURES
    cells: tuple[Cell, ...]  # only stored entries; a missing (category, key) is a published 0
    _index: dict[tuple[str, str], Cell] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {(c.category, c.key): c for c in self.cells})

    def get(self, category: str, key: str) -> Cell:
        """The entry, or a published 0 when it is not stored."""
        return self._index.get((category, key)) or Cell(category, key, 0, False)

    @property
    def categories(self) -> tuple[str, ...]:
        """The rows with an entry, in the table's order (``all`` last)."""
        return tuple(dict.fromkeys(c.category for c in self.cells))

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns with an entry, in the slice's order (``unknown``, then ``all`` last)."""
        return _ordered_keys(self.slice, {c.key for c in self.cells})


@dataclass(frozen=True)
class Summary:
    run_id: UUID
    computed_at: datetime
    reference_date: date
    area_code: str  # "ID" for the nation (aggregates.NATIONAL)
    level: str  # the area's level: national|province|regency|district|village
    child_level: str | None
    categories: tuple[str, ...]  # the categories the caller may see, taxonomy order
    thresholds: Thresholds
    tables: tuple[SummaryTable, ...]
    previous_run_id: UUID | None
    previous: tuple[SummaryTable, ...]  # the previous publication's same tables (empty if none)
    measures: tuple[str, ...] = ()  # the measures of the tables
    list_level: str | None = None  # the level the "level" slice lists (None: no such slice)
    sensitive: bool = False  # whether the sensitive categories (and the "all" rows) are shown

    def has(self, slice: str, measure: str) -> bool:
        return any(t.slice == slice and t.measure == measure for t in self.tables)

    def table(self, slice: str, measure: str) -> SummaryTable:
        """The table; :class:`KeyError` when the publication has none for this area (e.g. a village's
        breakdowns by sex: see :meth:`has`)."""
        return _find(self.tables, slice, measure)

    def previous_table(self, slice: str, measure: str) -> SummaryTable | None:
        try:
            return _find(self.previous, slice, measure)
        except KeyError:
            return None

    def change(self, slice: str, measure: str, category: str, key: str) -> int | None:
        """Current minus previous, only when both are published (``changes.compare``'s rule: a change
        next to a suppressed figure would give it away)."""
        before = self.previous_table(slice, measure) if self.previous_run_id else None
        if before is None:
            return None
        now, then = self.table(slice, measure).get(category, key), before.get(category, key)
        if now.value is None or then.value is None:
            return None
        return now.value - then.value


def _find(tables: Iterable[SummaryTable], slice: str, measure: str) -> SummaryTable:
    for table in tables:
        if table.slice == slice and table.measure == measure:
            return table
    raise KeyError(f"no {slice} table of {measure}")


def level_of(area_code: str) -> str:
    """``national`` for ``ID``; else the level by the code's length (the code is checked before)."""
    if area_code == NATIONAL:
        return "national"
    return next(name for name, width in LEVELS if width == len(area_code))


def child_level(level: str) -> str | None:
    index = LEVEL_NAMES.index(level)
    return LEVEL_NAMES[index + 1] if index + 1 < len(LEVEL_NAMES) else None


def slices_of(level: str, breakdowns: Sequence[str]) -> tuple[str, ...]:
    """The slices a publication stores for an area of this level."""
    own = tuple(SLICES) if level in breakdowns else ()
    return (*own, CHILD_AREA) if child_level(level) else own


def _ordered_keys(slice: str, keys: set[str]) -> tuple[str, ...]:
    if slice in SLICES:
        known = [k for k in (*SLICES[slice], ALL) if k in keys]
        return (*known, *sorted(keys - set(known)))
    return (*sorted(keys - {UNKNOWN, ALL}), *(k for k in (UNKNOWN, ALL) if k in keys))


def tables(
    cells: Iterable[StoredCell],
    slices: Sequence[str],
    measures: Sequence[str],
    categories: Sequence[str],
    *,
    as_slice: str | None = None,
) -> tuple[SummaryTable, ...]:
    """One table per slice and measure (empty when nothing is stored: all zeros), rows in taxonomy order
    (``all`` last), columns in the slice's order. ``as_slice``: every cell goes to that slice."""
    grouped: dict[tuple[str, str], list[Cell]] = {(s, m): [] for m in measures for s in slices}
    for measure, slice_, category, key, value, suppressed in cells:
        found = grouped.get((as_slice or slice_, measure))
        if found is not None:
            found.append(Cell(category, key, None if suppressed else value, bool(suppressed)))
    rank = {code: i for i, code in enumerate((*categories, ALL))}
    out = []
    for (slice_, measure), found in grouped.items():
        order = {key: i for i, key in enumerate(_ordered_keys(slice_, {c.key for c in found}))}
        found.sort(key=lambda c: (rank.get(c.category, len(rank)), order[c.key]))
        out.append(SummaryTable(slice_, measure, tuple(found)))
    return tuple(out)


def level_tables(
    children: Iterable[StoredCell],
    own: Iterable[StoredCell],
    direct: bool,
    measures: Sequence[str],
    categories: Sequence[str],
) -> tuple[SummaryTable, ...]:
    """The ``level`` slice per measure: the ``child_area`` cells of the areas one level above the listed
    level (``children``: their area keys only), with the area's own ``child_area`` column of totals
    (``all``). When the listed level is the area's child level (``direct``), ``children`` is the area's
    own ``child_area`` table, ``unknown`` column included."""
    rows = list(children)
    if not direct:
        rows += [cell for cell in own if cell[1] == CHILD_AREA and cell[3] == ALL]
    return tables(rows, (LEVEL,), measures, categories, as_slice=LEVEL)
