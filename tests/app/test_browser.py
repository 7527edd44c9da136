"""The web application in real headless Chromium (Debian's), driven by Playwright.

Screenshots of every page go to ``test-output/screenshots`` at 1280 px and 390 px wide.
"""

from __future__ import annotations

import json
import re
import shutil
from uuid import UUID

import pytest

from inklusi.config import Settings
from inklusi.context import Context
from inklusi.instrument.model import load
from inklusi.instrument.synthetic import from_synthetic, write_jsonl
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, generate, registry_data
from tests.browser import assert_fits, serving, shoot, watched_page
from tests.conftest import ADMIN_PASSWORD
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    """A running Inklusi with two households (Jakarta, Bandung) and a case worker scoped to Bandung."""
    data_dir = tmp_path_factory.mktemp("browser") / "inklusi-data"
    shutil.copytree(sqlite_template, data_dir)
    settings = Settings(data_dir=data_dir, _env_file=None)
    ctx = Context.open(settings)
    jakarta = registry.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="round-1")
    registry.update_household(ctx, SYSTEM, jakarta.household_id, {"floor_material": 8}, source="round-2")
    bandung = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="round-1")
    user(ctx, "pendamping", ("case_worker", "32.73"))
    user(ctx, "dinsos.jabar", ("steward", "32"))
    synthetic = synthetic_household_with_history(ctx)
    ctx.close()
    with serving(settings) as url:
        yield {"url": url, "jakarta": jakarta, "bandung": bandung, "synthetic": synthetic}


def synthetic_household_with_history(ctx) -> UUID:
    """A generated household of five or more, with a second round that changed its roof and assets."""
    registry.load_households(
        ctx, SYSTEM, registry_data(SynthConfig(households=200, seed=3)), source="synthetic-round-1"
    )
    hits = registry.browse_area(ctx, SYSTEM, "33", limit=200)  # Jawa Tengah
    chosen = next(
        hit.household_id for hit in hits if registry.get_household(ctx, SYSTEM, hit.household_id).size >= 5
    )
    record = registry.get_household(ctx, SYSTEM, chosen)
    registry.update_household(
        ctx,
        SYSTEM,
        chosen,
        {"roof_material": 1 if record.dwelling.roof_material != 1 else 2},
        assets={**record.assets, "smartphone": record.assets.get("smartphone", 0) + 1},
        source="synthetic-round-2",
    )
    return chosen


def log_in(page, site, username: str, password: str) -> None:
    page.goto(site["url"] + "/registry")
    assert "/login" in page.url
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r".*/registry$"))


def assert_every_field_has_a_label(page) -> None:
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select')]
               .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
               .map(el => el.name)"""
    )
    assert unlabelled == []


def test_the_main_flow(page, site):
    page.goto(site["url"] + "/login")
    assert page.evaluate("document.documentElement.lang") == "id"
    assert_every_field_has_a_label(page)
    shoot(page, "01-login")
    log_in(page, site, "admin", ADMIN_PASSWORD)

    page.get_by_label("Nama, NIK atau nomor KK").fill("Budi Santsoo")  # a typo
    page.get_by_role("button", name="Cari").click()
    results = page.locator("#results")
    results.get_by_role("link", name="Budi Santoso").first.wait_for()
    assert_every_field_has_a_label(page)
    shoot(page, "02-search")

    target = site["jakarta"].household_id
    assert results.locator("tr", has_text="Gambir").count() >= 1  # the Jakarta household is listed
    page.locator(f'a[href="/households/{target}"]').first.click()
    page.wait_for_url(f"**/households/{target}")
    main = page.locator("main")
    assert "Budi Santoso" in main.inner_text()
    history = page.locator("#history").locator("xpath=..").inner_text()
    assert "Lantai: Keramik → Tanah" in history
    assert "round-2" in history and "Anggota masuk ke keluarga: Dewi Lestari" in history
    shoot(page, "03-household-id")

    page.get_by_label("Per tanggal").fill("2020-01-01")
    page.get_by_role("button", name="Tampilkan").click()
    assert "tidak ditemukan" in page.locator("main").inner_text()  # it was not registered yet

    page.goto(site["url"] + f"/households/{target}")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**/households/{target}")
    assert page.evaluate("document.documentElement.lang") == "en"
    text = page.locator("main").inner_text()
    assert "History" in text and "Floor: Ceramic tiles → Earth" in text
    shoot(page, "04-household-en")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    page.goto(site["url"] + f"/households/{target}")
    assert "/login" in page.url


def test_a_synthetic_household_reads_well_in_both_languages(page, site):
    log_in(page, site, "admin", ADMIN_PASSWORD)
    page.goto(site["url"] + f"/households/{site['synthetic']}")
    text = page.locator("main").inner_text()
    assert "Jawa Tengah" in text and "Riwayat" in text and "synthetic-round-2" in text
    assert page.locator("main table tbody tr").count() >= 5
    shoot(page, "07-synthetic-household-id")
    page.get_by_role("link", name="English").click()
    assert "Central Java" not in page.locator("main").inner_text()  # place names stay Indonesian
    assert "History" in page.locator("main").inner_text()
    shoot(page, "08-synthetic-household-en")


def test_keyboard_alone_is_enough_to_log_in_and_search(page, site):
    page.goto(site["url"] + "/login")
    assert page.evaluate("document.activeElement.id") == "username"  # the form takes the focus
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/registry$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Langsung ke isi"  # the skip link
    page.keyboard.press("Enter")
    for _ in range(10):  # from the main content, Tab reaches the search box
        if page.evaluate("document.activeElement.id") == "q":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Siti Aminah")
    page.keyboard.press("Enter")
    page.locator("#results").get_by_role("link", name="Siti Aminah").first.wait_for()


def test_drill_down_by_area(page, site):
    log_in(page, site, "admin", ADMIN_PASSWORD)
    page.get_by_label("Provinsi").select_option("32")
    page.get_by_label("Kabupaten/kota").select_option("32.73")  # appears once the province is chosen
    page.get_by_role("button", name="Cari").click()
    page.locator("#results").get_by_role("link", name="Budi Santoso").wait_for()
    assert f"/households/{site['bandung'].household_id}" in page.locator("#results").inner_html()
    assert f"/households/{site['jakarta'].household_id}" not in page.locator("#results").inner_html()
    shoot(page, "05-area")


def test_a_scoped_user_cannot_open_a_household_elsewhere_by_url(page, site):
    log_in(page, site, "pendamping", "pendamping-password")
    page.goto(site["url"] + f"/households/{site['jakarta'].household_id}")
    assert "Tidak ditemukan" in page.locator("h1").inner_text()
    shoot(page, "06-out-of-scope")
    page.goto(site["url"] + f"/households/{site['bandung'].household_id}")
    assert "Budi Santoso" in page.locator("main").inner_text()


def test_a_round_is_uploaded_watched_and_its_held_forms_explained(page, site, tmp_path):
    population = tmp_path / "population"
    generate(SynthConfig(households=40, seed=3), population)
    lines = write_jsonl(from_synthetic(population, load(), 1), tmp_path / "putaran-1.jsonl").read_text()
    first, *rest = lines.splitlines()
    broken = json.loads(first)
    del broken["r308"]  # cooking fuel left unanswered
    upload = tmp_path / "putaran-1.jsonl"
    upload.write_text("\n".join([json.dumps(broken), *rest]) + "\n")

    log_in(page, site, "admin", ADMIN_PASSWORD)
    page.get_by_role("link", name="Impor", exact=True).click()
    assert_every_field_has_a_label(page)
    shoot(page, "09-imports")
    page.get_by_label("Berkas", exact=True).set_input_files(upload)
    page.get_by_role("button", name="Impor", exact=True).click()
    page.wait_for_url(re.compile(r".*/imports/[0-9a-f-]{36}$"), timeout=60_000)  # after the progress page
    text = page.locator("main").inner_text()
    assert "putaran-1.jsonl" in text and "Rumah tangga baru" in text
    held = page.locator("#held").locator("xpath=..")
    assert broken["submission_id"] in held.inner_text() and "wajib dijawab" in held.inner_text()
    assert page.get_by_role("link", name="Unduh laporan kesalahan (CSV)").count() == 1
    shoot(page, "10-import-result")


def test_a_correction_goes_from_a_case_worker_to_a_steward_and_into_history(page, site):
    target = site["bandung"].household_id
    log_in(page, site, "pendamping", "pendamping-password")
    page.goto(site["url"] + f"/households/{target}")
    page.get_by_role("link", name="Usulkan perbaikan").click()
    assert_every_field_has_a_label(page)
    page.get_by_label("Atap").select_option("5")
    page.get_by_label("Mengapa data perlu diubah?").fill("Atap genteng sudah diganti bambu")
    page.get_by_label("Bukti (dokumen, surat, kunjungan rumah: apa dan kapan)").fill("Kunjungan rumah 3 Nov")
    shoot(page, "11-change-request-form")
    page.get_by_role("button", name="Ajukan permintaan").click()
    page.wait_for_url(re.compile(r".*/change-requests/[0-9a-f-]{36}$"))
    assert "menunggu pemeriksaan" in page.locator("h1").inner_text()
    assert page.get_by_role("button", name="Terapkan sebagai versi baru").count() == 0
    page.get_by_role("button", name="Keluar").click()

    page.goto(site["url"] + "/registry")
    page.get_by_label("Nama pengguna").fill("dinsos.jabar")
    page.get_by_label("Kata sandi").fill("dinsos.jabar-password")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Permintaan perubahan").click()
    page.locator("main table a").first.click()
    text = page.locator("main").inner_text()
    assert "Genteng" in text and "Bambu" in text and "Kunjungan rumah 3 Nov" in text
    shoot(page, "12-change-request-review")
    page.get_by_role("button", name="Terapkan sebagai versi baru").click()
    page.wait_for_load_state()
    assert "diterapkan" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Buka rumah tangga").click()
    history = page.locator("#history").locator("xpath=..").inner_text()
    assert "Atap: Genteng → Bambu" in history and "Sumber: Permintaan perubahan yang disetujui" in history


def test_the_api_documentation_works_offline(page, site):
    """Issue 11 #4: Swagger UI came from a CDN, so /api/v1/docs was blank without the internet."""
    outside: list[str] = []

    def offline(route):
        if route.request.url.startswith(site["url"]):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto(site["url"] + "/api/v1/docs")
    page.locator(".opblock").first.wait_for(timeout=30_000)
    # every operation, from the served OpenAPI document (past about 115 paths Swagger UI renders the
    # operations as they scroll into view, so count what it loaded, not what it drew)
    assert page.evaluate("() => window.ui.specSelectors.operations().size") > 100
    assert "/api/v1/auth/token" in page.locator("#swagger-ui").inner_text()
    assert outside == []
    shoot(page, "13-api-docs")


def test_the_page_fixture_catches_console_errors_and_pages_too_wide(browser, site):
    """The shared page fixture's checks themselves: a broken icon, a script error, a console error and a
    page wider than a phone are all caught."""
    with watched_page(browser) as (page, problems):
        page.goto(site["url"] + "/login")
        page.evaluate("""() => {
            const img = document.createElement('img'); img.src = '/static/missing.png';
            document.body.append(img);
            const wide = document.createElement('div'); wide.style.width = '800px'; wide.textContent = 'x';
            document.querySelector('main').append(wide);
            console.error('boom');
            setTimeout(() => { throw new Error('broken script'); });
        }""")
        page.wait_for_timeout(500)
        with pytest.raises(AssertionError, match="reaches"):
            assert_fits(page)
    found = "\n".join(problems.found)
    assert "404" in found and "boom" in found and "broken script" in found
