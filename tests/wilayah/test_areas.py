import pytest

from inklusi.errors import NotFound
from inklusi.wilayah import reference, service
from inklusi.wilayah.model import AreaLevel


def test_loaded_counts_match_kemendagri_2025(ctx):
    counts = service.counts(ctx)
    assert counts == reference.EXPECTED_COUNTS
    assert counts == {
        AreaLevel.province: 38,
        AreaLevel.regency: 514,
        AreaLevel.district: 7_285,
        AreaLevel.village: 83_762,
    }


def test_loading_twice_adds_nothing(ctx):
    assert service.load_reference(ctx) == reference.EXPECTED_COUNTS


def test_get_village_with_its_lineage(ctx):
    found = service.get_with_ancestors(ctx, "11.01.01.2001")
    assert found.area.name == "Keude Bakongan"
    assert found.area.level is AreaLevel.village
    assert found.area.kind == "desa"
    assert [(a.code, a.name) for a in found.ancestors] == [
        ("11", "Aceh"),
        ("11.01", "Kabupaten Aceh Selatan"),
        ("11.01.01", "Bakongan"),
    ]


def test_unknown_code_is_not_found(ctx):
    with pytest.raises(NotFound) as raised:
        service.get_area(ctx, "99.99")
    assert "99.99" in raised.value.text.render("id")
    assert raised.value.text.render("id") != raised.value.text.render("en")


def test_children_of_a_province_are_its_regencies(ctx):
    regencies = service.children(ctx, "31")
    assert [a.code for a in regencies] == ["31.01", "31.71", "31.72", "31.73", "31.74", "31.75"]
    assert len(service.children(ctx)) == 38


def test_population_and_land_area_per_province_and_regency(ctx):
    provinces = service.areas_at_level(ctx, AreaLevel.province)
    assert sum(p.population for p in provinces) == 284_973_643
    regencies = service.areas_at_level(ctx, AreaLevel.regency)
    without_land_area = sorted(a.code for a in provinces + regencies if a.land_area_km2 is None)
    assert without_land_area == ["11.10", "12.10", "12.20", "14.10", "31"]  # gaps upstream (SOURCE.md)
    assert all(a.land_area_km2 > 0 for a in provinces + regencies if a.code not in without_land_area)
    regencies = service.areas_at_level(ctx, AreaLevel.regency, within="32")
    assert len(regencies) == 27
    jabar = next(p for p in provinces if p.code == "32")
    assert sum(r.population for r in regencies) == jabar.population
    assert all(r.population_male + r.population_female == r.population for r in regencies)


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("Kabupaten Bandung", "32.04"),
        ("Kab. Bandung", "32.04"),
        ("kab bandung", "32.04"),
        ("Kota Bandung", "32.73"),
        ("KOTA BANDUNG", "32.73"),
        ("Kodya Bandung", "32.73"),
        ("Kota Jakarta Pusat", "31.71"),
        ("Kota Adm. Jakarta Pusat", "31.71"),
        ("Regapu'u", None),  # village with a typographic apostrophe in the source
        ("keude bakongan", "11.01.01.2001"),
    ],
)
def test_search_by_name_variants(ctx, query, expected_first):
    results = service.search(ctx, query, limit=5)
    assert results, query
    if expected_first:
        assert results[0].code == expected_first
    else:
        assert results[0].name == "Regapu’u"


def test_search_tells_kabupaten_from_kota(ctx):
    kota = service.search(ctx, "Kota Bandung")
    assert all(a.name.startswith("Kota ") for a in kota if a.level is AreaLevel.regency)
    kab = service.search(ctx, "Kabupaten Bandung")
    assert "32.73" not in [a.code for a in kab]


def test_search_within_an_area_and_level(ctx):
    results = service.search(ctx, "Sukamaju", within="32", level=AreaLevel.village, limit=200)
    assert results
    assert all(a.code.startswith("32.") and a.level is AreaLevel.village for a in results)


def test_validate_code(ctx):
    assert service.check_code(ctx, "32.73") == []
    assert [i.code for i in service.check_code(ctx, "32.7")] == ["area.malformed"]
    assert [i.code for i in service.check_code(ctx, "32.99")] == ["area.unknown"]
