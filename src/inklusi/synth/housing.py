"""The dwelling (Regsosek block III): tenure, floor area, materials, water, light, fuel and sanitation.

Each answer follows welfare, urban/rural and the province's shifts (remoteness, timber houses, firewood and
kerosene regions) through the calibrated scheme of :mod:`inklusi.synth.sampling`; national shares are the
targets in ``docs/synthetic-data.md`` (Susenas where found, stated assumptions otherwise).
"""

from __future__ import annotations

import numpy as np

from inklusi.synth.sampling import Calibration, Rng, categorical, sigmoid

Frame = dict[str, np.ndarray]

# Ordered from worst to best; shares in the same order (percent of households).
FLOOR_CODES = np.array(
    [8, 7, 5, 6, 4, 2, 3, 1]
)  # earth, bamboo, wood, cement, tiles, ceramic, parquet, marble
FLOOR_SHARES = (4.3, 0.6, 3.0, 20.5, 6.5, 62.1, 1.0, 2.0)
WALL_CODES = np.array(
    [7, 6, 4, 5, 3, 2, 1]
)  # other, bamboo, woven bamboo, logs, wood, plastered bamboo, masonry
WALL_SHARES = (0.3, 1.0, 3.0, 0.5, 6.0, 1.5, 87.7)
ROOF_TIERS = (1.5, 0.2, 0.8, 0.2, 94.3, 3.0)  # thatch, bamboo, wood shingle, other, sheet/tile, concrete
ROOF_TIER_CODES = np.array([7, 5, 6, 8, 0, 1])  # 0: decided by region below
LIGHTING_CODES = np.array([4, 3, 2, 1])
LIGHTING_SHARES = (0.6, 1.4, 1.5, 96.5)
POWER_SHARES = (28.0, 42.0, 19.0, 7.0, 4.0)  # 450, 900, 1,300, 2,200, >2,200 VA
GAS_CODES = np.array([4, 2, 3, 5, 1])  # LPG 3 kg, 5.5 kg, 12 kg, city gas, electricity (by welfare)
GAS_SHARES = (82.0, 5.0, 11.0, 1.2, 0.8)


def dwelling(rng: Rng, calibration: Calibration, hh: Frame) -> Frame:
    n = len(hh["welfare"])
    level, urban, weight = hh["welfare"], hh["urban"].astype(float), hh["weight"]
    remote, community = hh["remoteness"], hh["remote_community"].astype(float)
    rural = 1.0 - urban
    out: Frame = {}

    renting = calibration.binary(
        rng, "tenure.rent", 1.6 * urban + 1.8 * hh["metropolitan"] + 0.25 * level, 0.0505, weight
    )
    other_tenure = np.array([1, 3, 4, 5])[categorical(rng, (89.4, 9.0, 0.9, 0.7), n)]
    out["tenure"] = np.where(renting, 2, other_tenure)
    area = np.exp(
        np.log(42.0) + 0.20 * level + 0.25 * np.log(hh["size"]) + 0.12 * rural + rng.normal(0, 0.45, n)
    )
    out["floor_area_m2"] = area.round().clip(6, 997).astype(np.int16)

    timber = rng.random(n) < 2.0 * hh["timber_share"] * sigmoid(-0.8 * level) * (0.5 + rural)
    quality = 1.2 * level - 1.2 * remote - 0.3 * rural - 2.0 * community
    floor = FLOOR_CODES[calibration.ordered(rng, "dwelling.floor", quality, FLOOR_SHARES, weight)]
    out["floor_material"] = np.where(timber & np.isin(floor, (8, 7, 6)), 5, floor)
    wall = WALL_CODES[calibration.ordered(rng, "dwelling.wall", quality, WALL_SHARES, weight)]
    out["wall_material"] = np.where(timber & (wall == 1), 3, wall)
    tier = ROOF_TIER_CODES[calibration.ordered(rng, "dwelling.roof", quality, ROOF_TIERS, weight)]
    sheet = np.where(
        hh["java_bali"],
        np.array([2, 3, 4])[categorical(rng, (0.78, 0.10, 0.12), n)],
        np.array([2, 3, 4])[categorical(rng, (0.15, 0.75, 0.10), n)],
    )
    out["roof_material"] = np.where(tier == 0, sheet, tier)

    unimproved = calibration.binary(
        rng,
        "dwelling.water_unimproved",
        -0.9 * level + 1.5 * remote + 0.6 * rural + 2.0 * community,
        0.0736,
        weight,
    )
    bad_water = np.array([6, 8, 9, 11])[categorical(rng, (0.45, 0.30, 0.22, 0.03), n)]
    water_urban = np.array([1, 2, 3, 4, 5, 7, 10])[categorical(rng, (12, 43, 15, 20, 8, 1.5, 0.5), n)]
    water_rural = np.array([1, 2, 3, 4, 5, 7, 10])[categorical(rng, (4, 22, 9, 20, 28, 12, 5), n)]
    out["water_source"] = np.where(unimproved, bad_water, np.where(urban > 0, water_urban, water_rural))

    light_score = 1.0 * level - 2.5 * remote - 0.5 * rural - 3.0 * community
    lighting = LIGHTING_CODES[
        calibration.ordered(rng, "dwelling.lighting", light_score, LIGHTING_SHARES, weight)
    ]
    out["lighting"] = lighting
    power = 1 + calibration.ordered(rng, "dwelling.power", 1.5 * level + 0.3 * urban, POWER_SHARES, weight)
    out["electricity_power"] = np.where(lighting == 1, power, 0)  # 0 = not asked (written as null)

    out["cooking_fuel"] = _cooking_fuel(rng, calibration, hh, level, rural, community, weight)
    out.update(_sanitation(rng, calibration, level, remote, rural, community, weight))
    return out


def _cooking_fuel(rng, calibration, hh, level, rural, community, weight) -> np.ndarray:
    n = len(level)
    firewood = calibration.binary(
        rng,
        "fuel.firewood",
        -1.0 * level + hh["firewood_shift"] + 1.0 * rural + 2.0 * community,
        0.0982,
        weight,
    )
    kerosene = calibration.binary(rng, "fuel.kerosene", hh["kerosene_shift"] - 0.3 * level, 0.0272, weight)
    no_cooking = calibration.binary(
        rng, "fuel.none", 2.0 * (hh["size"] == 1) + 1.0 * (1 - rural) + 0.3 * level, 0.006, weight
    )
    gas = GAS_CODES[calibration.ordered(rng, "fuel.gas", 1.4 * level, GAS_SHARES, weight)]
    rare = np.array([6, 8, 9, 11])[categorical(rng, (0.4, 0.1, 0.2, 0.3), n)]
    fuel = np.where(rng.random(n) < 0.004, rare, gas)
    fuel = np.where(kerosene, 7, fuel)
    fuel = np.where(firewood, 10, fuel)
    return np.where(no_cooking, 0, fuel)


def _sanitation(rng, calibration, level, remote, rural, community, weight) -> Frame:
    n = len(level)
    improved = calibration.binary(
        rng, "sanitation.improved", 1.0 * level - 2.0 * remote - 0.2 * rural - 2.0 * community, 0.836, weight
    )
    toilet_ok = np.array([1, 2, 3])[categorical(rng, (0.90, 0.07, 0.03), n)]
    toilet_bad = np.array([1, 2, 4, 5, 6])[categorical(rng, (0.45, 0.08, 0.07, 0.02, 0.38), n)]
    toilet = np.where(improved, toilet_ok, toilet_bad)
    has_own = np.isin(toilet, (1, 2, 3))
    type_bad = np.array([1, 2, 3, 4])[categorical(rng, (0.45, 0.15, 0.15, 0.25), n)]
    toilet_type = np.where(improved, 1, np.where(has_own, type_bad, 0))
    disposal_ok = np.where(
        rural > 0,
        np.array([1, 4])[categorical(rng, (0.85, 0.15), n)],
        np.array([1, 2])[categorical(rng, (0.97, 0.03), n)],
    )
    disposal_gooseneck_bad = np.array([3, 5, 6])[categorical(rng, (0.6, 0.2, 0.2), n)]
    disposal_other = np.array([1, 4, 3, 5])[categorical(rng, (0.3, 0.35, 0.25, 0.1), n)]
    disposal_shared = np.array([1, 3, 4])[categorical(rng, (0.5, 0.3, 0.2), n)]
    disposal_none = np.array([3, 5])[categorical(rng, (0.5, 0.5), n)]
    disposal = np.select(
        [improved, has_own & (toilet_type == 1), has_own, toilet == 6],
        [disposal_ok, disposal_gooseneck_bad, disposal_other, disposal_none],
        disposal_shared,
    )
    return {"toilet": toilet, "toilet_type": toilet_type, "excreta_disposal": disposal}


def improved_water(water_source: np.ndarray) -> np.ndarray:
    """BPS air minum layak, without the distance-to-septic rule Regsosek asks separately (306b)."""
    return np.isin(water_source, (1, 2, 3, 4, 5, 7, 10))


def improved_sanitation(toilet, toilet_type, disposal, urban) -> np.ndarray:
    """BPS sanitasi layak on Regsosek codes: own/shared/communal, gooseneck, septic/IPAL (rural: pit)."""
    ok_disposal = np.isin(disposal, (1, 2)) | (~urban.astype(bool) & (disposal == 4))
    return np.isin(toilet, (1, 2, 3)) & (toilet_type == 1) & ok_disposal
