"""Latent welfare: log per-capita consumption by province and urban/rural stratum, and its measures.

Each household has a standard-normal welfare index ``z`` (drawn before its composition, so poorer households
have more children). Monthly per-capita consumption is ``exp(mu[p, u] + sigma[p, u] * z)``: sigma follows the
province's Gini (lognormal Gini = 2 Phi(sigma / sqrt 2) - 1), and mu is fitted on the pilot population so that
the share of *people* below the BPS poverty line matches the province's March 2024 poverty rate, split into
urban and rural rates in the national ratio (11.79 % rural / 7.09 % urban).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from inklusi.synth.regions import Provinces
from inklusi.synth.sampling import Calibration, weighted_quantiles

POVERTY_LINE_URBAN = 601_871.0  # Rp per capita per month, March 2024 (BPS)
POVERTY_LINE_RURAL = 556_874.0
# The national ratio is 11.79 / 7.09 = 1.66; inside provinces a smaller ratio reproduces it, because rural
# people live mostly in the poorer provinces (chosen so that the national urban and rural rates come out).
RURAL_TO_URBAN_POVERTY = 1.42
DEFAULT_GINI = 0.275  # within-province Gini assumed where BPS's provincial figure was not found
URBAN_SPREAD, RURAL_SPREAD = 1.03, 0.92  # urban inequality is higher (Gini 0.399 vs 0.306)
MEDIAN_CONSUMPTION = 1_150_000.0  # centre of the welfare scale used by housing, assets, schooling …
SURVEY_MEASUREMENT_SD = 0.20  # log-scale error of a SUSENAS-style consumption module


def spreads(provinces: Provinces) -> np.ndarray:
    """(province, stratum) lognormal sigma; stratum 0 = rural, 1 = urban."""
    gini = np.where(np.isnan(provinces.gini), DEFAULT_GINI, provinces.gini)
    sigma = np.array([np.sqrt(2) * NormalDist().inv_cdf((g + 1) / 2) for g in gini])
    return np.stack([sigma * RURAL_SPREAD, sigma * URBAN_SPREAD], axis=1)


def stratum_poverty_rates(provinces: Provinces) -> np.ndarray:
    """(province, stratum) target share of poor people, consistent with the province's overall rate."""
    urban = provinces.urban_share
    urban_rate = provinces.poverty_rate / (urban + RURAL_TO_URBAN_POVERTY * (1 - urban))
    return np.stack([(urban_rate * RURAL_TO_URBAN_POVERTY).clip(0, 0.6), urban_rate], axis=1)


def poverty_lines(urban: np.ndarray) -> np.ndarray:
    return np.where(urban, POVERTY_LINE_URBAN, POVERTY_LINE_RURAL)


def levels(
    calibration: Calibration,
    provinces: Provinces,
    province: np.ndarray,
    urban: np.ndarray,
    welfare: np.ndarray,
    size: np.ndarray,
) -> np.ndarray:
    """(province, stratum) mu, fitted once on the pilot population (rows = pilot households)."""

    def fit() -> np.ndarray:
        sigma = spreads(provinces)
        rates = stratum_poverty_rates(provinces)
        mu = np.zeros((len(provinces.code), 2))
        line = np.log([POVERTY_LINE_RURAL, POVERTY_LINE_URBAN])
        for p in range(len(provinces.code)):
            for u in (0, 1):
                rows = (province == p) & (urban == u)
                if not rows.any():
                    rows = province == p
                cut = weighted_quantiles(welfare[rows], size[rows].astype(float), np.array([rates[p, u]]))[0]
                mu[p, u] = line[u] - sigma[p, u] * cut
        return mu

    return calibration.fitted("welfare.mu", fit)


def log_consumption(
    mu: np.ndarray, sigma: np.ndarray, province: np.ndarray, urban: np.ndarray, welfare: np.ndarray
) -> np.ndarray:
    stratum = urban.astype(np.int64)
    return mu[province, stratum] + sigma[province, stratum] * welfare


def welfare_scale(log_per_capita: np.ndarray) -> np.ndarray:
    """The national welfare score that housing, assets, schooling and work respond to (about N(0, 1))."""
    return (log_per_capita - np.log(MEDIAN_CONSUMPTION)) / 0.6


def gini(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted Gini coefficient (people-weighted for per-capita consumption)."""
    order = np.argsort(values)
    x, w = values[order].astype(np.float64), weights[order].astype(np.float64)
    cumulative_w = np.cumsum(w)
    cumulative_xw = np.cumsum(x * w)
    total_w, total_xw = cumulative_w[-1], cumulative_xw[-1]
    lorenz_area = np.sum(w * (cumulative_xw - x * w / 2)) / (total_w * total_xw)
    return float(1 - 2 * lorenz_area)
