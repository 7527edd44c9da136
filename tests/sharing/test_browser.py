"""The sharing pages in real headless Chromium, in Indonesian: the administrator drafts an agreement
through the form and may not approve it (four eyes: the page says why, and a forced approval is refused
with the reason); a privacy officer approves it; a client is issued, its secret shown once and never
again, then revoked; a data-subject access request is recorded and its deadline shown. Codes read as
words (``disetujui``, ``dipseudonimkan``), the raw code only in a ``<code>`` where a steward needs it."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import pytest

from inklusi.config import Settings
from inklusi.context import Context
from tests.browser import serving
from tests.conftest import ADMIN_PASSWORD
from tests.sharing.world import build


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("sharing-browser") / "inklusi-data"
    shutil.copytree(sqlite_template, data_dir)
    settings = Settings(data_dir=data_dir, _env_file=None)
    ctx = Context.open(settings)
    try:
        world = build(ctx)
    finally:
        ctx.close()
    with serving(settings) as url:
        yield url, world


def log_in(page, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(url + "/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_draft_four_eyes_approve_issue_once_revoke_and_a_subject_request(page, site):
    url, world = site
    log_in(page, url, "admin", ADMIN_PASSWORD)
    page.goto(url + "/sharing/agreements")
    form = page.locator("#agreement-form")
    form.get_by_label("Organisasi mitra").select_option(label="Kementerian Uji")
    form.get_by_role("textbox", name="Nama", exact=True).fill("Verifikasi bansos Bandung")
    form.get_by_label("Tujuan").fill("Verifikasi penerima bantuan sosial")
    form.get_by_label("Dasar hukum").fill("PKS 7/2026")
    form.get_by_role("checkbox", name="Pencarian satu data").check()
    form.get_by_role("checkbox", name="Pencocokan saja").check()
    form.get_by_label("Wilayah (kode").fill("32.73")
    form.get_by_label("NIK", exact=True).select_option(label="dipseudonimkan")
    form.get_by_label("Desil kesejahteraan nasional").select_option(label="apa adanya")
    assert form.get_by_label("Batas sensitivitas").locator("option:checked").inner_text() == (
        "data pribadi umum"
    )
    form.get_by_label("Berlaku mulai").fill(date.today().isoformat())
    form.get_by_label("Berlaku sampai").fill((date.today() + timedelta(days=90)).isoformat())
    form.get_by_role("button", name="Simpan draf").click()
    page.wait_for_url(re.compile(r".*/sharing/agreements/[0-9a-f-]{36}$"))
    agreement_url = page.url
    assert page.locator("#state").inner_text() == "draf"
    operations = page.locator("#operations tbody").inner_text()
    assert "Pencarian satu data (NIK, id, atau pseudonim)" in operations and "Pencocokan saja" in operations
    assert page.locator("#operations code").all_inner_texts() == ["lookup", "match"]
    fields = page.locator("#fields tbody").inner_text()
    assert "dipseudonimkan" in fields and "apa adanya" in fields and "pseudonymise" not in fields
    assert page.locator("#ceiling").inner_text() == "data pribadi umum personal"
    # four eyes: who drafted it is told so, has no approve button, and a forced approval is refused
    assert page.locator("#four-eyes").inner_text() == (
        "Anda menyusun perjanjian ini: orang lain harus menyetujuinya (empat mata)."
    )
    assert page.get_by_role("button", name="Setujui").count() == 0
    page.evaluate(
        """() => { const form = document.createElement('form'); form.method = 'post';
        form.action = location.pathname + '/approve';
        form.appendChild(document.querySelector('input[name=csrf_token]').cloneNode());
        document.body.appendChild(form); form.submit(); }"""
    )
    page.wait_for_load_state()
    page.locator("#problems").wait_for()
    assert "Anda menyusun perjanjian Verifikasi bansos Bandung: orang lain harus menyetujuinya" in (
        page.locator("#problems").inner_text()
    )
    assert page.locator("#state").inner_text() == "draf"

    log_in(page, url, "petugas_privasi", "petugas_privasi-password")
    page.goto(agreement_url)
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_url(agreement_url)
    assert page.locator("#state").inner_text() == "disetujui"
    page.goto(url + "/sharing/agreements")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.title() == "Data-sharing agreements · Inklusi"
    row = page.locator("#agreements tr", has_text="Verifikasi bansos Bandung")
    assert row.locator(".badge").inner_text() == "approved"
    assert "Lookup of one record (NIK, id or pseudonym) (1,000)" in row.inner_text()

    log_in(page, url, "admin", ADMIN_PASSWORD)
    page.goto(url + "/sharing/clients")
    issue = page.locator("#client-form")
    issue.get_by_label("Perjanjian").select_option(label="Verifikasi bansos Bandung — Kementerian Uji")
    issue.get_by_label("Nama").fill("Portal verifikasi")
    issue.get_by_role("button", name="Terbitkan").click()
    issued = page.locator("#issued")
    issued.wait_for()
    assert "rahasia hanya ditampilkan sekali ini" in issued.inner_text()
    client_id, secret = page.locator("#client-id").inner_text(), page.locator("#client-secret").inner_text()
    assert len(secret) >= 32
    page.goto(url + "/sharing/clients")  # the page opened again: the secret is gone for good
    assert page.locator("#issued").count() == 0 and secret not in page.content()
    row = page.locator("#clients tr", has_text=client_id)
    assert row.locator("td").nth(1).inner_text() == "Verifikasi bansos Bandung (disetujui)"
    assert row.locator("td").nth(2).inner_text() == "aktif"
    row.get_by_label("Alasan pencabutan").fill("Portal ditutup")
    row.get_by_role("button", name="Cabut").click()
    page.wait_for_url(url + "/sharing/clients")
    state = page.locator("#clients tr", has_text=client_id).locator("td").nth(2).inner_text()
    assert state.startswith("dicabut") and state.endswith("Portal ditutup")

    person = world.person(world.jakarta[0])
    page.goto(url + "/sharing/subjects/new")
    request = page.locator("#subject-form")
    request.get_by_label("NIK atau id orang tersebut").fill(world.niks[person])
    request.get_by_label("Akses: data yang disimpan, siapa yang membacanya").check()
    request.get_by_label("Yang diminta orang tersebut").fill("Ingin tahu siapa yang membaca data saya")
    request.get_by_role("button", name="Catat permintaan ini").click()
    page.wait_for_url(re.compile(r".*/sharing/subjects/[0-9a-f-]{36}$"))
    facts = page.locator("#request")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Akses: data yang disimpan, siapa yang membacanya"
    assert facts.locator("dt").all_inner_texts()[:3] == ["Status", "Diterima", "Tenggat"]
    assert facts.locator("dd").nth(0).inner_text() == "diterima"
    due = facts.locator("dd").nth(2)
    assert due.locator("[data-deadline]").inner_text() == "tepat waktu"
    due_at = due.inner_text().split(" · ")[0]
    assert re.search(r"\d{4}", due_at)  # a date and time, 3 x 24 hours after it was received
    page.goto(url + "/sharing/subjects")
    queued = page.locator("#subject-requests tbody tr", has_text="Ingin tahu siapa")
    assert queued.locator("td").nth(2).inner_text() == "diterima"
    assert queued.locator("[data-deadline]").inner_text() == "tepat waktu"
    assert queued.locator("td").nth(3).inner_text() == due_at
