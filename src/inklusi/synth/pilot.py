"""The pilot population that calibrates a run, and the allocation of households to regencies.

The pilot has the same number of households in every province × urban/rural stratum, weighted to the
stratum's share of Indonesia's 2025 population; every cut-point and welfare level is fitted on it once, then
frozen. Households of the real run are allocated to regencies in proportion to population divided by the
province's mean household size (measured on the pilot), by largest remainders, so person counts follow
``penduduk_2025`` and the output is ordered by regency (which keeps NIK serials and Parquet row groups local).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from inklusi.synth.composition import compose
from inklusi.synth.config import SynthConfig
from inklusi.synth.population import simulate
from inklusi.synth.regions import Geography, geography
from inklusi.synth.sampling import Calibration

NATIONAL_POPULATION = 284_973_643


@dataclass(frozen=True)
class Model:
    config: SynthConfig
    geography: Geography
    calibration: Calibration
    regency_households: np.ndarray
    regency_first_household: np.ndarray
    mean_household_size: float
    district_weights: np.ndarray
    regency_urban_probability: np.ndarray  # per household: urban households are smaller than rural ones

    def regency_of(self, household_numbers: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.regency_first_household, household_numbers, side="right") - 1

    @property
    def households_represented(self) -> float:
        """How many real Indonesian households one synthetic household stands for."""
        return NATIONAL_POPULATION / self.mean_household_size / self.config.households


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    remainder = total - counts.sum()
    if remainder:
        counts[np.argsort(-(exact - counts), kind="stable")[:remainder]] += 1
    return counts


@dataclass(frozen=True)
class Pilot:
    """What the pilot population fixes for every run with the same seed and pilot size."""

    calibration: Calibration
    province_household_size: np.ndarray
    mean_household_size: float
    regency_urban_probability: np.ndarray  # per household: urban households are smaller than rural ones


@cache
def run_pilot(seed: int, per_stratum: int) -> Pilot:
    """Fit the calibration on the pilot population (cached per process: it takes a few seconds)."""
    geo = geography()
    provinces = geo.provinces
    rng = np.random.default_rng([seed, 0x5EED])
    regencies, urban_flags, stratum_weight, stratum_id = [], [], [], []
    for p in range(len(provinces.code)):
        inside = np.flatnonzero(geo.regency_province == p)
        for in_town in (False, True):
            share = provinces.urban_share[p] if in_town else 1 - provinces.urban_share[p]
            odds = geo.regency_urban_probability[inside]
            weights = geo.regency_population[inside] * (odds if in_town else 1 - odds)
            if share <= 0 or weights.sum() <= 0:
                continue
            regencies.append(rng.choice(inside, per_stratum, p=weights / weights.sum()))
            urban_flags.append(np.full(per_stratum, in_town))
            stratum_weight.append(np.full(per_stratum, provinces.population[p] * share))
            stratum_id.append(np.full(per_stratum, p * 2 + in_town))
    regency = np.concatenate(regencies)
    urban = np.concatenate(urban_flags)
    people = np.concatenate(stratum_weight)
    stratum = np.concatenate(stratum_id)
    province = geo.regency_province[regency]
    # Preliminary sizes turn people-weights into household weights (each stratum sums to its population).
    sizes = compose(rng, rng.normal(size=len(regency)), provinces.fertility[province], urban).size
    mean_size = np.bincount(stratum, weights=sizes) / np.maximum(np.bincount(stratum), 1)
    weight = people / per_stratum / mean_size[stratum]
    calibration = Calibration()
    pilot = simulate(rng, calibration, geo, regency, weight=weight, urban=urban)
    calibration.freeze()

    size = pilot.households["size"]
    strata = 2 * len(provinces.code)
    stratum_size = np.bincount(stratum, weights=size, minlength=strata) / np.maximum(
        np.bincount(stratum, minlength=strata), 1
    )
    rural, urban_mean = stratum_size[0::2], stratum_size[1::2]
    rural_size = np.where(rural > 0, rural, urban_mean)[geo.regency_province]
    urban_size = np.where(urban_mean > 0, urban_mean, rural)[geo.regency_province]
    people_odds = geo.regency_urban_probability
    household_odds = people_odds / urban_size / (people_odds / urban_size + (1 - people_odds) / rural_size)
    households_by_province = np.bincount(province, weights=weight, minlength=len(provinces.code))
    people_by_province = np.bincount(province, weights=weight * size, minlength=len(provinces.code))
    return Pilot(
        calibration=calibration,
        province_household_size=people_by_province / households_by_province,
        mean_household_size=float(people_by_province.sum() / households_by_province.sum()),
        regency_urban_probability=household_odds,
    )


def build_model(config: SynthConfig) -> Model:
    geo = geography()
    pilot = run_pilot(config.seed, config.pilot_households)
    regency_weights = geo.regency_population / pilot.province_household_size[geo.regency_province]
    counts = largest_remainder(config.households, regency_weights)
    district_regency_population = geo.regency_population[geo.district_regency]
    districts_per_regency = np.bincount(geo.district_regency, minlength=len(geo.regency_code))
    return Model(
        config=config,
        geography=geo,
        calibration=pilot.calibration,
        regency_households=counts,
        regency_first_household=np.r_[0, np.cumsum(counts)[:-1]],
        mean_household_size=pilot.mean_household_size,
        district_weights=district_regency_population / districts_per_regency[geo.district_regency],
        regency_urban_probability=pilot.regency_urban_probability,
    )
