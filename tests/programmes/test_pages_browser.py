"""Issue 16 in real headless Chromium: a planner simulates a programme (HTMX), sees the province map and the
budget curve, saves a scenario and freezes a list; a steward records the village's FKP meeting, whose
correction becomes a change request and whose removal becomes a grievance; another steward decides it. Maps
and charts are server-rendered SVG: the page loads nothing from elsewhere (the ``page`` fixture fails on any
failed request, console error or a page wider than a phone)."""

from __future__ import annotations

import shutil

import pytest

from inklusi.config import Settings
from inklusi.context import Context
from inklusi.programmes import service
from tests.browser import serving, shoot
from tests.factories import BANDUNG_VILLAGE, SYSTEM, user
from tests.programmes.registries import everyone, small_registry


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("programmes-browser") / "inklusi-data"
    shutil.copytree(sqlite_template, data_dir)
    settings = Settings(data_dir=data_dir, _env_file=None)
    ctx = Context.open(settings)
    try:
        small = small_registry(ctx)
        service.save_programme(ctx, SYSTEM, everyone())
        user(ctx, "perencana", ("planner", None))
        user(ctx, "dinsos-jabar", ("steward", "32"))
        user(ctx, "dinsos-jabar-2", ("steward", "32"))
    finally:
        ctx.close()
    with serving(settings) as url:
        yield url, small


def log_in(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(f"{username}-password")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_simulate_save_freeze_validate_in_the_village_and_decide_the_grievance(page, site):
    url, small = site
    log_in(page, url, "perencana")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Program").click()
    page.wait_for_url("**/programmes")
    page.get_by_role("link", name="Bantuan uji").click()
    page.wait_for_url("**/programmes/bantuan_uji")
    page.get_by_role("button", name="Simulasikan").click()
    page.locator("#simulation").wait_for()
    assert page.url.endswith("/programmes/bantuan_uji")  # swapped in by HTMX, no navigation
    provinces = page.locator("svg#result-map")
    assert provinces.locator("path").count() == 38
    box = provinces.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    curve = page.locator("svg.line-chart")
    assert curve.get_attribute("role") == "img" and curve.locator("polyline").count() == 3
    assert curve.bounding_box()["width"] > 300
    assert page.locator('[data-key="beneficiaries"] dd').inner_text() == "4"
    shoot(page, "60-programmes-simulation")

    page.get_by_label("Nama skenario").fill("Semua rumah tangga")
    page.get_by_role("button", name="Simpan skenario").click()
    page.wait_for_url("**/programmes/compare?scenario=*")
    assert "Skenario: Semua rumah tangga" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Bekukan daftar penerima manfaat dari skenario ini").click()
    page.get_by_label("Tahap").fill("2025-T1")
    page.get_by_role("button", name="Bekukan").click()
    page.wait_for_url("**/programmes/lists/*")
    assert page.locator("#villages tbody tr").count() == 2
    shoot(page, "61-programmes-list")
    listing = page.url

    log_in(page, url, "dinsos-jabar")
    page.goto(listing)
    assert page.locator("#villages tbody tr").count() == 1  # the steward's province only
    page.locator("#villages a").first.click()
    page.wait_for_url(f"**/villages/{BANDUNG_VILLAGE}")
    corrected, removed = small.bandung
    page.get_by_label("Tempat").fill("Balai desa")
    page.get_by_label("Nama orang ke-1").fill("Ibu Kades")
    page.get_by_label("Peran orang ke-1").fill("kepala desa")
    page.get_by_label("Notulen").fill("Musyawarah berjalan lancar")
    row = page.locator(f'tr[data-household="{corrected}"]')
    row.locator("select[name^=decision]").select_option("confirm")
    row.locator("input[name^=reason]").fill("Atap sudah diganti")
    row.locator("select[name^=field]").select_option("roof_material")
    row.locator("input[name^=value]").fill("3")
    row = page.locator(f'tr[data-household="{removed}"]')
    row.locator("select[name^=decision]").select_option("remove")
    row.locator("input[name^=reason]").fill("Pindah ke luar desa")
    shoot(page, "62-programmes-fkp-form")
    page.get_by_role("button", name="Catat musyawarah").click()
    page.locator("#recorded").wait_for()
    meeting = page.locator("section[id^=meeting-]")
    assert meeting.get_by_role("link", name="usulan perubahan").count() == 1
    grievance = meeting.get_by_role("link", name="sanggahan").get_attribute("href")
    shoot(page, "63-programmes-fkp-recorded")

    log_in(page, url, "dinsos-jabar-2")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Sanggahan").click()
    page.locator(f'a[href="{grievance}"]').click()
    page.wait_for_url(f"**{grievance}")
    assert "Pindah ke luar desa" in page.locator("main").inner_text()
    page.get_by_label("Terima: rumah tangga benar").check()
    page.get_by_label("Alasan keputusan").fill("Benar pindah")
    page.get_by_role("button", name="Catat keputusan").click()
    page.wait_for_url(f"**{grievance}")
    assert page.locator("#grievance-status").inner_text() == "diterima"
    shoot(page, "64-programmes-grievance-decided")
