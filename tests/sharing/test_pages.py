"""The sharing pages: the index, drafting an agreement, four eyes on approval, revoking it, issuing
credentials (the secret shown once), rotating and revoking them — in Indonesian and English, with CSRF."""

from __future__ import annotations

import re
from datetime import date, timedelta

from inklusi.sharing import service as sharing
from tests.conftest import csrf_of, login
from tests.sharing.world import build


def _form(ministry) -> dict[str, str]:
    today = date.today()
    return {
        "organisation_id": str(ministry),
        "name": "Perjanjian halaman",
        "purpose": "Verifikasi penerima bantuan",
        "legal_basis": "PKS 2/2026",
        "op_lookup": "1",
        "quota_lookup": "50",
        "areas": "32.73",
        "deciles": "1",
        "field_household.decile": "as_is",
        "field_person.nik": "pseudonymise",
        "sensitivity_ceiling": "personal",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=90)).isoformat(),
        "retention_days": "90",
        "rate_per_minute": "30",
    }


def test_draft_approve_and_revoke_through_the_pages(client, ctx):
    world = build(ctx)
    assert login(client, "pengelola", "pengelola-password").status_code == 303
    index = client.get("/sharing")
    assert (
        index.status_code == 200 and "/sharing/agreements" in index.text and "/sharing/clients" in index.text
    )
    page = client.get("/sharing/agreements")
    assert "Zakat DKI" in page.text and 'id="agreement-form"' in page.text
    token = csrf_of(page.text)
    bad = client.post(
        "/sharing/agreements", data=_form(world.ministry) | {"csrf_token": token, "valid_to": "x"}
    )
    assert bad.status_code == 422 and 'id="problems"' in bad.text and "Perjanjian halaman" in bad.text
    no_csrf = client.post("/sharing/agreements", data=_form(world.ministry))
    assert no_csrf.status_code == 403
    made = client.post(
        "/sharing/agreements", data=_form(world.ministry) | {"csrf_token": token}, follow_redirects=False
    )
    assert made.status_code == 303
    detail = client.get(made.headers["location"])
    assert 'id="four-eyes"' in detail.text and 'id="approve-form"' not in detail.text
    agreement_id = made.headers["location"].rsplit("/", 1)[1]
    client.cookies.clear()
    assert login(client, "petugas_privasi", "petugas_privasi-password").status_code == 303
    detail = client.get(f"/sharing/agreements/{agreement_id}")
    approved = client.post(
        f"/sharing/agreements/{agreement_id}/approve", data={"csrf_token": csrf_of(detail.text)},
        follow_redirects=False,
    )  # fmt: skip
    assert approved.status_code == 303
    client.cookies.set("inklusi_language", "en")
    assert "approved" in client.get(f"/sharing/agreements/{agreement_id}").text
    client.cookies.clear()
    assert login(client, "pengelola", "pengelola-password").status_code == 303
    detail = client.get(f"/sharing/agreements/{agreement_id}")
    form = {"csrf_token": csrf_of(detail.text), "reason": "Selesai"}
    revoked = client.post(f"/sharing/agreements/{agreement_id}/revoke", data=form, follow_redirects=False)
    assert revoked.status_code == 303
    info = sharing.get_agreement(ctx, world.drafter, world.ministry_agreement)
    assert info.state == "approved"  # the others stay


def test_credentials_are_shown_once_rotated_and_revoked(client, ctx):
    world = build(ctx)
    assert login(client, "pengelola", "pengelola-password").status_code == 303
    page = client.get("/sharing/clients")
    assert world.foundation_client.client_id in page.text
    assert world.foundation_client.client_secret not in page.text
    issued = client.post(
        "/sharing/clients",
        data={
            "csrf_token": csrf_of(page.text),
            "agreement_id": str(world.ministry_agreement),
            "name": "Portal",
        },
    )
    assert issued.status_code == 201
    secret = re.search(r'id="client-secret">([^<]+)<', issued.text).group(1)
    client_id = re.search(r'id="client-id">([^<]+)<', issued.text).group(1)
    assert sharing.issue_token(ctx, client_id, secret).access_token
    again = client.get("/sharing/clients")
    assert secret not in again.text
    rotated = client.post(f"/sharing/clients/{client_id}/rotate", data={"csrf_token": csrf_of(again.text)})
    new_secret = re.search(r'id="client-secret">([^<]+)<', rotated.text).group(1)
    assert new_secret != secret
    revoked = client.post(
        f"/sharing/clients/{client_id}/revoke", data={"csrf_token": csrf_of(rotated.text), "reason": "Bocor"},
        follow_redirects=False,
    )  # fmt: skip
    assert revoked.status_code == 303
    assert sharing.list_clients(ctx, world.drafter)[0].revoked_reason == "Bocor"


def test_pages_refuse_who_may_not(client, ctx):
    build(ctx)
    from tests.factories import user

    user(ctx, "pencacah", ("enumerator", "31"))
    assert login(client, "pencacah", "pencacah-password").status_code == 303
    assert client.get("/sharing").status_code == 403
    assert client.get("/sharing/agreements").status_code == 403


RAW_CODES = re.compile(
    r"\b(as_is|pseudonymise|generalise|not_yet_valid|in_progress|on_time|due_soon|registry_record|"
    r"welfare_rank|neglected_elderly|people_living_with_hiv|persons_with_disabilities)\b"
)
ENGLISH_CODES = re.compile(r"\b(approved|draft|revoked|lookup|search|extract|match|personal|received)\b")


def _words_shown(html: str) -> str:
    """What a person reads: the page's text without its <code> elements, tags, attributes and script."""
    html = re.sub(r"<(code|script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_no_page_shows_a_raw_code_in_either_language(client, ctx):
    world = build(ctx)
    person = world.person(world.jakarta[0])
    asked = sharing.submit_request(
        ctx, world.approver, sharing.RequestInput(kind="access", statement="Siapa membaca", person_id=person)
    )
    assert login(client).status_code == 303
    pages = [
        "/sharing", "/sharing/agreements", f"/sharing/agreements/{world.foundation_agreement}",
        "/sharing/clients", "/sharing/releases", f"/sharing/releases/{world.releases['foundation']}",
        "/sharing/subjects", "/sharing/subjects/new", f"/sharing/subjects/{asked.id}",
        f"/sharing/subjects/{asked.id}/report", f"/sharing/audit?person={person}",
        f"/sharing/breach?partner={world.foundation_client.client_id}&date_from={date.today()}"
        f"&date_to={date.today()}",
    ]  # fmt: skip
    for language in ("id", "en"):
        client.cookies.set("inklusi_lang", language)
        for path in pages:
            answer = client.get(path)
            assert answer.status_code == 200, path
            shown = _words_shown(answer.text)
            assert RAW_CODES.findall(shown) == [], (language, path)
            if language == "id":
                assert ENGLISH_CODES.findall(shown) == [], path
    agreement = client.get(f"/sharing/agreements/{world.foundation_agreement}").text  # English
    assert "Pseudonymised" not in agreement and "pseudonymised" in agreement
    assert '<code translate="no">lookup</code>' in agreement and "general personal data <code" in agreement
    assert 'Verified PPKS categories <code translate="no">person.ppks_categories</code>' in agreement
