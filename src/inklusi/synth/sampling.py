"""Vectorised random draws, and the calibration store that fits cut-points once on a pilot population.

Every modelled attribute follows one scheme: a linear predictor (welfare, age, region …) plus logistic noise
gives a score; the score is cut into categories at cut-points chosen so that, on the pilot population
(weighted like Indonesia), each category gets its target share. Chunks then reuse the frozen cut-points, so
the shares hold nationally while each household's answer still follows its own welfare and region.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

Rng = np.random.Generator


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order], dtype=np.float64)
    cumulative /= cumulative[-1]
    positions = np.searchsorted(cumulative, probabilities, side="left").clip(0, len(values) - 1)
    return values[order][positions]


def categorical(rng: Rng, probabilities: ArrayLike, size: int | None = None) -> np.ndarray:
    """Category index per row; ``probabilities`` is (K,) shared by all rows or (N, K), rows summing to 1."""
    table = np.asarray(probabilities, dtype=np.float64)
    if table.ndim == 1:
        cumulative = np.cumsum(table / table.sum())
        return np.searchsorted(cumulative, rng.random(size), side="right").clip(0, len(table) - 1)
    cumulative = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(table))[:, None]
    return (draws >= cumulative).sum(axis=1).clip(0, table.shape[1] - 1)


def weighted_pick(rng: Rng, cumulative_weights: np.ndarray, size: int) -> np.ndarray:
    """Indices into a list, drawn with the weights whose running sum is ``cumulative_weights``."""
    draws = rng.random(size) * cumulative_weights[-1]
    return np.searchsorted(cumulative_weights, draws, side="right").clip(0, len(cumulative_weights) - 1)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def ranks_within(groups: np.ndarray) -> np.ndarray:
    """0-based position of each row among earlier rows with the same group value (rows keep their order)."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.r_[0, np.flatnonzero(sorted_groups[1:] != sorted_groups[:-1]) + 1]
    run_lengths = np.diff(np.r_[starts, len(groups)])
    position = np.arange(len(groups)) - np.repeat(starts, run_lengths)
    ranks = np.empty(len(groups), dtype=np.int64)
    ranks[order] = position
    return ranks


class Calibration:
    """Parameters fitted on the pilot population (``fitting``) and then frozen for every chunk."""

    def __init__(self) -> None:
        self.values: dict[str, np.ndarray] = {}
        self.fitting = True

    def freeze(self) -> None:
        self.fitting = False

    def fitted(self, name: str, fit: Callable[[], np.ndarray]) -> np.ndarray:
        if name not in self.values:
            if not self.fitting:
                raise KeyError(f"{name} was not fitted on the pilot population")
            self.values[name] = np.asarray(fit(), dtype=np.float64)
        return self.values[name]

    def ordered(
        self,
        rng: Rng,
        name: str,
        linear: np.ndarray,
        shares: Sequence[float],
        weights: np.ndarray,
        noise: float = 1.0,
    ) -> np.ndarray:
        """Category 0..K-1, higher categories for higher scores; ``shares`` are the targets in that order."""
        score = linear + rng.logistic(size=len(linear)) * noise
        targets = np.cumsum(np.asarray(shares, dtype=np.float64))[:-1] / float(np.sum(shares))
        cuts = self.fitted(name, lambda: weighted_quantiles(score, weights, targets))
        return np.searchsorted(cuts, score, side="right")

    def binary(
        self, rng: Rng, name: str, linear: np.ndarray, share: float, weights: np.ndarray, noise: float = 1.0
    ) -> np.ndarray:
        """True for about ``share`` of the (weighted) pilot rows, more often where ``linear`` is high."""
        return self.ordered(rng, name, linear, (1.0 - share, share), weights, noise) == 1
