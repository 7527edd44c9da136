"""Issue 11 #5 in real headless Chromium: an auditor finds who read a person, checks the chain, exports."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from inklusi.audit.model import Purpose
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.registry import service as registry
from tests.browser import serving, shoot
from tests.factories import BANDUNG_VILLAGE, SYSTEM, household, user


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    """A Bandung household; a case worker who read one member for case management; an auditor."""
    data_dir = tmp_path_factory.mktemp("audit-browser") / "inklusi-data"
    shutil.copytree(sqlite_template, data_dir)
    settings = Settings(data_dir=data_dir, _env_file=None)
    ctx = Context.open(settings)
    registered = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="round-1")
    case_worker = user(ctx, "pendamping", ("case_worker", "32.73"))
    person = registered.person_ids[1]
    registry.get_person(ctx, case_worker, person, purpose=Purpose.case_management)
    user(ctx, "auditor1", ("auditor", None))
    ctx.close()
    with serving(settings) as url:
        yield {"url": url, "person": str(person)}


def no_horizontal_overflow(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_auditor_finds_who_read_a_person_checks_the_chain_and_exports(page, site):
    page.goto(site["url"] + "/")
    page.get_by_label("Nama pengguna").fill("auditor1")
    page.get_by_label("Kata sandi").fill("auditor1-password")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(site["url"] + "/")
    menu = page.get_by_role("navigation", name="Menu utama")
    assert menu.get_by_role("link", name="Log audit").count() == 1
    assert menu.get_by_role("link", name="Registri").count() == 0  # nothing the auditor cannot use
    assert "`" not in page.locator("main").inner_text()

    page.get_by_role(
        "link", name="Cari di log audit: siapa membaca data orang mana, kapan, dan mengapa"
    ).click()
    page.wait_for_url("**/audit")
    page.get_by_label("ID orang, rumah tangga atau catatan lain").fill(site["person"])
    page.get_by_label("Tindakan", exact=True).fill("person.read")
    page.get_by_role("button", name="Cari", exact=True).click()
    page.wait_for_url(re.compile(r".*/audit\?.*object_id="))
    rows = page.locator("table.audit tbody tr")
    assert rows.count() == 1
    found = rows.first.inner_text()
    assert "pendamping" in found and "Org pendamping" in found and "Manajemen kasus" in found
    shoot(page, "20-audit-search")
    page.set_viewport_size({"width": 390, "height": 900})
    assert no_horizontal_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        page.get_by_role("link", name="Ekspor entri ini sebagai CSV").click()
    exported = download.value.path().read_text(encoding="utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert (row["actor_name"], row["action"], row["purpose"]) == (
        "pendamping",
        "person.read",
        "case_management",
    )
    assert row["object_id"] == site["person"] and row["organisation"] == "Org pendamping"

    page.get_by_role("link", name="Periksa rantai").click()
    page.wait_for_url("**/audit/verify")
    assert "Rantai utuh." in page.locator("main").inner_text()
    shoot(page, "21-audit-verify")

    menu.get_by_role("link", name="Log audit", exact=True).click()
    page.get_by_label("Pengguna (nama login)").fill("auditor1")
    page.get_by_role("button", name="Cari", exact=True).click()
    page.wait_for_url(re.compile(r".*/audit\?.*actor=auditor1"))
    actions = page.locator("table.audit tbody").inner_text()
    assert "audit.search" in actions and "audit.verify" in actions and "audit.export" in actions
