"""The welfare deciles map in real headless Chromium: a planner opens the welfare pages from the menu, sees
the national deciles by province on a map of Indonesia, drills down to Jawa Barat on the map (its regencies),
reads Kota Bandung's row in the table and exports its ranked households. Maps are server-rendered SVG from
the package: the page loads nothing from elsewhere (the ``page`` fixture fails on any failed request or
console error, and on a page wider than the screen)."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from inklusi.config import Settings
from inklusi.context import Context
from tests.browser import serving, shoot
from tests.factories import user
from tests.welfare.pages import rank


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("welfare-browser") / "inklusi-data"
    shutil.copytree(sqlite_template, data_dir)
    settings = Settings(data_dir=data_dir, _env_file=None)
    ctx = Context.open(settings)
    try:
        rank(ctx)
        user(ctx, "perencana", ("planner", None))
    finally:
        ctx.close()
    with serving(settings) as url:
        yield url


def test_a_planner_reads_the_deciles_map_drills_down_and_exports(page, site):
    page.goto(site + "/login")
    page.get_by_label("Nama pengguna").fill("perencana")
    page.get_by_label("Kata sandi").fill("perencana-password")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Peringkat kesejahteraan"
    ).click()
    page.wait_for_url("**/welfare")
    page.get_by_role("link", name="Desil menurut wilayah").click()
    page.wait_for_url("**/welfare/deciles")
    assert page.get_by_role("heading", level=1).inner_text() == "Desil kesejahteraan di Indonesia"

    national = page.locator("svg.map")
    assert national.get_attribute("role") == "img"
    assert national.locator("path").count() == 38
    box = national.bounding_box()
    assert box["width"] > 500 and box["height"] > 150  # drawn, not a dot
    west_java = national.locator('path[data-code="32"]')
    title = national.locator('a:has(path[data-code="32"]) > title').text_content()
    assert title == "Jawa Barat: 90"  # per cent of its households in deciles 1-4
    assert west_java.get_attribute("fill").startswith("#")  # coloured by its class
    assert "no-data" in national.locator('path[data-code="33"]').get_attribute("class")  # nobody ranked
    assert page.locator(".map-legend li").count() >= 2
    shoot(page, "50-welfare-deciles-nation")

    national.locator('a[href*="area=32&"]').click()
    page.wait_for_url("**area=32&**")
    assert page.get_by_role("heading", level=1).inner_text() == "Desil kesejahteraan di Jawa Barat"
    regencies = page.locator("svg.map")
    assert regencies.locator("path").count() == 27
    assert "no-data" not in regencies.locator('path[data-code="32.73"]').get_attribute("class")
    row = page.locator('#table-deciles tr[data-code="32.73"]')
    assert row.locator("th").inner_text() == "Kota Bandung"
    assert row.locator("td").first.inner_text() == "6"
    shoot(page, "51-welfare-deciles-province")

    page.get_by_label("Desil termiskin pada peta").select_option(label="1–2")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**poorest=2**")
    assert page.locator('#table-deciles tr[data-code="32.73"] td').nth(1).inner_text() == "33 %"

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.startswith("welfare-32-")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 10 and {r["village_code"][:5] for r in rows} == {"32.71", "32.73"}
    assert [int(r["priority"]) for r in rows] == list(range(1, 11))
