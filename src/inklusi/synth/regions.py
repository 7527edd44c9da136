"""The map the population lives on: provinces with their calibration parameters, regencies, districts and
villages (Kemendagri 2025 through :func:`inklusi.wilayah.reference.areas`), as NumPy arrays.

Province parameters come from ``data/provinces.csv`` (poverty 2024, urban share 2025, Gini, fertility and
the regional shifts of housing and fuel; sources in ``data/SOURCE.md``). Coordinates are approximate: each
regency sits on a point drawn inside its province's boundary (``data/anchor_points.csv``), its villages
scatter around it with the regency's land area, households around their village.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from inklusi.wilayah.model import AreaLevel
from inklusi.wilayah.reference import areas

NAME_GROUPS = (
    "javanese",
    "sundanese",
    "malay",
    "arabic",
    "batak",
    "bugis",
    "balinese",
    "chinese",
    "papuan",
    "ntt",
    "minahasa",
    "maluku",
    "dayak",
)
CITY_URBAN_SHARE = 0.95  # share of a kota's people counted urban (BPS classifies by village)


def data_rows(name: str) -> list[dict[str, str]]:
    # the files are on disk, and a Path's open takes newline (typeshed's Traversable.open does not)
    with (resources.files("inklusi.synth") / "data" / name).open(encoding="utf-8", newline="") as handle:  # type: ignore[call-overload]
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Provinces:
    code: np.ndarray  # "11" …
    name: np.ndarray
    poverty_rate: np.ndarray  # share of people, March 2024
    urban_share: np.ndarray  # share of people, 2025 projection
    gini: np.ndarray  # NaN where no provincial figure was found
    fertility: np.ndarray  # TFR relative to the national 2.18
    remoteness: np.ndarray
    timber_share: np.ndarray
    firewood_shift: np.ndarray
    kerosene_shift: np.ndarray
    hiv_factor: np.ndarray
    drug_factor: np.ndarray
    name_mix: np.ndarray  # (provinces, NAME_GROUPS) shares
    population: np.ndarray

    def index(self, code: str) -> int:
        return int(np.flatnonzero(self.code == code)[0])


@dataclass(frozen=True)
class Geography:
    provinces: Provinces
    regency_code: np.ndarray
    regency_name: np.ndarray  # without "Kabupaten"/"Kota"
    regency_province: np.ndarray
    regency_population: np.ndarray
    regency_is_city: np.ndarray
    regency_urban_probability: np.ndarray
    regency_remote_share: np.ndarray  # share of households in remote indigenous communities
    district_code: np.ndarray
    district_number: np.ndarray  # the six NIK digits as an integer
    district_regency: np.ndarray
    village_code: np.ndarray
    village_name: np.ndarray
    village_district: np.ndarray
    village_latitude: np.ndarray
    village_longitude: np.ndarray
    # villages sorted by (regency, kelurahan?) with cumulative size weights, to draw a village per household
    village_order: np.ndarray
    village_cumulative: np.ndarray
    group_start: np.ndarray  # (regency, 2): first position in village_order; 0 = desa, 1 = kelurahan
    group_end: np.ndarray

    @property
    def village_regency(self) -> np.ndarray:
        return self.district_regency[self.village_district]


def _provinces() -> Provinces:
    rows = data_rows("provinces.csv")
    population = {area.code: area.population or 0 for area in areas() if area.level is AreaLevel.province}
    mix = np.zeros((len(rows), len(NAME_GROUPS)))
    for i, row in enumerate(rows):
        for part in row["name_mix"].split(";"):
            group, share = part.split(":")
            mix[i, NAME_GROUPS.index(group)] = float(share)

    def column(name: str) -> np.ndarray:
        return np.array([float(row[name]) if row[name] else np.nan for row in rows])

    return Provinces(
        code=np.array([row["code"] for row in rows]),
        name=np.array([row["name"] for row in rows]),
        poverty_rate=column("poverty_rate_pct") / 100,
        urban_share=column("urban_share_pct") / 100,
        gini=column("gini"),
        fertility=column("fertility"),
        remoteness=column("remoteness"),
        timber_share=column("timber_share"),
        firewood_shift=column("firewood_shift"),
        kerosene_shift=column("kerosene_shift"),
        hiv_factor=column("hiv_factor"),
        drug_factor=column("drug_factor"),
        name_mix=mix / mix.sum(axis=1, keepdims=True),
        population=np.array([population[row["code"]] for row in rows], dtype=np.float64),
    )


def _strip_kind(name: str) -> str:
    for prefix in ("Kabupaten ", "Kota Administrasi ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@cache
def geography() -> Geography:
    """Built once per process (about a second): every area of the Kemendagri 2025 list."""
    provinces = _provinces()
    province_index = {code: i for i, code in enumerate(provinces.code)}
    regencies, districts, villages = [], [], []
    for area in areas():
        if area.level is AreaLevel.regency:
            regencies.append(area)
        elif area.level is AreaLevel.district:
            districts.append(area)
        elif area.level is AreaLevel.village:
            villages.append(area)
    # looked up by the areas' parent codes (None only for a province, never looked up here)
    regency_index: dict[str | None, int] = {area.code: i for i, area in enumerate(regencies)}
    district_index: dict[str | None, int] = {area.code: i for i, area in enumerate(districts)}
    regency_province = np.array([province_index[a.parent_code] for a in regencies])
    regency_population = np.array([a.population or 0 for a in regencies], dtype=np.float64)
    is_city = np.array([a.name.startswith("Kota") for a in regencies])
    urban_probability = _urban_probabilities(provinces, regency_province, regency_population, is_city)
    remote = {
        row["regency_code"]: float(row["household_share"]) for row in data_rows("remote_communities.csv")
    }
    village_district = np.array([district_index[a.parent_code] for a in villages])
    district_regency = np.array([regency_index[a.parent_code] for a in districts])
    village_regency = district_regency[village_district]
    is_kelurahan = np.array([a.code[9] == "1" for a in villages])
    latitude, longitude = _village_points(regencies, regency_province, provinces, village_regency)
    # Village sizes vary: a fixed lognormal weight per village (the same in every run).
    size = np.random.default_rng(20250630).lognormal(0.0, 0.7, len(villages))
    order = np.lexsort((is_kelurahan, village_regency))
    cumulative = np.cumsum(size[order])
    keys = village_regency[order] * 2 + is_kelurahan[order]
    all_keys = np.arange(len(regencies) * 2)
    start = np.searchsorted(keys, all_keys, side="left").reshape(-1, 2)
    end = np.searchsorted(keys, all_keys, side="right").reshape(-1, 2)
    return Geography(
        provinces=provinces,
        regency_code=np.array([a.code for a in regencies]),
        regency_name=np.array([_strip_kind(a.name) for a in regencies]),
        regency_province=regency_province,
        regency_population=regency_population,
        regency_is_city=is_city,
        regency_urban_probability=urban_probability,
        regency_remote_share=np.array([remote.get(a.code, 0.0) for a in regencies]),
        district_code=np.array([a.code for a in districts]),
        district_number=np.array([int(a.code.replace(".", "")) for a in districts], dtype=np.int64),
        district_regency=district_regency,
        village_code=np.array([a.code for a in villages]),
        village_name=np.array([a.name for a in villages]),
        village_district=village_district,
        village_latitude=latitude,
        village_longitude=longitude,
        village_order=order,
        village_cumulative=np.r_[0.0, cumulative],
        group_start=start,
        group_end=end,
    )


def _urban_probabilities(
    provinces: Provinces, regency_province: np.ndarray, population: np.ndarray, is_city: np.ndarray
) -> np.ndarray:
    """Cities are about 95 % urban; regencies take the rest of their province's urban share."""
    probability = np.zeros(len(population))
    for p in range(len(provinces.code)):
        inside = regency_province == p
        total = population[inside].sum()
        city_people = population[inside & is_city].sum()
        target = provinces.urban_share[p]
        ceiling = 1.0 if target >= CITY_URBAN_SHARE else CITY_URBAN_SHARE
        city = min(ceiling, target * total / city_people) if city_people else 0.0
        rest = total - city_people
        regency = (target * total - city * city_people) / rest if rest else 0.0
        probability[inside & is_city] = city
        probability[inside & ~is_city] = np.clip(regency, 0.0, 1.0)
    return probability


def _village_points(regencies, regency_province, provinces, village_regency) -> tuple[np.ndarray, np.ndarray]:
    anchors = data_rows("anchor_points.csv")
    by_province: dict[str, list[tuple[float, float]]] = {}
    for row in anchors:
        by_province.setdefault(row["province_code"], []).append(
            (float(row["latitude"]), float(row["longitude"]))
        )
    regency_lat = np.zeros(len(regencies))
    regency_lon = np.zeros(len(regencies))
    seen: dict[int, int] = {}
    for i, p in enumerate(regency_province):
        points = by_province[provinces.code[p]]
        rank = seen.get(p, 0)
        seen[p] = rank + 1
        regency_lat[i], regency_lon[i] = points[(rank * 7) % len(points)]
    radius = np.array([0.25 * np.sqrt(a.land_area_km2 or 100.0) / 111.0 for a in regencies])
    rng = np.random.default_rng(20251127)
    offsets = rng.normal(0.0, 1.0, (len(village_regency), 2)) * radius[village_regency, None]
    return regency_lat[village_regency] + offsets[:, 0], regency_lon[village_regency] + offsets[:, 1]
