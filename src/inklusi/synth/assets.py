"""Family assets (Regsosek block V, 502-504) as DTSEN-style quantities: units, grams, hectares, head.

Ownership of each asset is a calibrated binary draw on welfare with urban/rural and regional terms; the
quantity owned then grows with welfare. Appliances need electricity (validator rule: 502b,c,d,f,h need
307a != 4) and the 5.5 kg+ gas cylinder is owned exactly when the family cooks with 5.5 kg or 12 kg LPG.
Target shares are assumptions except ``other_house`` (Susenas 2022, 8.68 %); see docs/synthetic-data.md.
"""

from __future__ import annotations

import numpy as np

from inklusi.synth.sampling import Calibration, Rng

Frame = dict[str, np.ndarray]

# key: (share of households, welfare slope, urban term, rural term)
OWNERSHIP = {
    "refrigerator": (0.62, 1.6, 0.3, 0.0),
    "air_conditioner": (0.10, 2.2, 0.8, 0.0),
    "water_heater": (0.04, 2.5, 0.5, 0.0),
    "landline": (0.02, 1.5, 1.0, 0.0),
    "flat_tv": (0.30, 1.8, 0.4, 0.0),
    "gold": (0.18, 1.2, 0.0, 0.0),
    "computer": (0.20, 2.0, 0.5, 0.0),
    "motorcycle": (0.82, 1.4, 0.0, 0.2),
    "bicycle": (0.25, 0.2, 0.0, 0.3),
    "car": (0.10, 2.4, 0.3, 0.0),
    "boat": (0.02, -0.3, 0.0, 1.0),
    "motorboat": (0.015, 0.3, 0.0, 1.0),
    "smartphone": (0.82, 1.5, 0.3, 0.0),
    "land": (0.30, 0.4, 0.0, 1.8),
    "other_house": (0.0868, 1.8, 0.3, 0.0),
    "cattle": (0.09, 0.2, 0.0, 2.0),
    "buffalo": (0.015, 0.1, 0.0, 2.0),
    "horse": (0.003, 0.0, 0.0, 1.5),
    "pig": (0.035, -0.2, 0.0, 1.0),
    "goat_sheep": (0.10, 0.0, 0.0, 1.5),
}
NEEDS_ELECTRICITY = ("refrigerator", "air_conditioner", "water_heater", "flat_tv", "computer")
ASSET_KEYS = ("gas_cylinder", *OWNERSHIP)


def assets(rng: Rng, calibration: Calibration, hh: Frame, dwelling: Frame) -> Frame:
    """One ``asset_<key>`` column per Regsosek asset key (0 = not owned)."""
    n = len(hh["welfare"])
    level, urban, weight = hh["welfare"], hh["urban"].astype(float), hh["weight"]
    rural = 1 - urban
    adults = hh["adults"].astype(float)
    out: Frame = {"asset_gas_cylinder": np.isin(dwelling["cooking_fuel"], (2, 3)).astype(np.float32)}
    for key, (share, slope, urban_term, rural_term) in OWNERSHIP.items():
        linear = slope * level + urban_term * urban + rural_term * rural
        if key == "pig":
            linear = linear + 4.0 * ~hh["muslim"]
        owned = calibration.binary(rng, f"asset.{key}", linear, share, weight)
        if key in NEEDS_ELECTRICITY:
            owned &= dwelling["lighting"] != 4
        out[f"asset_{key}"] = owned * _quantity(rng, key, level, adults, n)
    return {name: values.astype(np.float32) for name, values in out.items()}


def _quantity(rng: Rng, key: str, level: np.ndarray, adults: np.ndarray, n: int) -> np.ndarray:
    richer = np.clip(level, 0, None)
    if key == "gold":
        return np.round(10 + rng.lognormal(np.log(8) + 0.3 * richer, 0.7), 1)
    if key == "land":
        return np.round(rng.lognormal(np.log(0.45), 0.9, n) * np.exp(0.15 * level), 2).clip(0.01, 500)
    if key in ("motorcycle", "smartphone"):
        return np.minimum(
            1 + rng.poisson(0.25 + 0.35 * richer * np.minimum(adults, 4) / 2), np.maximum(adults, 1) + 1
        )
    if key in ("cattle", "buffalo", "goat_sheep", "pig"):
        return 1 + rng.poisson(1.6 + 0.3 * richer, n)
    if key in ("car", "air_conditioner", "flat_tv", "computer"):
        return 1 + rng.poisson(0.3 * richer, n)
    return np.ones(n)
