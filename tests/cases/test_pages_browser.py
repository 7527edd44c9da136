"""Issue 15 in real headless Chromium, on a world of its own: a regency's Dinas Sosial and a foundation
doing livelihood support, which the service directory lists with a vocational-training service in the city
(linked to its Inklusi organisation); their workers; a person in intervention who consented to a referral.

The Dinas Sosial worker refers the case to the foundation, choosing the target from the directory; the
foundation's worker accepts it from the inbox, records a vocational training and an income outcome and
completes the referral, and cannot open the rest of the case (assessment, notes, other referrals and the
categories are absent from the page and from the API); the owner sees who viewed the case. A referral
without consent is refused in the form; with the override's reason it passes and the access log shows it.
Screenshots of the case page and the inbox go to ``test-output/screenshots``."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from uuid import uuid5

import pytest
from playwright.sync_api import expect

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind
from inklusi.cases import service
from inklusi.cases.handovers import Consent, ConsentPurpose
from inklusi.cases.model import TransitionName
from inklusi.cases.records import Assessment, Plan, PlanItem, RiskLevel, prefilled_needs
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.directory import service as directory
from inklusi.directory.hsds_out import to_hsds
from inklusi.directory.model import NAMESPACE, Organisation, Service, ServiceArea
from inklusi.ppks.model import ServiceType
from inklusi.registry import service as registry
from tests.browser import serving, shoot
from tests.factories import BANDUNG_VILLAGE, SYSTEM, household

BANDUNG = "32.73"
CATEGORIES = ("poor", "drug_abuse_victims")
USERS = {  # username: (organisation, role)
    "pekerja.dinsos": ("dinsos", "case_worker"),
    "supervisor.dinsos": ("dinsos", "case_supervisor"),
    "pendamping.yayasan": ("yayasan", "case_worker"),
}
ORGANISATIONS = {
    "dinsos": ("Dinas Sosial Kota Bandung", OrganisationKind.regional),
    "yayasan": ("Yayasan Kayu Bekas Lestari", OrganisationKind.ngo),
    "lks": ("LKS Harapan Bandung", OrganisationKind.ngo),
}


def _directory(ctx, orgs) -> None:
    """The directory: the foundation's vocational training in the city and its enterprise coaching, and an
    LKS's psychosocial therapy; each directory organisation linked to its Inklusi organisation."""
    foundation = Organisation(uuid5(NAMESPACE, "cases-web:yayasan"), ORGANISATIONS["yayasan"][0])
    lks = Organisation(uuid5(NAMESPACE, "cases-web:lks"), ORGANISATIONS["lks"][0])
    city = (ServiceArea(uuid5(NAMESPACE, "cases-web:area"), BANDUNG),)
    services = [
        Service(
            uuid5(NAMESPACE, "cases-web:training"),
            foundation,
            "Pelatihan mebel dari kayu bekas",
            service_type=ServiceType.vocational_training,
            capacity=12,
            areas=city,
        ),
        Service(
            uuid5(NAMESPACE, "cases-web:coaching"),
            foundation,
            "Pendampingan usaha mebel",
            service_type=ServiceType.entrepreneurship,
            areas=city,
        ),
        Service(
            uuid5(NAMESPACE, "cases-web:therapy"),
            lks,
            "Konseling pemulihan NAPZA",
            service_type=ServiceType.psychosocial_therapy,
        ),
    ]
    report = directory.import_hsds(ctx, SYSTEM, [to_hsds(s) for s in services], source="test")
    assert report.errors == ()
    directory.link_organisation(ctx, SYSTEM, foundation.id, orgs["yayasan"])
    directory.link_organisation(ctx, SYSTEM, lks.id, orgs["lks"])


def _in_intervention(ctx, worker, supervisor, person, orgs):
    case_id = service.open_case(ctx, worker, person_id=person, categories=list(CATEGORIES)).id
    service.transition(ctx, worker, case_id, TransitionName.assess)
    needs = prefilled_needs(CATEGORIES)
    service.record_assessment(
        ctx, worker, case_id, Assessment(needs, RiskLevel.high, CATEGORIES, "secret assessment summary")
    )
    today = date.today()
    item = PlanItem(ServiceType.vocational_training, orgs["yayasan"], today, today + timedelta(days=90))
    service.record_plan(ctx, worker, case_id, Plan(("Earn a living from furniture",), (item,)))
    service.add_note(ctx, worker, case_id, "secret note about a relapse")
    service.transition(ctx, worker, case_id, TransitionName.propose_plan)
    service.transition(ctx, supervisor, case_id, TransitionName.approve_plan)
    return case_id


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cases-web")
    settings = Settings(data_dir=folder / "inklusi-data", _env_file=None)
    shutil.copytree(sqlite_template, settings.data_dir)
    ctx = Context.open(settings)
    try:
        orgs = {
            key: access.create_organisation(ctx, SYSTEM, name, kind, BANDUNG)
            for key, (name, kind) in ORGANISATIONS.items()
        }
        for username, (org, role) in USERS.items():
            access.create_user(
                ctx,
                SYSTEM,
                username=username,
                password=f"{username}-password",
                organisation_id=orgs[org],
                display_name=username.replace(".", " ").title(),
                grants=[(role, BANDUNG)],
            )
        users = {name: access.principal_of(ctx, name) for name in USERS}
        _directory(ctx, orgs)
        people = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="test")
        worker, supervisor = users["pekerja.dinsos"], users["supervisor.dinsos"]
        referred = _in_intervention(ctx, worker, supervisor, people.person_ids[0], orgs)
        consent = Consent(ConsentPurpose.referral, "vocational training and its records", date.today())
        service.record_consent(ctx, worker, referred, consent)  # to any organisation
        unconsented = _in_intervention(ctx, worker, supervisor, people.person_ids[1], orgs)
    finally:
        ctx.close()
    with serving(settings) as url:
        yield {"url": url, "referred": referred, "unconsented": unconsented, "settings": settings}


def log_in(page, site, username: str) -> None:
    page.context.clear_cookies()
    page.goto(site["url"] + "/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(f"{username}-password")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def test_a_referral_to_a_foundation_chosen_from_the_directory(page, site):
    url, case = site["url"], site["referred"]
    log_in(page, site, "pekerja.dinsos")
    page.goto(url + "/cases")
    shoot(page, "cases-inbox")
    page.get_by_role("link", name="Budi Santoso").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{case}")
    shoot(page, "cases-case")
    page.get_by_role("link", name="Rujuk ke layanan").click()
    page.get_by_label("Jenis layanan (ATENSI)").select_option("vocational_training")
    targets = page.locator("#targets")
    expect(targets.get_by_text("Konseling pemulihan NAPZA")).to_have_count(0)  # HTMX: filtered
    expect(targets.get_by_text("Pelatihan mebel dari kayu bekas")).to_have_count(1)
    page.get_by_label("Pelatihan mebel dari kayu bekas").check()
    page.get_by_label("Mengapa yang bersangkutan dirujuk").fill("Belajar membuat mebel dari kayu bekas")
    shoot(page, "cases-refer")
    page.get_by_role("button", name="Kirim rujukan").click()
    page.wait_for_load_state()
    referrals = page.locator("#referrals")
    assert "Yayasan Kayu Bekas Lestari" in referrals.inner_text()
    assert "Menunggu jawaban" in referrals.inner_text()

    log_in(page, site, "pendamping.yayasan")
    page.goto(url + "/cases")
    waiting = page.locator("#referrals-waiting")
    assert "Budi Santoso" in waiting.inner_text() and "Pelatihan vokasional" in waiting.inner_text()
    waiting.get_by_role("button", name="Terima rujukan").click()
    page.wait_for_load_state()
    assert f"/cases/{case}" in page.url
    page.get_by_text("Catat layanan yang diberikan").click()
    page.get_by_role("button", name="Catat layanan ini").click()
    page.wait_for_load_state()
    page.get_by_text("Catat hasil", exact=True).click()
    page.get_by_label("Hasil", exact=True).select_option("income")
    page.get_by_label("Pendapatan sebelum (Rp per bulan)").fill("250000")
    page.get_by_label("Pendapatan sesudah (Rp per bulan)").fill("1200000")
    page.get_by_role("button", name="Catat hasil ini").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Layanan sudah diberikan: selesaikan rujukan").click()
    page.wait_for_load_state()
    seen = page.locator("main").inner_text()
    assert "Selesai" in seen and "1.200.000" in seen and "Pelatihan vokasional" in seen
    shoot(page, "cases-referral-view")
    for hidden in (
        "Fakir miskin",
        "Korban penyalahgunaan NAPZA",
        "secret note about a relapse",
        "secret assessment summary",
        "Asesmen",
        "Earn a living from furniture",
    ):
        assert hidden not in page.content(), hidden
    assert page.goto(f"{url}/cases/{case}/assessment").status == 404
    assert page.goto(f"{url}/cases/{case}/access-log").status == 403
    token = page.request.post(
        url + "/api/v1/auth/token",
        form={"username": "pendamping.yayasan", "password": "pendamping.yayasan-password"},
    ).json()["access_token"]
    read = page.request.get(f"{url}/api/v1/cases/{case}", headers={"Authorization": f"Bearer {token}"})
    body = read.json()
    assert body["view"] == "referral" and len(body["referrals"]) == 1
    for part in ("categories", "assessments", "plans", "notes", "consents", "transitions"):
        assert body[part] is None, part

    log_in(page, site, "pekerja.dinsos")
    page.goto(f"{url}/cases/{case}/access-log")
    log = page.locator("#access-log").inner_text()
    assert "pendamping.yayasan" in log and "Yayasan Kayu Bekas Lestari" in log and "rujukan saja" in log
    shoot(page, "cases-access-log")


def test_a_referral_without_consent_is_refused_in_the_form_and_the_override_is_logged(page, site):
    url, case = site["url"], site["unconsented"]
    log_in(page, site, "pekerja.dinsos")
    page.goto(f"{url}/cases/{case}/refer?service_type=psychosocial_therapy")
    assert page.get_by_label("Tanpa persetujuan yang bersangkutan").count() == 0  # no override here
    page.get_by_label("Konseling pemulihan NAPZA").check()
    page.get_by_label("Mengapa yang bersangkutan dirujuk").fill("Konseling pemulihan")
    page.get_by_role("button", name="Kirim rujukan").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "Tidak ada persetujuan yang sah" in alert.inner_text()
    assert page.get_by_label("Mengapa yang bersangkutan dirujuk").input_value() == "Konseling pemulihan"

    log_in(page, site, "supervisor.dinsos")
    page.goto(f"{url}/cases/{case}/refer?service_type=psychosocial_therapy")
    page.get_by_label("Konseling pemulihan NAPZA").check()
    page.get_by_label("Mengapa yang bersangkutan dirujuk").fill("Konseling pemulihan")
    page.get_by_label("Tanpa persetujuan yang bersangkutan").fill("Krisis, keluarga tidak dapat dihubungi")
    page.get_by_role("button", name="Kirim rujukan").click()
    page.wait_for_load_state()
    referrals = page.locator("#referrals").inner_text()
    assert "Tanpa persetujuan: Krisis, keluarga tidak dapat dihubungi" in referrals
    page.get_by_role("link", name="Siapa yang melihat kasus ini").click()
    log = page.locator("#access-log").inner_text()
    assert "Tanpa persetujuan karena: Krisis, keluarga tidak dapat dihubungi" in log
