"""Functional difficulty (Washington Group items of Regsosek 428, codes 1 cannot at all … 4 none) and
chronic illness (430).

Difficulty is calibrated per age group to SUPAS 2015 (Kemensos via Tempo): moderate / severe disability
4.35 / 1.27 % at ages 2-6, 1.63 / 0.45 % at 7-18, 5.87 / 0.89 % at 19-59 and 45.8 / 12.4 % at 60+. Here
"moderate" means the worst domain is *some difficulty* (3) and "severe" that it is *a lot* (2) or *cannot at
all* (1) — the WG disability cut-off. Affected domains and their number follow age. Chronic illness shares
by age are assumptions (see docs/synthetic-data.md).
"""

from __future__ import annotations

import numpy as np

from inklusi.registry.model import WASHINGTON_GROUP_FIELDS
from inklusi.synth.sampling import Calibration, Rng, categorical

Frame = dict[str, np.ndarray]

# (low age, high age, share with any difficulty, share severe among those)
DIFFICULTY_GROUPS = (
    (2, 7, 0.0562, 1.27 / 5.62),
    (7, 19, 0.0208, 0.45 / 2.08),
    (19, 60, 0.0676, 0.89 / 6.76),
    (60, 200, 0.5818, 12.42 / 58.18),
)
# Domain order = WASHINGTON_GROUP_FIELDS: seeing, hearing, walking, remembering, self-care, communicating
DOMAIN_WEIGHTS_CHILD = np.array([0.15, 0.10, 0.20, 0.25, 0.10, 0.20])
DOMAIN_WEIGHTS_ADULT = np.array([0.30, 0.15, 0.25, 0.15, 0.07, 0.08])
DOMAIN_WEIGHTS_ELDER = np.array([0.25, 0.15, 0.30, 0.15, 0.08, 0.07])
FROM_AGE_FIVE = np.array([False, False, False, True, True, True])  # 428g-i are asked from age 5

CHRONIC_GROUPS = ((0, 15, 0.02), (15, 40, 0.05), (40, 60, 0.20), (60, 200, 0.42))
CHRONIC_YOUNG = (np.array([4, 18, 7, 15, 5, 11]), (0.5, 0.28, 0.1, 0.05, 0.05, 0.02))
CHRONIC_ADULT = (
    np.array([2, 3, 6, 13, 5, 4, 8, 7, 9, 10, 14, 16, 17, 18]),
    (0.40, 0.14, 0.12, 0.08, 0.07, 0.05, 0.04, 0.02, 0.015, 0.01, 0.005, 0.002, 0.008, 0.04),
)


def difficulties(rng: Rng, calibration: Calibration, pp: Frame) -> Frame:
    """Six ``difficulty_*`` columns (0 = not asked: under 2, or under 5 for items g-i)."""
    age, level, weight = pp["age"], pp["welfare"], pp["weight"]
    n = len(age)
    worst = np.full(n, 4)
    for low, high, any_share, severe_share in DIFFICULTY_GROUPS:
        band = np.flatnonzero((age >= low) & (age < high))
        gradient = np.interp(age[band], [low, (low + min(high, 95)) / 2, min(high, 95)], [-0.5, 0.0, 1.2])
        affected = calibration.binary(
            rng, f"difficulty.any.{low}", gradient - 0.25 * level[band], any_share, weight[band]
        )
        rows = band[affected]
        severe = calibration.binary(
            rng, f"difficulty.severe.{low}", gradient[affected], severe_share, weight[rows]
        )
        worst[rows] = np.where(severe, np.where(rng.random(len(rows)) < 0.25, 1, 2), 3)
    answers = np.full((n, 6), 4)
    rows = np.flatnonzero(worst < 4)
    if len(rows):
        weights = np.where(
            (age[rows] < 19)[:, None],
            DOMAIN_WEIGHTS_CHILD,
            np.where((age[rows] >= 60)[:, None], DOMAIN_WEIGHTS_ELDER, DOMAIN_WEIGHTS_ADULT),
        )
        weights = np.where((age[rows] < 5)[:, None] & FROM_AGE_FIVE[None, :], 0.0, weights)
        keys = np.log(weights + 1e-300) + rng.gumbel(size=weights.shape)
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)  # 0 = the main domain
        count = 1 + rng.poisson(0.3 + 0.6 * (age[rows] >= 70))
        levels = worst[rows][:, None] + (rng.random(weights.shape) * (4 - worst[rows][:, None])).astype(int)
        levels = np.where(rank == 0, worst[rows][:, None], levels.clip(1, 3))
        answers[rows] = np.where((rank < count[:, None]) & (weights > 0), levels, 4)
    answers[age < 2] = 0
    answers[(age < 5)[:, None] & FROM_AGE_FIVE[None, :]] = 0
    return {name: answers[:, i] for i, name in enumerate(WASHINGTON_GROUP_FIELDS)}


def severe_difficulty(columns: Frame) -> np.ndarray:
    """The WG cut-off: any domain *a lot of difficulty* (2) or *cannot do at all* (1)."""
    stacked = np.stack([columns[name] for name in WASHINGTON_GROUP_FIELDS], axis=1)
    return ((stacked == 1) | (stacked == 2)).any(axis=1)


def chronic_illness(rng: Rng, calibration: Calibration, pp: Frame) -> np.ndarray:
    age, weight = pp["age"], pp["weight"]
    n = len(age)
    illness = np.ones(n, dtype=np.int64)
    for low, high, share in CHRONIC_GROUPS:
        band = np.flatnonzero((age >= low) & (age < high))
        gradient = np.interp(age[band], [low, min(high, 95)], [-0.5, 0.8]) + 0.1 * pp["welfare"][band]
        ill = band[calibration.binary(rng, f"chronic.{low}", gradient, share, weight[band])]
        codes, shares = CHRONIC_YOUNG if low < 15 else CHRONIC_ADULT
        illness[ill] = codes[categorical(rng, shares, len(ill))]
    return illness
