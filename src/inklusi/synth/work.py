"""Work last week (Regsosek 416a), industry (417, Susenas 19 codes) and status in the main job (418).

Calibrated to Sakernas August 2024: 67.2 % of people aged 15+ employed (labour force participation 70.63 %,
unemployment 4.91 %), 28.18 % of workers in agriculture, trade 18.89 %, manufacturing 13.83 %; the status
mix follows the Sakernas shares (employee 38.8 %, own-account 21.78 %, family worker 13.34 % …). Poorer,
rural and older workers farm more; richer workers are employees, civil servants and employers.
"""

from __future__ import annotations

import numpy as np

from inklusi.synth.sampling import Calibration, Rng, categorical

Frame = dict[str, np.ndarray]

EMPLOYED_SHARE_15_PLUS = 144.64 / 215.37
AGRICULTURE_SHARE = 0.2818
AGRICULTURE_CODES = np.array([1, 2, 3, 4, 5, 6])
AGRICULTURE_WEIGHTS = np.array([10.0, 3.0, 8.5, 2.8, 2.2, 1.7])
OTHER_CODES = np.array([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
OTHER_WEIGHTS = np.array([1.2, 15.5, 0.3, 6.5, 21.5, 7.0, 4.5, 0.8, 1.5, 4.6, 1.6, 7.0, 3.0])
OTHER_WELFARE_TILT = np.array([0.3, 0.0, 0.5, -0.3, -0.1, -0.1, 0.0, 0.9, 1.0, 0.8, 0.8, 0.5, -0.2])
# status codes 1..8 (418): own-account, employer temporary, employer permanent, employee, civil servant,
# casual agriculture, casual non-agriculture, family worker
STATUS_CODES = np.arange(1, 9)
STATUS_IN_AGRICULTURE = np.array([0.30, 0.30, 0.02, 0.07, 0.005, 0.155, 0.0, 0.15])
STATUS_ELSEWHERE = np.array([0.24, 0.10, 0.04, 0.42, 0.055, 0.0, 0.08, 0.065])
STATUS_WELFARE_TILT = np.array([0.0, 0.1, 0.9, 0.5, 0.9, -0.9, -0.7, -0.4])
STATUS_FEMALE_TILT = np.array([0.0, -0.3, -0.5, 0.0, 0.0, -0.3, -0.8, 0.9])


def _tilted(rng: Rng, base: np.ndarray, tilts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Categorical draw from ``base`` shares reweighted by exp(sum of tilt * covariate) per row."""
    n = len(tilts[0][1])
    logits = np.log(np.where(base > 0, base, 1e-12))[None, :].repeat(n, axis=0)
    for tilt, covariate in tilts:
        logits = logits + covariate[:, None] * tilt[None, :]
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities[:, base <= 0] = 0
    return categorical(rng, probabilities)


def work(rng: Rng, calibration: Calibration, pp: Frame) -> Frame:
    age, level, weight = pp["age"], pp["welfare"], pp["weight"]
    n = len(age)
    male = (pp["sex"] == 1).astype(float)
    student = (pp["school_participation"] == 2).astype(float)
    profile = np.interp(age, [15, 20, 25, 35, 50, 60, 70, 80], [-2.5, -0.8, 0.6, 1.0, 1.0, 0.3, -0.6, -1.8])
    adult = age >= 15
    linear = profile + 1.6 * male - 3.0 * student - 2.5 * pp["severe_difficulty"] - 0.1 * level
    worked = np.zeros(n, dtype=bool)
    worked[adult] = calibration.binary(
        rng, "work.adult", linear[adult], EMPLOYED_SHARE_15_PLUS, weight[adult], noise=1.0
    )
    child = (age >= 10) & (age < 15)
    worked[child] = calibration.binary(
        rng,
        "work.child",
        -1.0 * level[child] + 0.8 * (1 - pp["urban"][child]) - 2.0 * student[child],
        0.03,
        weight[child],
    )
    rural = 1 - pp["urban"]
    farm_linear = 2.2 * rural - 0.9 * level + 0.5 * pp["remoteness"] + 0.5 * (age > 50)
    farming = np.zeros(n, dtype=bool)
    farming[worked] = calibration.binary(
        rng, "work.agriculture", farm_linear[worked], AGRICULTURE_SHARE, weight[worked]
    )
    industry = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero(worked & farming)
    industry[rows] = AGRICULTURE_CODES[categorical(rng, AGRICULTURE_WEIGHTS, len(rows))]
    female = (pp["sex"] == 2).astype(float)
    if len(rows):
        status[rows] = STATUS_CODES[
            _tilted(
                rng,
                STATUS_IN_AGRICULTURE,
                [(STATUS_WELFARE_TILT, level[rows]), (STATUS_FEMALE_TILT, female[rows])],
            )
        ]
    rows = np.flatnonzero(worked & ~farming)
    if len(rows):
        industry[rows] = OTHER_CODES[_tilted(rng, OTHER_WEIGHTS, [(OTHER_WELFARE_TILT, level[rows])])]
        status[rows] = STATUS_CODES[
            _tilted(
                rng,
                STATUS_ELSEWHERE,
                [(STATUS_WELFARE_TILT, level[rows]), (STATUS_FEMALE_TILT, female[rows])],
            )
        ]
    asked = age >= 5
    return {
        "worked_last_week": np.where(asked, np.where(worked, 1, 2), 0),
        "industry": industry,
        "employment_status": status,
    }
