"""Programmes compiled to Ibis: the household frame, eligibility and benefit, the priority order and the
selection. The same expressions on DuckDB and PySpark; nothing here runs them (``simulation`` does).

- :func:`household_frame`: one row per household with its areas, members (``people``), welfare rank
  (score, percentile, deciles: null when the household is not ranked), its ``poor_probability`` (the
  welfare model's out-of-fold poverty curve at its national percentile) and how many members it has of
  every :class:`~inklusi.programmes.spec.Component` (``n_<component>``): one aggregation of the persons.
- :func:`eligible`: the households a programme admits, with their yearly ``benefit``.
- :func:`ordered`: eligible households in priority order (score ascending, then household id; the poorest
  first): ``priority`` (1, 2, …) and ``_cum``, the cumulative yearly benefit, from one window (one sort);
  with a quota level also ``_area_rank``, the priority inside the household's area.
- :func:`select`: the beneficiaries: the longest prefix of the priority order within the budget, or each
  area's first ``quota`` households.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import ibis
import ibis.expr.types as ir

from inklusi.programmes.spec import COMPONENTS, Component, ProgrammeSpec
from inklusi.registry.model import WASHINGTON_GROUP_FIELDS

KEY = "household_id"
RANK_COLUMNS = ("score", "national_percentile", "national_decile", "province_decile", "regency_decile")
FRAME_COLUMNS = (
    KEY,
    "village_code",
    "province_code",
    "regency_code",
    "people",
    *RANK_COLUMNS,
    "poor_probability",
    *(f"n_{c.value}" for c in COMPONENTS),
)
AGES: dict[Component, tuple[int, int | None]] = {
    Component.children_0_6: (0, 6),
    Component.children_sd: (7, 12),
    Component.children_smp: (13, 15),
    Component.children_sma: (16, 18),
    Component.elderly: (60, None),
}
DISABLED_ANSWERS = (1, 2)  # Washington Group: a lot of difficulty, cannot do at all
QUOTA_COLUMN = {"province": "province_code", "regency": "regency_code"}


def years_between(born: ir.DateValue, on: date) -> ir.IntegerValue:
    day = ibis.literal(on)
    before_birthday = (born.month() * 100 + born.day()) > (day.month() * 100 + day.day())
    return day.year() - born.year() - before_birthday.cast("int64")


def _components(persons: ir.Table, as_of: date) -> dict[str, ir.Value]:
    age = years_between(persons.birth_date, as_of)
    counts: dict[str, ir.Value] = {}
    for component in COMPONENTS:
        test: ir.BooleanValue | None = None
        if component in AGES:
            low, high = AGES[component]
            test = age >= low if high is None else age.between(low, high)
        elif component == Component.disabled:
            for name in (n for n in WASHINGTON_GROUP_FIELDS if n in persons.columns):
                answer = persons[name].isin(DISABLED_ANSWERS).fill_null(False)
                test = answer if test is None else test | answer
        if component == Component.members:
            counts[f"n_{component.value}"] = persons.count().cast("int64")
        elif test is None:  # not held by the registry (pregnancy)
            counts[f"n_{component.value}"] = ibis.literal(0, "int64")
        else:
            counts[f"n_{component.value}"] = test.fill_null(False).cast("int64").sum()
    return counts


def household_frame(
    persons: ir.Table,
    households: ir.Table,
    ranks: ir.Table | None,
    flags: ir.Table | None,
    poverty: ir.Table | None,
    as_of: date,
) -> ir.Table:
    """One row per household of ``households`` with :data:`FRAME_COLUMNS`. ``flags`` is accepted for
    symmetry with :func:`eligible` (PPKS membership is a semi-join there, not a column here)."""
    del flags
    members = persons.filter(persons[KEY].notnull())
    members = members.mutate(**{KEY: members[KEY].cast("string")})
    per_household = members.group_by(KEY).aggregate(**_components(members, as_of))
    village = households.village_code.cast("string")
    base = households.select(
        **{KEY: households[KEY].cast("string")},
        village_code=village,
        province_code=village.substr(0, 2),
        regency_code=village.substr(0, 5),
        _size=households.household_size.cast("int64")
        if "household_size" in households.columns
        else ibis.null("int64"),
    )
    frame = base.left_join(per_household, KEY).drop(f"{KEY}_right")
    counts = {name: frame[name].fill_null(0) for name in per_household.columns if name != KEY}
    people = counts[f"n_{Component.members.value}"]
    people = ibis.ifelse(people > 0, people, frame._size.fill_null(0))
    frame = frame.mutate(**counts, people=people)
    if ranks is not None:
        ranked = ranks.select(
            **{KEY: ranks[KEY].cast("string")},
            score=ranks.score.cast("float64"),
            **{name: ranks[name].cast("int64") for name in RANK_COLUMNS[1:]},
        )
        frame = frame.left_join(ranked, KEY).drop(f"{KEY}_right")
    else:
        frame = frame.mutate(score=ibis.null("float64"), **{n: ibis.null("int64") for n in RANK_COLUMNS[1:]})
    if poverty is not None:
        curve = poverty.select(
            _percentile=poverty.national_percentile.cast("int64"),
            poor_probability=poverty.poor_probability.cast("float64"),
        )
        frame = frame.left_join(curve, frame.national_percentile == curve._percentile).drop("_percentile")
    else:
        frame = frame.mutate(poor_probability=ibis.null("float64"))
    return frame.select(*FRAME_COLUMNS)


# --- Eligibility and benefit -----------------------------------------------------------------------


def _in_areas(village: ir.StringValue, areas: tuple[str, ...]) -> ir.BooleanValue:
    test = ibis.literal(False)
    for code in areas:
        test = test | (village == code if len(code) == 13 else village.startswith(code + "."))
    return test


def benefit(table: ir.Table, spec: ProgrammeSpec) -> ir.FloatingValue:
    """The yearly benefit of a household: per household + per member + per counted component person
    (highest amounts first, at most ``max_counted`` persons), then the floor and the cap."""
    rule = spec.benefit
    amount: ir.FloatingValue = ibis.literal(rule.per_household, "float64") + table.people.cast(
        "float64"
    ) * ibis.literal(rule.per_member, "float64")
    counted_before: ir.IntegerValue = ibis.literal(0, "int64")
    for component, per_person in rule.counted():
        persons = table[f"n_{component.value}"].cast("int64")
        if rule.max_counted is None:
            taken = persons
        else:  # persons of earlier (dearer) components fill the places first
            room = ibis.greatest(
                ibis.literal(rule.max_counted, "int64") - ibis.least(counted_before, rule.max_counted), 0
            )
            taken = ibis.least(persons, room)
            counted_before = counted_before + persons
        amount = amount + taken.cast("float64") * ibis.literal(per_person, "float64")
    if rule.floor is not None:
        amount = ibis.greatest(amount, ibis.literal(rule.floor, "float64"))
    if rule.cap is not None:
        amount = ibis.least(amount, ibis.literal(rule.cap, "float64"))
    return amount


def eligible(
    frame: ir.Table, spec: ProgrammeSpec, flags: ir.Table | None, excluded: ir.Table | None
) -> ir.Table:
    """The households ``spec`` admits, with ``benefit`` (float64). Unranked households never pass a decile
    cut-off; without ``flags`` a PPKS condition admits nobody (the simulation reports the gap); households
    in ``excluded`` (a table with ``household_id``) are not eligible."""
    rules = spec.eligibility
    test: ir.BooleanValue = ibis.literal(True)
    if rules.decile is not None:
        test = test & (frame[f"{rules.decile.level}_decile"] <= rules.decile.max).fill_null(False)
    if rules.areas:
        test = test & _in_areas(frame.village_code, rules.areas)
    if rules.require_any:
        present = ibis.literal(False)
        for component in rules.require_any:
            present = present | (frame[f"n_{component.value}"] > 0)
        test = test & present
    admitted = frame.filter(test)
    if rules.ppks:
        if flags is None:
            admitted = admitted.filter(ibis.literal(False))
        else:
            flagged = flags.filter(flags.category.isin(rules.ppks))
            flagged = flagged.select(_flagged=flagged[KEY].cast("string"))
            admitted = admitted.semi_join(flagged, admitted[KEY] == flagged._flagged)
    if excluded is not None:
        others = excluded.select(_excluded=excluded[KEY].cast("string"))
        admitted = admitted.anti_join(others, admitted[KEY] == others._excluded)
    return admitted.mutate(benefit=benefit(admitted, spec))


# --- Priority and selection ------------------------------------------------------------------------


def priority_order(table: ir.Table) -> list[ir.Value]:
    """Score ascending (unranked households last, on every engine: an explicit ``NULLS LAST``, one sort
    key rather than a ``score IS NULL`` key before it), then household id."""
    return [ibis.asc(table.score, nulls_first=False), table[KEY]]


def ordered(eligible: ir.Table, quota_level: str | None = None) -> ir.Table:
    """Eligible households with ``priority`` (1 = first) and ``_cum`` (cumulative yearly benefit up to and
    including the household) from one sort; with ``quota_level`` also ``_area_rank`` in the area.
    ``row_number`` rather than a running count: DuckDB computes it without an aggregate over the frame
    (7 % less CPU at 70 M households, ``docs/benchmarks.md``)."""
    order = priority_order(eligible)
    window = ibis.cumulative_window(order_by=order)
    columns: dict[str, ir.Value] = {
        "priority": (ibis.row_number().over(window) + 1).cast("int64"),
        "_cum": eligible.benefit.sum().over(window),
    }
    if quota_level is not None:
        area = eligible[QUOTA_COLUMN[quota_level]]
        in_area = ibis.cumulative_window(group_by=area, order_by=order)
        columns["_area_rank"] = (ibis.row_number().over(in_area) + 1).cast("int64")
    return eligible.mutate(**columns)


def chosen(
    ordered: ir.Table, budget: float | None, quotas: Mapping[str, int] | None, quota_level: str | None
) -> ir.BooleanValue:
    """Whether an ordered household is a beneficiary: its area's first ``quota`` households, or the
    priority prefix within the budget (``None``: everyone)."""
    if quotas is not None and quota_level is not None:
        area = ordered[QUOTA_COLUMN[quota_level]]
        quota = area.substitute(dict(quotas), else_=0) if quotas else ibis.literal(0)
        return ordered._area_rank <= quota
    if budget is None:
        return ibis.literal(True)
    return ordered._cum <= budget


def select(
    eligible: ir.Table,
    spec: ProgrammeSpec,
    budget: float | None,
    quotas: Mapping[str, int] | None,
) -> ir.Table:
    """The beneficiaries: the frame's columns, ``benefit`` and ``priority``."""
    level = spec.quota.level if spec.quota is not None and quotas is not None else None
    table = ordered(eligible, level)
    table = table.filter(chosen(table, budget, quotas, level))
    return table.drop(*(c for c in table.columns if c.startswith("_")))
