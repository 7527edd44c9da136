"""The planner dashboard (``/ppks/dashboard``) at every level, its exports and its refusals: the nation and a
province with their maps, a regency and a district with ranked tables, a village from its district's table;
suppressed figures marked, never shown; a friendly page before any run; the project's 403 page outside the
caller's area; exports audited."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.disclosure import MARKER
from inklusi.ppks import service
from inklusi.ppks.publication import Thresholds
from inklusi.registry import service as registry
from tests.conftest import login
from tests.factories import ACEH_VILLAGE, BANDUNG_VILLAGE, SYSTEM, household, user
from tests.ppks.conftest import BAMBOO_WALLS, EARTH_FLOOR, craft

BOGOR_VILLAGE = "32.71.01.1001"  # Kota Bogor
CIMAHI_VILLAGE = "32.77.01.1001"  # Kota Cimahi: a regency of Jawa Barat with a few poor people


def shelters(ctx, village: str, count: int) -> None:
    """``count`` households of three in inadequate shelter (every member a ``poor`` candidate)."""
    registry.load_households(
        ctx,
        SYSTEM,
        [household(village, floor_material=EARTH_FLOOR, wall_material=BAMBOO_WALLS) for _ in range(count)],
        source="test",
    )


def populate(ctx) -> None:
    """The crafted registry (Jakarta, Bandung, a rough sleeper) and households in inadequate shelter: 12 in
    Kota Bandung, 8 in Kota Bogor, one in Kota Cimahi (3 poor people: below the threshold of 5), 6 in Aceh;
    identified with the default thresholds."""
    craft(ctx)
    shelters(ctx, BANDUNG_VILLAGE, 12)
    shelters(ctx, BOGOR_VILLAGE, 8)
    shelters(ctx, CIMAHI_VILLAGE, 1)
    shelters(ctx, ACEH_VILLAGE, 6)
    service.identify(ctx, SYSTEM, thresholds=Thresholds(sensitive=10, personal=5))


@pytest.fixture
def published(ctx):
    populate(ctx)
    user(ctx, "planner-jabar", ("planner", "32"))
    user(ctx, "worker-bandung", ("case_worker", "32.73"))
    return ctx


def _page(client, username: str, **params):
    client.cookies.clear()
    assert login(client, username, f"{username}-password").status_code == 303
    return client.get("/ppks/dashboard", params=params)


def _admin(client, **params):
    client.cookies.clear()
    assert login(client).status_code == 303
    return client.get("/ppks/dashboard", params=params)


def _row(page: str, table: str, key: str) -> str:
    body = re.search(rf'<table class="bars" id="table-{table}">(.*?)</table>', page, re.S).group(1)
    return re.search(rf'<tr[^>]*data-key="{re.escape(key)}"[^>]*>(.*?)</tr>', body, re.S).group(0)


def test_before_any_run_the_page_says_so(client, ctx):
    answer = _admin(client)
    assert answer.status_code == 200
    assert "Belum ada angka PPKS" in answer.text and "<svg" not in answer.text


def test_the_nation_shows_the_province_map_and_links_down(client, published):
    answer = _admin(client, category="poor")
    assert answer.status_code == 200
    page = answer.text
    assert 'class="map"' in page and page.count('data-code="') == 38  # every province drawn
    assert 'role="img"' in page and "Indonesia GeoJSON &amp; TopoJSON Maps (38 Provinces)" in page
    assert "creativecommons.org/licenses/by/4.0" in page
    assert 'href="/ppks/dashboard?area=32&amp;measure=flagged&amp;category=poor"' in page
    aceh = _row(page, "child_area", "11")
    assert "Aceh" in aceh and '<td class="num">18<' in aceh  # 6 households of three
    assert 'class="suppressed"' in _row(page, "child_area", "31")  # Jakarta's 3 poor people
    assert "/ppks/dashboard/export.csv?area=ID" in page and "/ppks/dashboard/export.xlsx?area=ID" in page
    assert "Semua kategori" in page  # the admin sees the totals over categories


def test_a_province_shows_its_regency_map_with_a_suppressed_regency(client, published):
    page = _admin(client, area="32", category="poor").text
    assert page.count('data-code="32.') == 27  # Jawa Barat's regencies and cities
    assert "Regency boundaries" in page or "Batas kabupaten/kota" in page
    assert "github.com/cahyadsn/wilayah_boundaries" in page
    cimahi = _row(page, "child_area", "32.77")
    assert 'class="suppressed"' in cimahi
    assert f'class="suppressed-mark" title="disembunyikan">{MARKER}<' in cimahi
    assert re.search(r'<path[^>]*class="area suppressed"[^>]*data-code="32.77"', page)
    assert "Kota Cimahi: x (disembunyikan)" in page  # the map's title for it
    bogor = _row(page, "child_area", "32.71")
    assert 'class="suppressed"' not in bogor and '<td class="num">24<' in bogor
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert "Indonesia" in crumbs and 'aria-current="page">Jawa Barat<' in crumbs


def test_a_regency_a_district_and_a_village(client, published):
    regency = _admin(client, area="32.73", category="poor").text
    assert "<svg" not in regency.split('id="who"')[0].split("</form>")[1] or 'class="map"' not in regency
    assert "Kecamatan" in regency and _row(regency, "child_area", "32.73.01")
    district = _admin(client, area="32.73.01", category="poor").text
    assert _row(district, "child_area", BANDUNG_VILLAGE)
    village = _admin(client, area=BANDUNG_VILLAGE, category="poor").text
    assert "Desa tidak dirinci" in village and 'id="table-child_area"' not in village
    assert _row(village, "by_category", "poor")


def test_a_planner_sees_no_sensitive_category_and_no_named_list(client, published):
    answer = _page(client, "planner-jabar")  # no area: the planner's own province
    assert answer.status_code == 200 and "Kelompok rentan di Jawa Barat" in answer.text
    assert "Penyandang disabilitas" not in answer.text and "Semua kategori" not in answer.text
    assert 'id="named-list"' not in answer.text
    elsewhere = client.get("/ppks/dashboard", params={"area": "31"})
    assert elsewhere.status_code == 403 and "Jakarta" not in elsewhere.text.split("<main")[1]
    nation = client.get("/ppks/dashboard", params={"area": "ID"})
    assert nation.status_code == 403


def test_a_case_worker_gets_the_named_list_in_their_area(client, published):
    page = _page(client, "worker-bandung").text
    assert 'id="named-list" ' in page or 'id="named-list"' in page
    assert 'href="/ppks/candidates?area=32.73"' in page


def test_bad_choices_fall_back_and_a_bad_area_is_refused_politely(client, published):
    answer = _admin(client, measure="nonsense", category="nonsense")
    assert answer.status_code == 200
    assert _admin(client, area="99.99").status_code == 422
    assert client.get("/ppks/dashboard/export.pdf").status_code == 404


def test_exports_carry_the_suppression_and_are_audited(client, published):
    _admin(client, area="32", category="poor")
    answer = client.get("/ppks/dashboard/export.csv", params={"area": "32", "category": "poor"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    cimahi = next(r for r in rows if r["section"] == "child_area" and r["key"] == "32.77")
    assert cimahi["value"] == MARKER and cimahi["note"].startswith("disembunyikan")
    bogor = next(r for r in rows if r["section"] == "child_area" and r["key"] == "32.71")
    assert bogor["value"] == "24" and bogor["note"] == ""  # 8 households of three
    workbook = client.get("/ppks/dashboard/export.xlsx", params={"area": "32", "category": "poor"})
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["ppks"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[7] == "32.77" and row[9] == MARKER for row in values)
    entries = audit.search_log(published, SYSTEM, LogQuery(action="ppks.summary.export")).entries
    details = [json.loads(e.detail) for e in entries]
    assert sorted(d["format"] for d in details) == ["csv", "xlsx"]
    assert all(d["category"] == "poor" and d["suppressed"] >= 1 for d in details)
    assert {e.object_id for e in entries} == {"32"}
