"""Issue 14 in real headless Chromium: a planner opens the PPKS dashboard's map of Indonesia, drills down to a
province (its regency map) and a regency, sees a figure marked suppressed, and exports it. The maps and charts
are server-rendered SVG from the package: the page loads nothing from elsewhere (the ``page`` fixture fails
on any failed request or console error)."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from inklusi.config import Settings
from inklusi.context import Context
from inklusi.disclosure import MARKER
from tests.browser import serving, shoot
from tests.factories import user
from tests.ppks.test_dashboard_pages import populate


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    """The dashboard pages' registry (poor households in Bandung, Bogor, Cimahi and Aceh; Cimahi's 3 poor
    people below the threshold), identified; a planner for the whole country."""
    data_dir = tmp_path_factory.mktemp("ppks-browser") / "inklusi-data"
    shutil.copytree(sqlite_template, data_dir)
    settings = Settings(data_dir=data_dir, _env_file=None)
    ctx = Context.open(settings)
    try:
        populate(ctx)
        user(ctx, "perencana", ("planner", None))
    finally:
        ctx.close()
    with serving(settings) as url:
        yield url


def test_a_planner_drills_down_from_the_map_sees_a_suppressed_figure_and_exports(page, site):
    page.goto(site + "/login")
    page.get_by_label("Nama pengguna").fill("perencana")
    page.get_by_label("Kata sandi").fill("perencana-password")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Dasbor PPKS").click()
    page.wait_for_url("**/ppks/dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "Kelompok rentan di Indonesia"

    page.get_by_label("Kategori").select_option(label="Fakir miskin")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**category=poor**")
    national = page.locator("svg.map")
    assert national.get_attribute("role") == "img"
    assert national.locator("path").count() == 38
    assert "Indonesia GeoJSON & TopoJSON Maps (38 Provinces)" in page.locator("figure").inner_text()
    box = national.bounding_box()
    assert box["width"] > 500 and box["height"] > 150  # drawn, not a dot
    shoot(page, "40-ppks-dashboard-nation")

    national.locator('a[href*="area=32&"]').click()  # Jawa Barat on the map
    page.wait_for_url("**area=32&**")
    assert page.get_by_role("heading", level=1).inner_text() == "Kelompok rentan di Jawa Barat"
    regencies = page.locator("svg.map")
    assert regencies.locator("path").count() == 27
    assert "github.com/cahyadsn/wilayah_boundaries" in page.locator("figure").inner_text()
    cimahi = regencies.locator('path[data-code="32.77"]')
    assert "suppressed" in cimahi.get_attribute("class")
    assert cimahi.get_attribute("fill").startswith("url(#")  # hatched
    shoot(page, "41-ppks-dashboard-province")

    regencies.locator('a[href*="area=32.77&"]').click()  # Kota Cimahi
    page.wait_for_url("**area=32.77&**")
    assert page.get_by_role("heading", level=1).inner_text() == "Kelompok rentan di Kota Cimahi"
    row = page.locator("#table-by_category tr.suppressed", has_text="Fakir miskin")
    assert row.count() == 1
    assert row.locator(".suppressed-mark").inner_text() == MARKER
    assert "disembunyikan" in row.inner_text() and "3" not in row.inner_text()
    assert page.locator("#table-child_area").count() == 1  # Cimahi's districts, ranked
    shoot(page, "42-ppks-dashboard-regency")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("ppks-32-77-flagged-poor-")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    poor = next(r for r in rows if r["section"] == "by_category" and r["category"] == "poor")
    assert poor["value"] == MARKER and poor["note"].startswith("disembunyikan")
    assert {r["area_code"] for r in rows} == {"32.77"}
    assert "3" not in {r["value"] for r in rows}  # Cimahi's three poor people are nowhere in the file
