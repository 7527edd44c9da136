"""Social protection: JKN health insurance (Regsosek 431a, a sum of flags), individual programmes (431b-e)
and family programmes (501a-g).

Coverage follows BPJS Kesehatan March 2024 (95.7 % insured; PBI 139.3 M of 269.5 M members, so about 49.5 % of
people are PBI): PBI is a family-level draw targeted on welfare with realistic leakage; families with an
employee or civil servant are covered by their employer (flag 4); most others pay themselves (flag 2).
Programme coverage targets (PKH ~10 M families, BPNT/Sembako ~18.8 M, …) are stated in docs/synthetic-data.md.
"""

from __future__ import annotations

import numpy as np

from inklusi.synth.sampling import Calibration, Rng

Frame = dict[str, np.ndarray]

PBI_SHARE = 0.495
UNINSURED_SHARE = 0.043
FAMILY_PROGRAMMES = {  # key: (share of families, welfare slope)
    "pkh": (0.106, -1.8),
    "bpnt": (0.20, -1.6),
    "regional_aid": (0.05, -1.0),
}


def family_frame(pp: Frame, families: int) -> Frame:
    """Per-family sums over members that programmes and insurance look at."""
    family = pp["family"]

    def anyone(mask: np.ndarray) -> np.ndarray:
        return np.bincount(family, weights=mask.astype(float), minlength=families) > 0

    age = pp["age"]
    return {
        "size": np.bincount(family, minlength=families),
        "child": anyone(age < 18),
        "student": anyone(pp["school_participation"] == 2),
        "elderly": anyone(age >= 60),
        "disabled": anyone(pp["severe_difficulty"]),
        "wage_earner": anyone(np.isin(pp["employment_status"], (4, 5))),
        "farmer": anyone((pp["industry"] >= 1) & (pp["industry"] <= 6)),
        "pregnant_or_toddler": anyone(age < 5),
    }


def health_insurance(
    rng: Rng, calibration: Calibration, pp: Frame, fam: Frame, family_household: Frame
) -> np.ndarray:
    level, weight = family_household["welfare"], family_household["weight"] * fam["size"]
    n = len(level)
    pbi = calibration.binary(rng, "insurance.pbi", -1.5 * level, PBI_SHARE, weight)
    employer = ~pbi & fam["wage_earner"] & (rng.random(n) < 0.88)
    rest = ~pbi & ~employer
    share_rest = float(np.average(rest, weights=weight)) if len(rest) else 1.0
    uninsured = np.zeros(n, dtype=bool)
    uninsured[rest] = calibration.binary(
        rng,
        "insurance.none",
        -0.8 * level[rest],
        min(UNINSURED_SHARE / max(share_rest, 1e-9), 0.9),
        weight[rest],
    )
    private = calibration.binary(rng, "insurance.private", 2.5 * level, 0.02, weight)
    flags = (
        np.where(pbi, 1, 0)
        + np.where(employer, 4, 0)
        + np.where(rest & ~uninsured, 2, 0)
        + np.where(private, 8, 0)
    )
    person = flags[pp["family"]]
    newborn_unregistered = (pp["age"] < 1) & (rng.random(len(person)) < 0.2)
    person = np.where(newborn_unregistered, 0, person)
    return np.where(rng.random(len(person)) < 0.003, 99, person)


def person_programmes(rng: Rng, calibration: Calibration, pp: Frame) -> Frame:
    """One boolean column per person programme key."""
    age, level, weight = pp["age"], pp["welfare"], pp["weight"]
    student = (pp["school_participation"] == 2) & (age >= 6) & (age <= 21)
    business = np.isin(pp["employment_status"], (1, 2, 3))
    adult = (age >= 18) & (age < 65) & ~student
    out = {}
    for key, eligible, share, linear in (
        ("pip", student, 0.33, -1.6 * level),
        ("prakerja", adult, 0.006, -0.2 * level + 1.0 * (pp["worked_last_week"] == 2)),
        ("kur", business, 0.05, 0.3 * level),
        ("umi", business, 0.025, -0.3 * level),
    ):
        chosen = np.zeros(len(age), dtype=bool)
        chosen[eligible] = calibration.binary(
            rng, f"programme.{key}", linear[eligible], share, weight[eligible]
        )
        out[key] = chosen
    return out


def family_programmes(
    rng: Rng, calibration: Calibration, fam: Frame, family_household: Frame, dwelling: Frame
) -> Frame:
    """One boolean column per family programme key; ``dwelling`` columns are indexed per family here."""
    level, weight = family_household["welfare"], family_household["weight"]
    rural = ~family_household["urban"].astype(bool)
    out = {}
    for key, (share, slope) in FAMILY_PROGRAMMES.items():
        linear = slope * level
        if key == "pkh":
            linear = linear + 1.5 * (
                fam["child"] | fam["elderly"] | fam["disabled"] | fam["pregnant_or_toddler"]
            )
        out[key] = calibration.binary(rng, f"programme.{key}", linear, share, weight)
    blt = np.zeros(len(level), dtype=bool)
    blt[rural] = calibration.binary(rng, "programme.blt_desa", -1.5 * level[rural], 0.065, weight[rural])
    out["blt_desa"] = blt
    power = dwelling["electricity_power"]
    subsidised_900 = calibration.binary(rng, "programme.subsidy_900", -1.5 * level, 0.3, weight)
    out["electricity_subsidy"] = (power == 1) | ((power == 2) & subsidised_900)
    out["fertiliser_subsidy"] = fam["farmer"] & (rng.random(len(level)) < 0.55)
    out["lpg_subsidy"] = (dwelling["cooking_fuel"] == 4) & (rng.random(len(level)) < 0.9)
    return out
