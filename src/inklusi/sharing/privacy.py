"""Differentially private count tables and the privacy budget. Pure: numpy, OpenDP and the disclosure
module; the only module of Inklusi that imports ``opendp`` (``docs/sharing-releases.md``).

A released table counts *units* (persons or households, as its :class:`TableDefinition` says) by area
(rows) and a category (columns). Its privacy rests on two protections applied in one order:

1. **noise** (:func:`noisy_counts`): every cell gets discrete Laplace noise from OpenDP's
   ``make_laplace`` over the vector of cells, at the scale that makes the whole vector ``epsilon``-DP for
   the table's sensitivity: the number of cells one unit can be counted in (:attr:`TableDefinition.
   cells_per_unit`; a household is in one area and one decile: 1; a person is in one area but may be
   flagged in several categories: as many as the table has). Negative counts are set to 0 (post-processing:
   it costs no privacy). Totals are the sums of the noisy cells, so they add up and cost nothing more.
   A noisy cell below its threshold is then published as 0, and so is a row or column whose noisy sum
   is below its threshold (:func:`below_threshold_to_zero`, post-processing too).
2. **suppression** (:func:`release`): :func:`inklusi.disclosure.protect` on the *true* counts (primary:
   ``1 <= count < threshold``; complementary: no suppressed entry recoverable from the margins). So no
   published entry has a true or a published count in ``1 .. threshold - 1``.

The accuracy stated beside a table is OpenDP's ``discrete_laplacian_scale_to_accuracy``: the half-width of
the interval that holds a cell's noise with probability 95 %.

:class:`Budget` is the ledger's arithmetic, in thousandths of epsilon (whole numbers, so that the sum of
what was spent is exact): a release that would take the spent amount past the budget is refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import opendp.prelude as dp
from opendp.accuracy import discrete_laplacian_scale_to_accuracy

from inklusi.disclosure import protect, with_margins
from inklusi.errors import Conflict, Invalid, Issue
from inklusi.i18n import msg

dp.enable_features("contrib")

ALPHA = 0.05
"""The accuracy is the half-width of the interval that holds a cell's noise with probability 1 - ALPHA."""
MILLI = 1000
"""Epsilon is given and kept in thousandths."""
MAX_EPSILON_MILLI = 10 * MILLI

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Unit(StrEnum):
    """What a table counts."""

    person = "person"
    household = "household"


@dataclass(frozen=True)
class TableDefinition:
    """A kind of table: what it counts and in how many of its cells one unit can be at most.

    ``cells_per_unit`` is the table's L1 sensitivity when one unit is added or taken away: 1 when each unit
    is in exactly one cell (a household in one area and one decile); for a person who may hold several of
    the table's categories, ``None``: as many cells as the table has columns (:meth:`sensitivity`)."""

    dataset: str
    unit: Unit
    cells_per_unit: int | None
    budget_milli: int  # the total epsilon (thousandths) of all releases per agreement (or public)

    def sensitivity(self, columns: int) -> int:
        return max(1, columns if self.cells_per_unit is None else self.cells_per_unit)


@dataclass(frozen=True)
class Noisy:
    """Counts with noise: ``values`` (non-negative whole numbers), the noise's ``scale``, its ``accuracy``
    (95 % half-width per cell) and the ``epsilon`` OpenDP's privacy map gives for the sensitivity."""

    values: IntArray
    scale: float
    accuracy: int
    epsilon: float


@dataclass(frozen=True)
class Released:
    """A table ready to publish: ``values`` the noisy counts with totals (the extended shape of
    :func:`inklusi.disclosure.with_margins`), ``suppressed`` the entries not shown, and the noise."""

    values: IntArray
    suppressed: BoolArray
    scale: float
    accuracy: int
    epsilon: float
    sensitivity: int

    def published(self) -> list[list[int | None]]:
        """The entries as shown: ``None`` where suppressed (never the noisy value behind it)."""
        return [
            [None if hidden else int(value) for value, hidden in zip(row, mask, strict=True)]
            for row, mask in zip(self.values.tolist(), self.suppressed.tolist(), strict=True)
        ]


def epsilon_milli(epsilon: float, field: str = "epsilon") -> int:
    """Epsilon as thousandths: more than 0, at most 10, at most three decimals."""
    milli = round(epsilon * MILLI) if math.isfinite(epsilon) else 0
    if not 0 < milli <= MAX_EPSILON_MILLI or abs(milli - epsilon * MILLI) > 1e-6:
        text = msg("Epsilon is a number more than 0 and at most 10, with at most three decimals")
        raise Invalid(text, [Issue(field, "invalid", text)])
    return milli


def _measurement(size: int, scale: float) -> dp.Measurement:
    space = dp.vector_domain(dp.atom_domain(T=int), size=size), dp.l1_distance(T=int)
    return dp.m.make_laplace(*space, scale=scale)


def scale_for(epsilon: float, sensitivity: int, size: int = 1) -> float:
    """The smallest noise scale OpenDP accepts as ``epsilon``-DP for a vector of ``size`` cells whose L1
    distance between neighbours is at most ``sensitivity``."""
    scale = dp.binary_search_param(lambda s: _measurement(size, s), d_in=sensitivity, d_out=float(epsilon))
    return float(scale)


def accuracy_of(scale: float, alpha: float = ALPHA) -> int:
    """The half-width of the interval holding a cell's noise with probability at least ``1 - alpha``: the
    noise is a whole number, so OpenDP's bound is taken down to one."""
    return math.floor(discrete_laplacian_scale_to_accuracy(scale, alpha))


def laplace_noise(counts: IntArray, scale: float) -> IntArray:
    """``counts`` plus discrete Laplace noise of ``scale`` from OpenDP (no clamping: for tests too)."""
    flat = [int(v) for v in np.asarray(counts, dtype=np.int64).ravel()]
    noisy = _measurement(len(flat), scale)(flat)
    return np.asarray(noisy, dtype=np.int64).reshape(np.shape(counts))


def noisy_counts(counts: npt.ArrayLike, *, epsilon: float, sensitivity: int) -> Noisy:
    """The counts made ``epsilon``-DP (one OpenDP measurement over every cell), negative ones set to 0."""
    values = np.asarray(counts, dtype=np.int64)
    if values.size == 0 or (values < 0).any():
        text = msg("A table of counts needs at least one cell and no negative count")
        raise Invalid(text, [Issue("counts", "invalid", text)])
    scale = scale_for(epsilon, sensitivity, values.size)
    spent = float(_measurement(values.size, scale).map(d_in=sensitivity))
    noisy = np.maximum(laplace_noise(values, scale), 0)
    return Noisy(noisy, scale, accuracy_of(scale), spent)


def release(
    counts: npt.ArrayLike, thresholds: npt.ArrayLike, *, epsilon: float, sensitivity: int
) -> Released:
    """Noise every cell and take small noisy figures down to 0, then suppress on the true counts; see the
    module's description. ``counts``: areas x categories; ``thresholds`` broadcast to them."""
    true = np.asarray(counts, dtype=np.int64)
    if true.ndim != 2:
        text = msg("A released table has two axes: areas and categories")
        raise Invalid(text, [Issue("counts", "invalid", text)])
    limits = np.broadcast_to(np.asarray(thresholds, dtype=np.int64), true.shape)
    noisy = noisy_counts(true, epsilon=epsilon, sensitivity=sensitivity)
    shown = with_margins(below_threshold_to_zero(noisy.values, limits))
    protection = protect(true, limits)
    return Released(shown, protection.suppressed, noisy.scale, noisy.accuracy, noisy.epsilon, sensitivity)


def below_threshold_to_zero(cells: IntArray, limits: IntArray) -> IntArray:
    """Noisy cells below their threshold become 0, and so do whole rows and columns whose sum is below
    the largest threshold of their cells, until none is left: then no cell and no total is in ``1 ..
    threshold - 1``. It reads the noisy counts only (post-processing: no privacy spent)."""
    out = np.where(cells < limits, 0, cells)
    while True:
        changed = False
        for axis in (0, 1):
            sums = out.sum(axis=axis, keepdims=True)
            small = (sums >= 1) & (sums < limits.max(axis=axis, keepdims=True))
            if small.any():
                out = np.where(np.broadcast_to(small, out.shape), 0, out)
                changed = True
        if not changed:
            return out


@dataclass(frozen=True)
class Budget:
    """One ledger line: the ``total`` epsilon a dataset may spend for an agreement (or in public
    releases) and what it has ``spent``, both in thousandths. :meth:`spend` never goes past the total."""

    dataset: str
    total: int
    spent: int

    @property
    def left(self) -> int:
        return self.total - self.spent

    def spend(self, asked: int) -> Budget:
        if asked <= 0:
            text = msg("Epsilon is a number more than 0 and at most 10, with at most three decimals")
            raise Invalid(text, [Issue("epsilon", "invalid", text)])
        if self.spent + asked > self.total:
            text = msg(
                "The privacy budget of {dataset} would be exceeded: budget {budget}, spent {spent}, "
                "asked {asked} (epsilon)",
                dataset=self.dataset,
                budget=as_epsilon(self.total),
                spent=as_epsilon(self.spent),
                asked=as_epsilon(asked),
            )
            raise Conflict(text, [Issue("epsilon", "budget.exceeded", text)])
        return Budget(self.dataset, self.total, self.spent + asked)


def as_epsilon(milli: int) -> str:
    """Thousandths of epsilon as text: 1500 -> "1.5"."""
    return f"{milli / MILLI:.3f}".rstrip("0").rstrip(".")


def thresholds_by_column(limits: Sequence[int]) -> IntArray:
    """Per-column thresholds as a row to broadcast over the areas."""
    return np.asarray(limits, dtype=np.int64)[None, :]
