"""One block of households and their people, as NumPy arrays: the numeric heart of the generator.

:func:`simulate` places households (regency → urban/rural → village), draws welfare, composition, dwelling,
assets, every person's answers, programmes and PPKS truth, in that order. The pilot run
(:mod:`inklusi.synth.pilot`) calls it with ``Calibration.fitting`` on to fit cut-points; chunks call it with
the frozen calibration. Strings (names, ids, NIK, addresses) are added later by :mod:`inklusi.synth.chunks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inklusi.synth import assets as assets_module
from inklusi.synth import health, housing, protection, schooling, vulnerability, welfare, work
from inklusi.synth.composition import Composition, compose
from inklusi.synth.names import draw_religion
from inklusi.synth.regions import Geography
from inklusi.synth.sampling import Calibration, Rng, categorical

Frame = dict[str, np.ndarray]
JAVA_BALI = ("31", "32", "33", "34", "35", "36", "51")
METROPOLITAN = ("31", "21")


@dataclass
class Simulated:
    households: Frame
    persons: Frame
    families: Frame
    composition: Composition
    truth: Frame = field(default_factory=dict)


def draw_villages(rng: Rng, geography: Geography, regency: np.ndarray, urban: np.ndarray) -> np.ndarray:
    """A village of the regency (kelurahan for urban households where there are any), by village size."""
    kind = urban.astype(np.int64)
    start, end = geography.group_start[regency, kind], geography.group_end[regency, kind]
    other = 1 - kind
    empty = start == end
    start = np.where(empty, geography.group_start[regency, other], start)
    end = np.where(empty, geography.group_end[regency, other], end)
    low, high = geography.village_cumulative[start], geography.village_cumulative[end]
    target = low + rng.random(len(regency)) * (high - low)
    position = np.searchsorted(geography.village_cumulative, target, side="right") - 1
    return geography.village_order[position.clip(start, end - 1)]


def simulate(
    rng: Rng,
    calibration: Calibration,
    geography: Geography,
    regency: np.ndarray,
    weight: np.ndarray | None = None,
    urban: np.ndarray | None = None,
    urban_probability: np.ndarray | None = None,
) -> Simulated:
    """Households in ``regency``; ``urban`` forces the stratum (pilot), else it is drawn per household with
    ``urban_probability`` per regency (default: the regency's share of urban people)."""
    provinces = geography.provinces
    n = len(regency)
    province = geography.regency_province[regency]
    community = rng.random(n) < geography.regency_remote_share[regency]
    if urban is None:
        odds = geography.regency_urban_probability if urban_probability is None else urban_probability
        urban = (rng.random(n) < odds[regency]) & ~community
    village = draw_villages(rng, geography, regency, urban)
    z = rng.normal(0.0, 1.0, n) - 0.8 * community
    comp = compose(rng, z, provinces.fertility[province], urban)
    size = comp.size
    if weight is None:
        weight = np.ones(n)
    mu = welfare.levels(calibration, provinces, province, urban, z, size)
    log_pc = welfare.log_consumption(mu, welfare.spreads(provinces), province, urban, z)
    level = welfare.welfare_scale(log_pc)
    per_capita = np.exp(log_pc)
    poor = per_capita < welfare.poverty_lines(urban)
    group = categorical(rng, provinces.name_mix[province])
    muslim = draw_religion(rng, group)
    h = comp.person_household
    adults = np.bincount(h, weights=(comp.age >= 18).astype(float), minlength=n)
    province_code = provinces.code[province]
    hh: Frame = {
        "regency": regency,
        "province": province,
        "village": village,
        "urban": urban,
        "remote_community": community,
        "welfare_index": z,
        "welfare": level,
        "consumption_per_capita": per_capita,
        "poor": poor,
        "weight": weight,
        "size": size,
        "families": comp.families,
        "adults": adults,
        "group": group,
        "muslim": muslim,
        "remoteness": provinces.remoteness[province] + 1.5 * community,
        "timber_share": provinces.timber_share[province],
        "firewood_shift": provinces.firewood_shift[province],
        "kerosene_shift": provinces.kerosene_shift[province],
        "metropolitan": np.isin(province_code, METROPOLITAN).astype(float),
        "java_bali": np.isin(province_code, JAVA_BALI),
    }
    dwelling = housing.dwelling(rng, calibration, hh)
    hh.update(dwelling)
    hh.update(assets_module.assets(rng, calibration, hh, dwelling))

    pp = person_frame(comp, hh, provinces)
    pp.update(health.difficulties(rng, calibration, pp))
    pp["severe_difficulty"] = health.severe_difficulty(pp)
    pp.update(schooling.schooling(rng, calibration, pp))
    pp.update(work.work(rng, calibration, pp))
    pp["chronic_illness"] = health.chronic_illness(rng, calibration, pp)
    truth = vulnerability.vulnerability(rng, calibration, pp)

    family_offset = np.cumsum(comp.families) - comp.families
    pp["family"] = family_offset[h] + comp.family_number
    total_families = int(comp.families.sum())
    fam = protection.family_frame(pp, total_families)
    family_household = np.repeat(np.arange(n), comp.families)
    fam_hh = {key: hh[key][family_household] for key in ("welfare", "weight", "urban")}
    pp["health_insurance"] = protection.health_insurance(rng, calibration, pp, fam, fam_hh)
    pp.update({f"programme_{k}": v for k, v in protection.person_programmes(rng, calibration, pp).items()})
    fam_dwelling = {key: hh[key][family_household] for key in ("electricity_power", "cooking_fuel")}
    family_programmes = protection.family_programmes(rng, calibration, fam, fam_hh, fam_dwelling)
    fam.update({f"programme_{k}": v for k, v in family_programmes.items()})
    fam["household"] = family_household
    return Simulated(households=hh, persons=pp, families=fam, composition=comp, truth=truth)


def person_frame(comp: Composition, hh: Frame, provinces) -> Frame:
    h = comp.person_household
    province = hh["province"][h]
    return {
        "household": h,
        "age": comp.age,
        "sex": comp.sex,
        "role": comp.role,
        "relationship": comp.relationship,
        "marital_status": comp.marital_status,
        "birth_order": comp.birth_order,
        "family_slot": comp.family_slot,
        "welfare": hh["welfare"][h],
        "urban": hh["urban"][h].astype(float),
        "weight": hh["weight"][h],
        "remoteness": hh["remoteness"][h],
        "remote_community": hh["remote_community"][h],
        "poor": hh["poor"][h],
        "household_size": hh["size"][h],
        "province_code": provinces.code[province],
        "hiv_factor": provinces.hiv_factor[province],
        "drug_factor": provinces.drug_factor[province],
    }
