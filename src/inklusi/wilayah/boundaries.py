"""Area boundaries shipped inside the package (``data/geo/``, see its ``README.md``): the 38 provinces and the
514 regencies and cities, as longitude/latitude rings, with the credit line each layer must carry wherever it
is drawn (CC BY 4.0 for the provinces, MIT for the regencies). Each file is read once per process.

A :class:`Layer` is what one map shows: the nation's provinces (:func:`provinces`) or one province's regencies
(:func:`regencies`); :func:`layer_below` picks the one that draws an area's children. Pure: no database.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from inklusi.i18n import Text, msg

NATION = "ID"
Point = tuple[float, float]
"""Longitude, latitude (WGS84)."""
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]
"""The outer ring first, then its holes."""

PROVINCES_SOURCE = "https://github.com/denyherianto/indonesia-geojson-topojson-maps-with-38-provinces"
PROVINCES_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
REGENCIES_SOURCE = "https://github.com/cahyadsn/wilayah_boundaries"
REGENCIES_LICENCE = "https://opensource.org/license/mit"


@dataclass(frozen=True, eq=False)
class Boundary:
    """One area's outline: its Kemendagri code, the name the source gives it, and its polygons."""

    code: str
    name: str
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class Credit:
    """What a page must show for a layer it draws: the attribution, the source and the licence."""

    text: Text
    source_url: str
    licence: str
    licence_url: str


@dataclass(frozen=True, eq=False)
class Layer:
    """The boundaries one map draws. Compared (and cached) by identity: each layer is built once."""

    key: str
    """``provinces``, or ``regencies:PP``."""
    level: str
    """The level of its features: ``province`` or ``regency``."""
    features: tuple[Boundary, ...]
    credit: Credit

    def codes(self) -> tuple[str, ...]:
        return tuple(feature.code for feature in self.features)


PROVINCES_CREDIT = Credit(
    text=msg(
        "Province boundaries: “Indonesia GeoJSON & TopoJSON Maps (38 Provinces)”; the codes of the six Papua "
        "provinces changed to the 2025 Kemendagri codes."
    ),
    source_url=PROVINCES_SOURCE,
    licence="CC BY 4.0",
    licence_url=PROVINCES_LICENCE,
)
REGENCIES_CREDIT = Credit(
    text=msg(
        "Regency boundaries: © Cahya DSN, github.com/cahyadsn/wilayah_boundaries (MIT licence), simplified."
    ),
    source_url=REGENCIES_SOURCE,
    licence="MIT",
    licence_url=REGENCIES_LICENCE,
)


def _read(name: str) -> dict[str, Any]:
    path = resources.files("inklusi.wilayah") / "data" / "geo" / name
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) as unzipped:
        loaded: dict[str, Any] = json.load(unzipped)
    return loaded


def _ring(points: list[list[float]]) -> Ring:
    return tuple((float(lon), float(lat)) for lon, lat, *_ in points)


def _polygons(geometry: dict[str, Any]) -> tuple[Polygon, ...]:
    if geometry["type"] == "Polygon":
        return (tuple(_ring(ring) for ring in geometry["coordinates"]),)
    if geometry["type"] == "MultiPolygon":
        return tuple(tuple(_ring(ring) for ring in polygon) for polygon in geometry["coordinates"])
    return ()


@cache
def provinces() -> Layer:
    """The 38 provinces, by code."""
    features = [
        Boundary(
            code=feature["properties"]["KODE_PROV"],
            name=feature["properties"]["PROVINSI"],
            polygons=_polygons(feature["geometry"]),
        )
        for feature in _read("provinces_38.geojson.gz")["features"]
    ]
    return Layer("provinces", "province", tuple(sorted(features, key=lambda f: f.code)), PROVINCES_CREDIT)


@cache
def _regencies_by_province() -> dict[str, tuple[Boundary, ...]]:
    found: dict[str, list[Boundary]] = {}
    for feature in _read("regencies.geojson.gz")["features"]:
        properties = feature["properties"]
        found.setdefault(properties["province_code"], []).append(
            Boundary(properties["code"], properties["name"], _polygons(feature["geometry"]))
        )
    return {code: tuple(sorted(features, key=lambda f: f.code)) for code, features in found.items()}


@cache
def regencies(province_code: str) -> Layer:
    """The regencies and cities of one province (none for a code that is not a province)."""
    return Layer(
        f"regencies:{province_code}",
        "regency",
        _regencies_by_province().get(province_code, ()),
        REGENCIES_CREDIT,
    )


def layer_below(area_code: str) -> Layer | None:
    """The layer that draws an area's children: the provinces for the nation, a province's regencies;
    None below a province (districts and villages have no boundaries here) or where none are known."""
    if area_code == NATION:
        return provinces()
    if len(area_code) == 2 and area_code.isdigit():
        layer = regencies(area_code)
        return layer if layer.features else None
    return None
