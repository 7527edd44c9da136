"""School participation (Regsosek 412) and highest certificate (415), for everyone aged 5 and over.

Enrolment falls with age and rises with welfare (calibrated per age band); the certificate of adults is an
ordered draw on welfare and birth cohort calibrated to Susenas March 2023 (no certificate 12.26 %, SD 24.62 %,
SMP 22.74 %, SMA/SMK 30.22 %, higher 10.15 % of people aged 15+), capped by what a person's age allows.
Level codes are then split into the Regsosek 23-code list (SD/MI/Paket A, SMP/MTs, SMA/SMK/MA …).
"""

from __future__ import annotations

import numpy as np

from inklusi.synth.sampling import Calibration, Rng, categorical

Frame = dict[str, np.ndarray]

NEVER, IN_SCHOOL, LEFT_SCHOOL = 1, 2, 3
NO_CERTIFICATE = 23
# none, SD, SMP, SMA/SMK, higher: drawn before the age caps, set so that after them the targets hold
LEVEL_SHARES = (10.5, 23.5, 18.5, 32.0, 15.5)
ENROLMENT = ((5, 7, 0.30), (7, 13, 0.985), (13, 16, 0.92), (16, 19, 0.72), (19, 25, 0.24))
LEVEL_CODES = {
    1: (np.array([3, 4, 1, 2]), (0.85, 0.12, 0.02, 0.01)),
    2: (np.array([8, 9, 6, 7]), (0.80, 0.17, 0.025, 0.005)),
    3: (np.array([13, 15, 14, 11, 12, 16, 17]), (0.49, 0.35, 0.12, 0.025, 0.003, 0.007, 0.005)),
    4: (np.array([18, 19, 20, 21, 22]), (0.22, 0.70, 0.01, 0.065, 0.005)),
}


def level_allowed_by_age(age: np.ndarray) -> np.ndarray:
    """The highest level someone of this age can have finished: SD at 12, SMP at 15, SMA at 18, D/S1 at 21."""
    return np.select([age < 12, age < 15, age < 18, age < 21], [0, 1, 2, 3], 4)


def schooling(rng: Rng, calibration: Calibration, pp: Frame) -> Frame:
    age, level, weight = pp["age"], pp["welfare"], pp["weight"]
    n = len(age)
    enrolled = np.zeros(n, dtype=bool)
    for low, high, share in ENROLMENT:
        band = (age >= low) & (age < high)
        if band.any() or calibration.fitting:
            linear = 1.2 * level[band] - 1.5 * pp["remoteness"][band] - 2.0 * pp["severe_difficulty"][band]
            enrolled[band] = calibration.binary(rng, f"school.enrolled.{low}", linear, share, weight[band])
    adult = age >= 15
    cohort = (
        -0.05 * (age - 40) - 0.9 * pp["remoteness"] - 0.4 * (1 - pp["urban"]) - 1.2 * pp["severe_difficulty"]
    )
    drawn = calibration.ordered(rng, "school.level", 1.3 * level + cohort, LEVEL_SHARES, weight, noise=1.2)
    allowed = level_allowed_by_age(age)
    attained = np.minimum(drawn, allowed)
    # Students hold the certificate of the level below the one they attend; children out of school left early.
    attained = np.where(enrolled, np.minimum(allowed, 3), attained)
    attained = np.where(~adult & ~enrolled, np.minimum(attained, np.maximum(allowed - 1, 0)), attained)
    never_share = np.where(age >= 60, 0.45, np.where(age >= 15, 0.25, 0.6))
    never = ~enrolled & (attained == 0) & (rng.random(n) < never_share)
    participation = np.where(enrolled, IN_SCHOOL, np.where(never, NEVER, LEFT_SCHOOL))
    participation = np.where(age >= 5, participation, 0)
    education = np.full(n, NO_CERTIFICATE)
    for value, (codes, shares) in LEVEL_CODES.items():
        rows = attained == value
        education[rows] = codes[categorical(rng, shares, int(rows.sum()))]
    education = np.where((participation == NEVER) | (age < 5), 0, education)
    return {"school_participation": participation, "education": education, "education_level": attained}


def certificate_level(education: np.ndarray) -> np.ndarray:
    """Collapse Regsosek certificate codes to 0 none, 1 SD, 2 SMP, 3 SMA/SMK, 4 higher education."""
    return np.select(
        [education <= 0, education <= 5, education <= 10, education <= 17, education <= 22],
        [0, 1, 2, 3, 4],
        0,
    )
