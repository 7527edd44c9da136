"""Welfare ranking: the decile rule, targeting measures and what a ranking holds. Pure: NumPy only, no I/O.

**The decile rule** (fixed; ``docs/welfare.md``). Households are ordered by score, the poorest first (a
lower score is a lower predicted per-capita consumption), ties broken by household id. Let ``before`` be the
number of people in the households ordered before a household and ``N`` the number of people in all of them:
the household's first member stands at the person-weighted cumulative share ``before / N``, and

    decile     = floor(10 * before / N) + 1        (1 … 10)
    percentile = floor(100 * before / N) + 1       (1 … 100)

so deciles hold (as nearly as whole households allow) equal numbers of *people*, as DTSEN's do. Household
deciles use the same rule with every household counted as one. Province and regency deciles apply the rule
inside each area. :func:`rank_reference` is the plain-Python statement of the rule that the Ibis ranking is
tested against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import numpy as np

COVERAGES = (0.1, 0.2, 0.4)  # the poorest 10 %, 20 %, 40 %: the usual targeting thresholds
DECILES = 10
LEAK_R2 = 0.95  # out-of-fold R² above this: suspect a leak, not a perfect proxy (PMTs reach 0.5–0.8)


class ModelKind(StrEnum):
    ols = "ols"  # ordinary least squares on the proxies, one national model
    ols_area = "ols-area"  # the same with (shrunk) area fixed effects
    separate = "separate"  # one least-squares model per region group (province or regency group)
    gbm = "gbm"  # gradient-boosted trees (LightGBM)


def decile_of(before: int, total: int, parts: int = DECILES) -> int:
    """The group (1-based) of the unit whose first member stands after ``before`` of ``total``."""
    return (parts * before) // total + 1


def rank_reference(
    scores: Sequence[float], ids: Sequence[str], sizes: Sequence[int], parts: int = DECILES
) -> dict[str, int]:
    """The decile rule in plain Python: household id → group, people-weighted (``sizes``)."""
    order = sorted(range(len(ids)), key=lambda i: (scores[i], ids[i]))
    total = sum(sizes)
    groups, before = {}, 0
    for i in order:
        groups[ids[i]] = decile_of(before, total, parts)
        before += sizes[i]
    return groups


# --- Targeting measures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageErrors:
    """Targeting the poorest ``coverage`` share by predicted welfare, against the truly poorest share."""

    coverage: float
    exclusion_error: float  # share of the truly poor who are not selected
    inclusion_error: float  # share of the selected who are not truly poor


@dataclass(frozen=True)
class Metrics:
    r2: float
    spearman: float
    coverage: tuple[CoverageErrors, ...]
    households: int

    def at(self, coverage: float) -> CoverageErrors:
        return next(c for c in self.coverage if abs(c.coverage - coverage) < 1e-9)

    def as_dict(self) -> dict[str, object]:
        return {
            "r2": self.r2,
            "spearman": self.spearman,
            "households": self.households,
            "coverage": [
                {
                    "coverage": c.coverage,
                    "exclusion_error": c.exclusion_error,
                    "inclusion_error": c.inclusion_error,
                }
                for c in self.coverage
            ],
        }


def selected_below(values: np.ndarray, weights: np.ndarray, share: float, ids: np.ndarray) -> np.ndarray:
    """Which units the decile rule puts in the poorest ``share``: first member's cumulative share < share."""
    order = np.lexsort((ids, values))
    before = np.cumsum(weights[order]) - weights[order]
    chosen = np.zeros(len(values), dtype=bool)
    chosen[order] = before < share * weights.sum()
    return chosen


def targeting_errors(
    actual: np.ndarray,
    predicted: np.ndarray,
    weights: np.ndarray,
    coverage: float,
    ids: np.ndarray | None = None,
) -> CoverageErrors:
    ids = np.arange(len(actual)) if ids is None else ids
    poor = selected_below(actual, weights, coverage, ids)
    chosen = selected_below(predicted, weights, coverage, ids)
    missed = weights[poor & ~chosen].sum() / max(weights[poor].sum(), 1e-300)
    leaked = weights[chosen & ~poor].sum() / max(weights[chosen].sum(), 1e-300)
    return CoverageErrors(coverage, float(missed), float(leaked))


def weighted_ranks(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mid-ranks on the cumulative-weight scale (ties share their average)."""
    order = np.argsort(values, kind="stable")
    sorted_values, sorted_weights = values[order], weights[order]
    cumulative = np.cumsum(sorted_weights)
    mid = cumulative - sorted_weights / 2
    starts = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    group = np.cumsum(starts) - 1
    sums = np.bincount(group, weights=mid * sorted_weights)
    totals = np.bincount(group, weights=sorted_weights)
    ranks = np.empty(len(values))
    ranks[order] = (sums / np.maximum(totals, 1e-300))[group]
    return ranks


def weighted_correlation(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    w = weights / weights.sum()
    mx, my = (w * x).sum(), (w * y).sum()
    cov = (w * (x - mx) * (y - my)).sum()
    sd = np.sqrt((w * (x - mx) ** 2).sum() * (w * (y - my) ** 2).sum())
    return float(cov / sd) if sd > 0 else 0.0


def measure(
    actual: np.ndarray,
    predicted: np.ndarray,
    weights: np.ndarray | None = None,
    coverages: Sequence[float] = COVERAGES,
    ids: np.ndarray | None = None,
) -> Metrics:
    """R², Spearman correlation and targeting errors of ``predicted`` against ``actual`` (both log
    per-capita welfare), weighted by ``weights`` (people × survey weight; default: every unit once)."""
    weights = np.ones(len(actual)) if weights is None else np.asarray(weights, dtype=float)
    w = weights / weights.sum()
    mean = (w * actual).sum()
    r2 = 1 - (w * (actual - predicted) ** 2).sum() / max((w * (actual - mean) ** 2).sum(), 1e-300)
    spearman = weighted_correlation(
        weighted_ranks(actual, weights), weighted_ranks(predicted, weights), weights
    )
    errors = tuple(targeting_errors(actual, predicted, weights, c, ids) for c in coverages)
    return Metrics(float(r2), spearman, errors, len(actual))


# --- The poverty curve ----------------------------------------------------------------------------

PERCENTILES = 100


def isotonic_decreasing(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted least-squares non-increasing fit of ``values`` (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, length]
    for value, weight in zip(values.tolist(), weights.tolist(), strict=True):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            mean, weight_, length = blocks.pop()
            last = blocks[-1]
            total = last[1] + weight_
            last[0] = (last[0] * last[1] + mean * weight_) / total if total > 0 else (last[0] + mean) / 2
            last[1], last[2] = total, last[2] + length
    return np.concatenate([np.full(int(length), mean) for mean, _w, length in blocks]) if blocks else values


def poverty_curve(
    observed: np.ndarray,
    predicted: np.ndarray,
    poverty_line: np.ndarray,
    weights: np.ndarray,
    people: np.ndarray,
    ids: np.ndarray,
) -> np.ndarray:
    """The probability of being poor at each predicted national percentile (index 0 = percentile 1).

    Survey households are put in percentiles of their (out-of-fold) ``predicted`` welfare by the decile
    rule with 100 groups over ``people`` weights; in each percentile the share of households (``weights``:
    households represented) whose ``observed`` welfare is below their ``poverty_line`` (both logs) is the
    raw probability; a weighted non-increasing fit smooths it, and percentiles no survey household fell in
    take the value interpolated between their neighbours."""
    order = np.lexsort((ids, predicted))
    before = np.cumsum(people[order]) - people[order]
    percentile = np.empty(len(order), dtype=np.int64)
    percentile[order] = (PERCENTILES * before) // max(float(people.sum()), 1e-300)
    percentile = np.clip(percentile, 0, PERCENTILES - 1)
    poor = (observed < poverty_line).astype(float)
    mass = np.bincount(percentile, weights=weights, minlength=PERCENTILES)
    hits = np.bincount(percentile, weights=weights * poor, minlength=PERCENTILES)
    occupied = np.flatnonzero(mass > 0)
    if len(occupied) == 0:
        return np.zeros(PERCENTILES)
    fitted = isotonic_decreasing(hits[occupied] / mass[occupied], mass[occupied])
    return np.interp(np.arange(PERCENTILES), occupied, fitted)


# --- What a ranking holds --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelInfo:
    id: UUID
    version: str
    spec_name: str
    kind: ModelKind
    created_at: datetime
    training_fingerprint: str
    metrics: dict[str, Any]  # JSON, as stored


@dataclass(frozen=True)
class RunInfo:
    id: UUID
    model_version: str
    ranked_at: datetime
    reference_date: date
    snapshot_at: datetime
    backend: str
    households: int
    persons: int
    previous_run_id: UUID | None = None


@dataclass(frozen=True)
class HouseholdRank:
    household_id: UUID
    run: RunInfo
    score: float
    national_percentile: int
    national_decile: int
    household_decile: int
    province_decile: int
    regency_decile: int
    village_code: str


@dataclass(frozen=True)
class Contribution:
    """How much one proxy moved the score away from the average household's (log points)."""

    proxy: str
    group: str
    label: str  # "Lantai: Tanah", "Floor: Earth"
    value: str  # the household's answer, in words
    contribution: float

    @property
    def percent(self) -> float:
        """The contribution as a change of predicted consumption, in per cent."""
        return float(np.expm1(self.contribution) * 100)

    def describe(self) -> str:
        """One line for a person: "Lantai = Tanah: −0.12" (a typographic minus, as in print)."""
        amount = f"{self.contribution:+.2f}".replace("-", "\u2212")
        return f"{self.label} = {self.value}: {amount}"


@dataclass(frozen=True)
class Explanation:
    rank: HouseholdRank
    baseline: float  # the score of an average household (training mean, or the trees' expected value)
    contributions: tuple[Contribution, ...] = field(default_factory=tuple)  # largest effect first
    data_changed: bool = False  # the household's data now differs from what was ranked

    @property
    def score(self) -> float:
        return self.baseline + sum(c.contribution for c in self.contributions)


@dataclass(frozen=True)
class Movement:
    """Decile moves between two rankings: ``matrix[a - 1][b - 1]`` households went from decile a to b."""

    from_run: UUID
    to_run: UUID
    matrix: tuple[tuple[int, ...], ...]
    entered: int  # ranked now, not before
    left: int  # ranked before, not now

    @property
    def stayed(self) -> int:
        return sum(self.matrix[i][i] for i in range(DECILES))

    @property
    def moved_up(self) -> int:
        """Households now in a richer decile."""
        return sum(self.matrix[a][b] for a in range(DECILES) for b in range(DECILES) if b > a)

    @property
    def moved_down(self) -> int:
        return sum(self.matrix[a][b] for a in range(DECILES) for b in range(DECILES) if b < a)
