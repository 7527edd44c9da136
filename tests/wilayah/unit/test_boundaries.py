"""The boundaries shipped in the package: every province and regency of the 2025 code list has its outline,
keyed by the same codes, and each layer carries its credit."""

from __future__ import annotations

from pathlib import Path

from inklusi.wilayah import boundaries, reference

CODES = reference.code_sets()


def test_the_province_layer_has_every_province_by_its_2025_code() -> None:
    layer = boundaries.provinces()
    assert layer.level == "province"
    assert set(layer.codes()) == CODES["province"] and len(layer.codes()) == 38
    papua = {f.code: f.name for f in layer.features if f.code >= "91"}
    assert papua == {
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }


def test_each_province_has_its_regencies_and_nothing_else() -> None:
    seen: set[str] = set()
    for province in CODES["province"]:
        layer = boundaries.regencies(province)
        assert layer.level == "regency" and layer.features, province
        assert all(code.startswith(province + ".") for code in layer.codes())
        seen |= set(layer.codes())
    assert seen == CODES["regency"]


def test_rings_are_closed_longitude_latitude_inside_indonesia() -> None:
    for layer in (boundaries.provinces(), boundaries.regencies("32"), boundaries.regencies("96")):
        for feature in layer.features:
            assert feature.polygons, feature.code
            for polygon in feature.polygons:
                for ring in polygon:
                    assert len(ring) >= 4 and ring[0] == ring[-1]
                    assert all(94 < lon < 142 and -12 < lat < 7 for lon, lat in ring), feature.code


def test_the_layer_below_an_area() -> None:
    assert boundaries.layer_below("ID") is boundaries.provinces()
    assert boundaries.layer_below("32") is boundaries.regencies("32")
    assert boundaries.layer_below("32.73") is None  # districts have no boundaries here
    assert boundaries.layer_below("99") is None
    assert boundaries.regencies("99").features == ()


def test_each_layer_carries_its_credit_and_licence() -> None:
    assert boundaries.provinces().credit.licence == "CC BY 4.0"
    assert "38 Provinces" in boundaries.provinces().credit.text.render("en")
    regency = boundaries.regencies("11").credit
    assert regency.licence == "MIT" and "Cahya DSN" in regency.text.render("id")


def test_the_files_and_their_licences_ship_with_the_package() -> None:
    folder = Path(boundaries.__file__).parent / "data" / "geo"
    shipped = ("provinces_38.geojson.gz", "regencies.geojson.gz", "DATA_LICENSE.md", "REGENCIES_LICENSE.md")
    for name in shipped:
        assert (folder / name).is_file(), name
