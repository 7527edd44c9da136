"""What the planner dashboard shows of an area's :class:`~inklusi.ppks.summary.Summary`, as plain sections of
figures: the page draws them (map, ranked table, bar tables) and the exports write them, so a file holds
exactly the page's figures with the same suppression. Pure.

A view is for one measure and one category (or ``all``, the total over categories, only for callers who see
every category: the summary leaves the ``all`` rows out otherwise). Its sections:

- ``by_category``: each category's total in the area for the measure (categories with an entry in the
  area's tables, in taxonomy order; ``all`` last when shown);
- ``needs``: the chosen category's total for every measure (flagged, verified, unmet need, unserved,
  outside households);
- ``child_area``: the figure of every child area (provinces of the nation … villages of a district;
  ``unknown`` for people whose area the registry does not know);
- ``sex``, ``age_group``, ``decile``: the breakdowns, where the publication has them (not for villages).

A village has no tables of its own: its figures are its column in its district's ``child_area`` table, so
the page builds a village's view from the district's summary with ``column`` = the village's code.

Each figure carries the change since the previous run, only when both runs published it (never next to a
suppressed figure: :meth:`Summary.change`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from inklusi.disclosure import MARKER
from inklusi.i18n import Language, Text, msg
from inklusi.ppks.aggregates import MEASURES, UNKNOWN
from inklusi.ppks.publication import ALL, CHILD_AREA, SLICES
from inklusi.ppks.summary import Summary
from inklusi.ppks.taxonomy import categories as taxonomy

BREAKDOWNS = ("age_group", "sex", "decile")
MEASURE_LABELS: dict[str, Text] = {
    "flagged": msg("People flagged"),
    "verified": msg("Verified"),
    "unmet_need": msg("With an unmet need"),
    "unserved": msg("Unserved (no need met)"),
    "outside_households": msg("Outside households"),
}
SECTION_TITLES: dict[str, Text] = {
    "by_category": msg("By category"),
    "needs": msg("Verification and unmet need"),
    "child_area": msg("By area"),
    "sex": msg("By sex"),
    "age_group": msg("By age group"),
    "decile": msg("By welfare decile"),
}
KEY_TITLES: dict[str, Text] = {
    "by_category": msg("Category"),
    "needs": msg("Measure"),
    "child_area": msg("Area"),
    "sex": msg("Sex"),
    "age_group": msg("Age group"),
    "decile": msg("Welfare decile"),
}
SEX_LABELS: dict[str, Text] = {"male": msg("Male"), "female": msg("Female")}
ALL_CATEGORIES = msg("All categories")
UNKNOWN_LABEL = msg("Not known")
UNKNOWN_AREA = msg("Area not known")
EXPORT_HEADER = (
    "area_code",
    "area_name",
    "reference_date",
    "section",
    "measure",
    "category",
    "category_name",
    "key",
    "key_name",
    "value",
    "change",
    "note",
)


@dataclass(frozen=True)
class Figure:
    """One figure of a section: its key (a category, measure, area, sex, age group or decile code), its
    label, the value (None when suppressed) and the change since the previous run (None: not published)."""

    key: str
    label: str
    value: int | None
    suppressed: bool
    change: int | None = None


@dataclass(frozen=True)
class Section:
    name: str
    """``by_category``, ``needs``, ``child_area``, ``sex``, ``age_group`` or ``decile``."""
    title: str
    key_title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class View:
    area_code: str
    level: str
    measure: str
    category: str
    category_label: str
    measures: tuple[tuple[str, str], ...]
    """The measures to choose from: (code, label)."""
    categories: tuple[tuple[str, str], ...]
    """The categories to choose from: (code, label), ``all`` first when shown."""
    by_category: Section
    needs: Section
    children: Section | None
    breakdowns: tuple[Section, ...]
    has_previous: bool

    def sections(self) -> tuple[Section, ...]:
        found = [self.by_category, self.needs]
        if self.children is not None:
            found.append(self.children)
        return (*found, *self.breakdowns)


def category_names(language: Language) -> dict[str, str]:
    return {c.code: c.name.text(language) for c in taxonomy()} | {ALL: ALL_CATEGORIES.render(language)}


def key_label(slice_: str, key: str, language: Language) -> str:
    """A sex, age group or decile as a person reads it."""
    if key == UNKNOWN:
        return UNKNOWN_LABEL.render(language)
    if slice_ == "sex":
        return SEX_LABELS[key].render(language) if key in SEX_LABELS else key
    if slice_ == "age_group":
        return msg("{group} years", group=key.replace("-", "–")).render(language)
    if slice_ == "decile":
        return msg("Decile {decile}", decile=key).render(language)
    return key


def _present(summary: Summary, column: str) -> list[str]:
    """The categories with an entry in the area (its tables, or its column of its parent's table)."""
    found: set[str] = set()
    for table in summary.tables:
        if column == ALL or table.slice == CHILD_AREA:
            found |= {c.category for c in table.cells if column == ALL or c.key == column}
    return [code for code in summary.categories if code in found]


def _totals_slice(summary: Summary, measure: str) -> str | None:
    """The table whose ``column`` holds the area's category totals (every table has the same ones)."""
    for slice_ in (CHILD_AREA, *BREAKDOWNS):
        if summary.has(slice_, measure):
            return slice_
    return None


def default_category(summary: Summary, measure: str, column: str = ALL) -> str:
    """``all`` for a caller who sees every category; otherwise the category with the largest published
    total in the area (the first one present, or the first visible, when none is published)."""
    if summary.sensitive:
        return ALL
    present = _present(summary, column)
    slice_ = _totals_slice(summary, measure)
    if slice_ is not None and present:
        table = summary.table(slice_, measure)
        published = [(table.get(code, column).value or 0, -i, code) for i, code in enumerate(present)]
        best = max(published)
        if best[0] > 0:
            return best[2]
    if present:
        return present[0]
    return summary.categories[0] if summary.categories else ALL


def _figure(
    summary: Summary, slice_: str | None, measure: str, category: str, key: str, label: str, name: str = ""
) -> Figure:
    """The figure of (category, key) in the slice's table of the measure, named ``name`` (default: key)."""
    if slice_ is None or not summary.has(slice_, measure):
        return Figure(name or key, label, 0, False)
    cell = summary.table(slice_, measure).get(category, key)
    change = summary.change(slice_, measure, category, key)
    return Figure(name or key, label, cell.value, cell.suppressed, change)


def build(
    summary: Summary,
    *,
    measure: str | None,
    category: str | None,
    language: Language,
    children: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
    column: str = ALL,
    area_code: str | None = None,
    level: str | None = None,
) -> View:
    """The view of ``summary``'s area (or, with ``column``, of that child area of it: a village in its
    district's summary) for a measure and a category; an unknown or hidden choice falls back to the
    default (a sensitive category asked for without the permission is treated as unknown). ``children`` are
    the child areas to list (every one, zeros included), ``names`` their names."""
    names = names or {}
    chosen_measure = measure if measure in summary.measures else (summary.measures or MEASURES)[0]
    allowed = (*summary.categories, *((ALL,) if summary.sensitive else ()))
    chosen = (
        category
        if category is not None and category in allowed
        else default_category(summary, chosen_measure, column)
    )
    labels = category_names(language)
    present = _present(summary, column)
    rows = [*present, *((ALL,) if summary.sensitive else ())]
    if chosen not in rows:
        rows = [code for code in allowed if code in {*rows, chosen}]
    totals = _totals_slice(summary, chosen_measure)
    by_category = Section(
        "by_category",
        SECTION_TITLES["by_category"].render(language),
        KEY_TITLES["by_category"].render(language),
        tuple(_figure(summary, totals, chosen_measure, code, column, labels[code], code) for code in rows),
    )
    needs = Section(
        "needs",
        SECTION_TITLES["needs"].render(language),
        KEY_TITLES["needs"].render(language),
        tuple(
            _figure(
                summary, _totals_slice(summary, m), m, chosen, column, MEASURE_LABELS[m].render(language), m
            )
            for m in summary.measures
            if m in MEASURE_LABELS
        ),
    )
    child_section = None
    if column == ALL and summary.child_level is not None and summary.has(CHILD_AREA, chosen_measure):
        table = summary.table(CHILD_AREA, chosen_measure)
        keys = [*children, *(k for k in table.keys if k not in children and k != ALL)]
        child_section = Section(
            "child_area",
            SECTION_TITLES["child_area"].render(language),
            KEY_TITLES["child_area"].render(language),
            tuple(
                _figure(
                    summary,
                    CHILD_AREA,
                    chosen_measure,
                    chosen,
                    key,
                    UNKNOWN_AREA.render(language) if key == UNKNOWN else names.get(key, key),
                )
                for key in keys
            ),
        )
    breakdowns = []
    if column == ALL:
        for slice_ in BREAKDOWNS:
            if summary.has(slice_, chosen_measure):
                table = summary.table(slice_, chosen_measure)
                stored = {c.key for c in table.cells if c.category == chosen}
                keys = [k for k in SLICES[slice_] if k != UNKNOWN or k in stored]  # unknown: only when not 0
                if slice_ == "decile" and not stored - {UNKNOWN, ALL}:
                    keys = [k for k in keys if k == UNKNOWN]  # no welfare ranking: every decile unknown
                breakdowns.append(
                    Section(
                        slice_,
                        SECTION_TITLES[slice_].render(language),
                        KEY_TITLES[slice_].render(language),
                        tuple(
                            _figure(
                                summary, slice_, chosen_measure, chosen, key, key_label(slice_, key, language)
                            )
                            for key in keys
                        ),
                    )
                )
    return View(
        area_code=area_code or summary.area_code,
        level=level or summary.level,
        measure=chosen_measure,
        category=chosen,
        category_label=labels[chosen],
        measures=tuple(
            (m, MEASURE_LABELS[m].render(language)) for m in summary.measures if m in MEASURE_LABELS
        ),
        categories=tuple(
            (code, labels[code]) for code in ((ALL,) if summary.sensitive else ()) + summary.categories
        ),
        by_category=by_category,
        needs=needs,
        children=child_section,
        breakdowns=tuple(breakdowns),
        has_previous=summary.previous_run_id is not None,
    )


def suppressed_note(language: Language) -> str:
    return msg(
        "suppressed: a small count, or a figure hidden so that a small one cannot be worked out"
    ).render(language)


def export_rows(view: View, *, area_name: str, reference_date: date, language: Language) -> list[tuple]:
    """Every figure of the view as a row under :data:`EXPORT_HEADER`; a suppressed figure's value is the
    disclosure marker (:data:`inklusi.disclosure.MARKER`) with a note, never its count."""
    labels = category_names(language)
    note = suppressed_note(language)
    rows: list[tuple] = []
    for section in view.sections():
        for figure in section.figures:
            if section.name == "by_category":
                measure, category, key, key_name = view.measure, figure.key, ALL, ""
            elif section.name == "needs":
                measure, category, key, key_name = figure.key, view.category, ALL, ""
            else:
                measure, category, key, key_name = view.measure, view.category, figure.key, figure.label
            rows.append(
                (
                    view.area_code,
                    area_name,
                    reference_date.isoformat(),
                    section.name,
                    measure,
                    category,
                    labels.get(category, category),
                    key,
                    key_name,
                    MARKER if figure.suppressed else figure.value,
                    figure.change if figure.change is not None else "",
                    note if figure.suppressed else "",
                )
            )
    return rows
