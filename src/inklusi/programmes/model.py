"""Programme simulation results and the quota split. Pure: no engine, no database.

:func:`largest_remainder` splits a number of households over areas in proportion to weights (Hamilton's
method): each area first gets the whole part of its exact share, the households left go one each to the
areas with the largest remainders (ties: the larger weight, then the smaller code), so the parts add up to
the total exactly. The dataclasses are what a simulation gives back (:mod:`inklusi.programmes.simulation`);
``as_dict()`` makes JSON-ready dicts (a scenario stores one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg

COVERAGE_DECILES = {10: 1, 20: 2, 40: 4}  # the poorest 10/20/40 % of people: predicted deciles ≤ 1, 2, 4
CURVE_POINTS = 20


def largest_remainder(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """``total`` split over the keys of ``weights`` in proportion, whole numbers adding up to ``total``."""
    if total < 0:
        raise Invalid(
            msg("A quota total cannot be negative"),
            [Issue("quota.total", "quota.negative", msg("A quota total cannot be negative"))],
        )
    bad = [code for code, w in weights.items() if not math.isfinite(w) or w < 0]
    if bad:
        text = msg("Quota weights must be zero or more: {areas}", areas=", ".join(sorted(bad)))
        raise Invalid(text, [Issue("quota.basis", "quota.weights", text)])
    whole = float(sum(weights.values()))
    if whole <= 0:
        if total == 0:
            return dict.fromkeys(weights, 0)
        text = msg("No area has any weight to split the quota of {total} households by", total=total)
        raise Invalid(text, [Issue("quota.basis", "quota.weights", text)])
    exact = {code: total * w / whole for code, w in weights.items()}
    parts = {code: math.floor(share) for code, share in exact.items()}
    left = total - sum(parts.values())
    order = sorted(weights, key=lambda code: (-(exact[code] - parts[code]), -weights[code], code))
    for code in order[:left]:
        parts[code] += 1
    return parts


@dataclass(frozen=True)
class AreaRow:
    code: str
    households: int  # ranked or not, in the frame
    eligible: int
    beneficiaries: int
    people: int  # members of the beneficiary households
    cost: float
    coverage_poorest_40: float | None  # people of predicted deciles 1–4 in beneficiary households / all


@dataclass(frozen=True)
class DecileRow:
    decile: int | None  # None: households without a rank
    households: int
    beneficiaries: int
    cost: float


@dataclass(frozen=True)
class CategoryRow:
    category: str
    households: int  # households with a member flagged in the category
    beneficiaries: int


@dataclass(frozen=True)
class CurvePoint:
    budget: float
    beneficiaries: int
    coverage_10: float | None
    coverage_20: float | None
    coverage_40: float | None
    measured_coverage_40: float | None = None  # by true consumption (evaluate only)


@dataclass(frozen=True)
class Outcome:
    programme: str
    spec_key: str
    budget: float | None
    eligible: int
    beneficiaries: int
    people: int
    cost: float
    over_budget: bool
    expected_inclusion_error: float | None
    expected_exclusion_error: float | None
    measured_inclusion_error: float | None
    measured_exclusion_error: float | None
    coverage_poorest: dict[int, float | None]  # 10, 20, 40 → share of those people covered
    by_area: tuple[AreaRow, ...] = ()
    by_decile: tuple[DecileRow, ...] = ()
    by_category: tuple[CategoryRow, ...] = ()
    budget_curve: tuple[CurvePoint, ...] = ()
    quota_shortfalls: dict[str, int] = field(default_factory=dict)
    gaps: tuple[str, ...] = ()
    measured_coverage_poorest: dict[int, float | None] | None = None  # by true consumption (evaluate)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["coverage_poorest"] = {str(k): v for k, v in self.coverage_poorest.items()}
        if self.measured_coverage_poorest is not None:
            data["measured_coverage_poorest"] = {str(k): v for k, v in self.measured_coverage_poorest.items()}
        for name in ("by_area", "by_decile", "by_category", "budget_curve", "gaps"):
            data[name] = list(data[name])
        return data


@dataclass(frozen=True)
class Overlap:
    first: str
    second: str
    households: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Simulation:
    outcomes: tuple[Outcome, ...]
    overlaps: tuple[Overlap, ...] = ()

    def outcome(self, name: str) -> Outcome:
        found = next((o for o in self.outcomes if o.programme == name), None)
        if found is None:
            raise KeyError(name)
        return found

    def as_dict(self) -> dict[str, object]:
        return {
            "outcomes": [o.as_dict() for o in self.outcomes],
            "overlaps": [o.as_dict() for o in self.overlaps],
        }


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def error(hit: float, whole: float) -> float | None:
    """1 − hit / whole, within [0, 1] (sums of probabilities can overshoot by a rounding)."""
    return min(1.0, max(0.0, 1 - hit / whole)) if whole else None


def ordered_programmes(names: list[str], excludes: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Programmes in dependency order (an excluded programme is simulated before the one excluding it);
    a cycle is an error naming the programmes in it."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in visiting:
            cycle = " → ".join((*path, name))
            text = msg("Programmes exclude each other in a cycle: {cycle}", cycle=cycle)
            raise Invalid(text, [Issue("exclude", "programme.cycle", text)])
        visiting.add(name)
        for other in excludes.get(name, ()):
            if other in names:
                visit(other, (*path, name))
        visiting.discard(name)
        done.append(name)

    for name in names:
        visit(name, ())
    return done


# --- Assembling an outcome from the engine's cubes -------------------------------------------------
# The simulation aggregates once per programme into a small cube (regency × national decile × budget-curve
# step × selected) and once for the frame (regency × national decile); everything an outcome reports is
# summed from those rows here.

Row = Mapping[str, Any]


def _sum(rows: list[Row], key: str) -> float:
    return float(sum(float(r[key]) for r in rows if r.get(key) is not None))


@dataclass(frozen=True)
class Totals:
    """What an outcome needs besides the cubes."""

    programme: str
    spec_key: str
    budget: float | None
    total_cost: float  # of every eligible household (the budget curve's last point)
    area: str | None = None  # a province: areas are its regencies (else provinces)
    has_truth: bool = False
    quota_shortfalls: Mapping[str, int] = field(default_factory=dict)
    gaps: tuple[str, ...] = ()


def _area_of(regency: str, area: str | None) -> str | None:
    if area is None:
        return regency[:2]
    return regency if regency.startswith(area + ".") else None


def assemble(
    totals: Totals,
    base: list[Row],
    cube: list[Row],
    categories: Mapping[str, tuple[int, int]] | None = None,
) -> Outcome:
    """An :class:`Outcome` from the frame's cube (``base``), the programme's cube and, per PPKS category,
    (households, beneficiaries)."""
    ranked = [r for r in base if r["national_decile"] is not None]
    selected = [r for r in cube if r["_selected"]]
    has_poverty = any(r.get("poor_probability") is not None for r in ranked)
    households, cost = int(_sum(selected, "households")), _sum(selected, "cost")
    gaps = totals.gaps if has_poverty else (*totals.gaps, "poverty_curve")
    expected_in = expected_ex = measured_in = measured_ex = None
    if has_poverty:
        hit = _sum(selected, "poor_probability")
        expected_in = error(hit, households)
        whole = _sum(ranked, "poor_probability")
        expected_ex = error(hit, whole)
    measured: dict[int, float | None] | None = None
    if totals.has_truth:
        hit = _sum(selected, "true_poor")
        measured_in = error(hit, households)
        whole = _sum(ranked, "true_poor")
        measured_ex = error(hit, whole)
        measured = {
            k: share(_sum(selected, f"true_people_{k}"), _sum(base, f"true_people_{k}"))
            for k in COVERAGE_DECILES
        }
    return Outcome(
        programme=totals.programme,
        spec_key=totals.spec_key,
        budget=totals.budget,
        eligible=int(_sum(cube, "households")),
        beneficiaries=households,
        people=int(_sum(selected, "people")),
        cost=cost,
        over_budget=totals.budget is not None and cost > totals.budget,
        expected_inclusion_error=expected_in,
        expected_exclusion_error=expected_ex,
        measured_inclusion_error=measured_in,
        measured_exclusion_error=measured_ex,
        coverage_poorest={
            k: share(_sum(selected, f"people_{k}"), _sum(base, f"people_{k}")) for k in COVERAGE_DECILES
        },
        by_area=_by_area(totals.area, base, cube),
        by_decile=_by_decile(base, cube),
        by_category=tuple(CategoryRow(c, n, b) for c, (n, b) in sorted((categories or {}).items())),
        budget_curve=_curve(totals, base, cube),
        quota_shortfalls=dict(totals.quota_shortfalls),
        gaps=gaps,
        measured_coverage_poorest=measured,
    )


def _group(rows: list[Row], key: Callable[[Row], Any]) -> dict[Any, list[Row]]:
    groups: dict[Any, list[Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def _by_area(area: str | None, base: list[Row], cube: list[Row]) -> tuple[AreaRow, ...]:
    def code(row: Row) -> str | None:
        return _area_of(str(row["regency_code"]), area)

    base_by, cube_by = _group(base, code), _group(cube, code)
    rows = []
    for name in sorted(c for c in base_by if c is not None):
        here, mine = base_by[name], cube_by.get(name, [])
        chosen = [r for r in mine if r["_selected"]]
        rows.append(
            AreaRow(
                code=str(name),
                households=int(_sum(here, "households")),
                eligible=int(_sum(mine, "households")),
                beneficiaries=int(_sum(chosen, "households")),
                people=int(_sum(chosen, "people")),
                cost=_sum(chosen, "cost"),
                coverage_poorest_40=share(_sum(chosen, "people_40"), _sum(here, "people_40")),
            )
        )
    return tuple(rows)


def _by_decile(base: list[Row], cube: list[Row]) -> tuple[DecileRow, ...]:
    base_by, cube_by = (
        _group(base, lambda r: r["national_decile"]),
        _group(cube, lambda r: r["national_decile"]),
    )
    deciles = sorted((d for d in base_by if d is not None), key=int)
    rows = []
    for decile in [*deciles, *([None] if None in base_by else [])]:
        chosen = [r for r in cube_by.get(decile, []) if r["_selected"]]
        rows.append(
            DecileRow(
                None if decile is None else int(decile),
                int(_sum(base_by[decile], "households")),
                int(_sum(chosen, "households")),
                _sum(chosen, "cost"),
            )
        )
    return tuple(rows)


def _curve(totals: Totals, base: list[Row], cube: list[Row]) -> tuple[CurvePoint, ...]:
    whole = {k: _sum(base, f"people_{k}") for k in COVERAGE_DECILES}
    true_whole = _sum(base, "true_people_40")
    points = []
    for step in range(CURVE_POINTS):
        inside = [r for r in cube if int(r["_bucket"]) <= step]
        measured = share(_sum(inside, "true_people_40"), true_whole) if totals.has_truth else None
        points.append(
            CurvePoint(
                budget=totals.total_cost * step / (CURVE_POINTS - 1),
                beneficiaries=int(_sum(inside, "households")),
                coverage_10=share(_sum(inside, "people_10"), whole[10]),
                coverage_20=share(_sum(inside, "people_20"), whole[20]),
                coverage_40=share(_sum(inside, "people_40"), whole[40]),
                measured_coverage_40=measured,
            )
        )
    return tuple(points)
