"""Issue 15: the case pages over HTTP (TestClient), in Indonesian and English: a Dinas Sosial worker's
inbox, case, its assessment, plan and referral pages, who viewed it, breaking the glass and the dashboards;
what a referral's receiving organisation sees (the referral, never the rest of the case); a user with no
relation to the case (404, like a case that does not exist). Forms post with the CSRF token and a refusal
is shown in the form that was sent, beside its field, with what was typed."""

from __future__ import annotations

import re
from datetime import date

import pytest

from inklusi.cases import service
from inklusi.cases.model import TransitionName
from inklusi.ppks.model import ServiceType
from tests.app.test_language import english_phrases, problems_in
from tests.cases.conftest import USERS, consent, opened
from tests.cases.test_handovers import in_intervention
from tests.cases.test_lifecycle import assessment
from tests.conftest import csrf_of, login

LANGUAGES = ("id", "en")
SENSITIVE = ("Korban penyalahgunaan NAPZA", "Victims of drug abuse")  # the case's sensitive category


@pytest.fixture
def scene(world):
    """A case of the Dinas Sosial in intervention (poor, drug abuse victim), referred with consent to the
    foundation (pending); another in assessment with an assessment (its plan is drafted next)."""
    case_id = in_intervention(world)
    consent(world, case_id, "yayasan")
    referral = service.refer(
        world.ctx,
        world["worker"],
        case_id,
        to_organisation_id=world.orgs["yayasan"],
        service_type=ServiceType.vocational_training,
        reason="furniture from waste wood",
    )
    planned = opened(world, person="child")
    service.transition(world.ctx, world["worker"], planned, TransitionName.assess)
    service.record_assessment(world.ctx, world["worker"], planned, assessment())
    return {"case": case_id, "referral": referral.id, "planned": planned, "person": world.persons["adult"]}


def as_user(client, username: str, language: str = "id") -> None:
    client.cookies.clear()
    assert login(client, username, f"{username}-password").status_code == 303
    client.cookies.set("inklusi_lang", language)


NAMES = {f"English: {name.title()!r}" for name in USERS}  # the users' names (Worker, Supervisor …)


def fine(response, english=None) -> str:
    """The page answered 200; in Indonesian, it holds no English, raw code or ISO date."""
    assert response.status_code == 200, response.text[:2000]
    if english is not None:
        found = [problem for problem in problems_in(response.text, english)[0] if problem not in NAMES]
        assert found == [], response.url
    return response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_worker_s_pages_in_both_languages(client, world, scene, language):
    as_user(client, "worker", language)
    english = english_phrases() if language == "id" else None
    case, planned = scene["case"], scene["planned"]
    inbox = fine(client.get("/cases"), english)
    assert f'<html lang="{language}">' in inbox and "Budi Santoso" in inbox
    assert ("Kasus saya" if language == "id" else "My cases") in inbox
    assert f'href="/cases/{case}"' in inbox and 'href="/cases/new"' in inbox
    page = fine(client.get(f"/cases/{case}"), english)
    assert SENSITIVE[language == "en"] in page  # the worker holds ppks:sensitive
    assert "relapsed once last year" in page  # the note
    for part in ("steps", "assessment", "plan", "services", "outcomes", "referrals", "consents", "notes"):
        assert f'id="{part}"' in page, part
    assert ("Ajukan terminasi" if language == "id" else "Propose termination") in page
    assert f'href="/cases/{case}/access-log"' in page and f'href="/cases/{case}/refer"' in page
    for path in (
        f"/cases/{case}/access-log",
        f"/cases/{case}/assessment",
        f"/cases/{case}/refer",
        f"/cases/{case}/refer?service_type=vocational_training",
        f"/cases/{planned}/plan",
        "/cases/new",
        "/cases/new?q=Budi+Santoso",
        f"/cases/new?person_id={scene['person']}",
        "/cases/break-glass",
        "/cases/dashboard",
        "/cases?phase=intervention",
    ):
        fine(client.get(path), english)
    log = fine(client.get(f"/cases/{case}/access-log"))
    assert "Worker" in log and "Dinas Sosial Kota Bandung" in log
    person = fine(client.get(f"/persons/{scene['person']}"))
    assert f'href="/cases/new?person_id={scene["person"]}"' in person  # from a person's page
    held = fine(client.get(f"/cases/new?person_id={scene['person']}"))
    assert f'href="/cases/{case}"' in held and "Dinas Sosial Kota Bandung" in held
    referral = client.get(f"/cases/{case}/refer", headers={"HX-Request": "true"}).text
    assert referral.lstrip().startswith('<fieldset id="targets"')


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_receiver_sees_the_referral_and_nothing_else(client, world, scene, language):
    as_user(client, "foundation", language)
    english = english_phrases() if language == "id" else None
    case = scene["case"]
    inbox = fine(client.get("/cases"), english)
    assert f'action="/cases/{case}/referrals/{scene["referral"]}/accept"' in inbox
    page = fine(client.get(f"/cases/{case}"), english)
    assert "Budi Santoso" in page and "furniture from waste wood" in page
    for hidden in (*SENSITIVE, "Fakir miskin", "Poor", "relapsed once last year", "lives alone"):
        assert hidden not in page, hidden
    for part in ('id="assessment"', 'id="plan"', 'id="notes"', 'id="consents"', "/access-log", "/assessment"):
        assert part not in page, part
    assert client.get(f"/cases/{case}/access-log").status_code == 403
    assert client.get(f"/cases/{case}/assessment").status_code == 404
    assert client.get(f"/cases/{case}/refer").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_relation_is_not_found_and_no_permission_is_forbidden(client, world, scene, language):
    case = scene["case"]
    as_user(client, "jakarta_worker", language)
    for path in (f"/cases/{case}", f"/cases/{case}/access-log", f"/cases/{case}/refer"):
        response = client.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    token = csrf_of(client.get("/cases").text)
    posted = client.post(f"/cases/{case}/notes", data={"csrf_token": token, "text": "hello"})
    assert posted.status_code == 404
    as_user(client, "planner", language)
    assert client.get("/cases").status_code == 403
    assert client.get(f"/cases/{case}").status_code == 403
    figures = fine(client.get("/cases/dashboard"))
    assert 'id="area-cases"' in figures and '/cases"' not in figures


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_menu_offers_the_case_pages_to_those_who_may_open_them(client, ctx):
    from inklusi.access.model import Permission
    from tests.audit.test_audit_pages import menu, role_users

    for name, (_principal, role) in role_users(ctx).items():
        as_user(client, f"user.{name}")
        offered = menu(client.get("/directory").text)
        reads = Permission.cases_read in role.permissions
        figures = reads or Permission.ppks_read in role.permissions
        assert ("/cases" in offered) == reads, name
        assert ("/cases/dashboard" in offered) == figures, name
        assert client.get("/cases").status_code == (200 if reads else 403), name
        assert client.get("/cases/dashboard").status_code == (200 if figures else 403), name
        writes = Permission.cases_write in role.permissions
        assert client.get("/cases/new").status_code == (200 if writes else 403), name


def test_a_refusal_is_shown_in_the_form_with_what_was_typed(client, world, scene):
    case = scene["case"]
    as_user(client, "worker")
    token = csrf_of(client.get(f"/cases/{case}").text)
    referral = scene["referral"]
    missing = client.post(
        f"/cases/{case}/referrals/{referral}/revoke", data={"csrf_token": token, "reason": " "}
    )
    assert missing.status_code == 422 and f'id="problems-revoke-{referral}"' in missing.text
    assert f'aria-invalid="true" aria-describedby="revoke-{referral}-reason-error"' in missing.text
    held = client.post(
        f"/cases/{case}/transitions",
        data={"csrf_token": token, "transition": "propose_termination", "reason": "done"},
    )  # a referral is still open: no form for it on the page, the refusal is shown at the top
    assert held.status_code == 409 and 'id="problems-transition-propose_termination"' in held.text
    assert "rujukan masih terbuka" in held.text
    stale = client.post(
        f"/cases/{case}/transitions", data={"csrf_token": token, "transition": "reintegrate", "version": "1"}
    )
    assert stale.status_code == 409 and "diubah orang lain" in stale.text
    outcome = client.post(
        f"/cases/{case}/outcomes",
        data={"csrf_token": token, "kind": "income", "recorded_on": "kemarin", "income_before": "sejuta"},
    )
    assert outcome.status_code == 422
    assert "kemarin bukan tanggal" in outcome.text and "sejuta bukan bilangan bulat" in outcome.text
    assert 'value="sejuta"' in outcome.text  # what was typed stays
    assert client.post(f"/cases/{case}/notes", data={"text": "no token"}).status_code == 403
    noted = client.post(
        f"/cases/{case}/notes", data={"csrf_token": token, "text": "visited at home"}, follow_redirects=False
    )
    assert noted.status_code == 303 and noted.headers["location"] == f"/cases/{case}#notes"
    assert "visited at home" in client.get(f"/cases/{case}").text
    intake = client.post(
        "/cases/new", data={"csrf_token": token, "intake": "1", "intake.name": "", "intake.sex": "male"}
    )
    assert intake.status_code == 422 and 'id="problems-open"' in intake.text


def test_a_plan_is_drafted_proposed_and_approved_from_the_pages(client, world, scene):
    planned = scene["planned"]
    as_user(client, "worker")
    form = client.get(f"/cases/{planned}/plan").text
    token = csrf_of(form)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    today = date.today().isoformat()
    wrong = client.post(
        f"/cases/{planned}/plan",
        data={
            "csrf_token": token,
            "version": version,
            "rows": "3",
            "goals": "Sekolah lagi",
            "item-1-service_type": "social_care",
            "item-1-organisation": str(world.orgs["dinsos"]),
            "item-1-start_on": today,
            "item-1-due_on": "2000-01-01",
        },
    )
    assert wrong.status_code == 422 and 'id="item-1-due-error"' in wrong.text
    saved = client.post(
        f"/cases/{planned}/plan",
        data={
            "csrf_token": token,
            "version": version,
            "rows": "3",
            "goals": "Sekolah lagi",
            "item-1-service_type": "social_care",
            "item-1-organisation": str(world.orgs["dinsos"]),
            "item-1-start_on": today,
            "item-1-due_on": today,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:3000]
    page = client.get(f"/cases/{planned}").text
    assert "Sekolah lagi" in page and "Ajukan rencana" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    proposed = client.post(
        f"/cases/{planned}/transitions",
        data={"csrf_token": token, "transition": "propose_plan", "version": version},
        follow_redirects=False,
    )
    assert proposed.status_code == 303
    page = client.get(f"/cases/{planned}").text
    assert "Setujui rencana" not in page  # the worker proposed it; a supervisor approves
    as_user(client, "supervisor")
    page = client.get(f"/cases/{planned}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    approved = client.post(
        f"/cases/{planned}/transitions",
        data={"csrf_token": csrf_of(page), "transition": "approve_plan", "version": version},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert "Intervensi" in client.get(f"/cases/{planned}").text


def test_an_assessment_is_recorded_from_its_prefilled_page(client, world, scene):
    case = scene["case"]
    as_user(client, "worker")
    form = client.get(f"/cases/{case}/assessment").text
    assert 'name="need.vocational_training"' in form and 'value="drug_abuse_victims" ' in form
    data = {"csrf_token": csrf_of(form), "risk_level": "medium", "categories": ["poor"], "summary": "ok"}
    data |= {f"need.{t.value}": "low" for t in ServiceType}
    recorded = client.post(f"/cases/{case}/assessment", data=data, follow_redirects=False)
    assert recorded.status_code == 303, recorded.text[:2000]
    assert service.case_view(world.ctx, world["worker"], case).risk_level.value == "medium"


def test_break_the_glass_opens_the_case_and_the_owner_is_told(client, world, scene):
    case = scene["case"]
    as_user(client, "lks_worker")
    assert client.get(f"/cases/{case}").status_code == 404
    form = client.get(f"/cases/break-glass?case_id={case}").text
    token = csrf_of(form)
    empty = {"csrf_token": token, "case_id": str(case), "reason": ""}
    refused = client.post("/cases/break-glass", data=empty)
    assert refused.status_code == 422 and 'id="glass-reason-error"' in refused.text
    opened_ = client.post(
        "/cases/break-glass",
        data={"csrf_token": token, "case_id": str(case), "reason": "found unconscious"},
        follow_redirects=False,
    )
    assert opened_.status_code == 303 and opened_.headers["location"] == f"/cases/{case}"
    page = client.get(f"/cases/{case}").text
    assert "found unconscious" in page and 'id="steps"' not in page and "/refer" not in page
    as_user(client, "worker")
    inbox = client.get("/cases").text
    assert "found unconscious" in inbox and "Lks_Worker" in inbox


@pytest.mark.parametrize("language", LANGUAGES)
def test_offered_a_transfer_an_organisation_reads_the_summary_and_answers_from_the_inbox(
    client, world, scene, language
):
    from inklusi.cases.handovers import ConsentPurpose

    case, referral = scene["case"], scene["referral"]
    consent(world, case, "lks", purpose=ConsentPurpose.transfer)
    as_user(client, "worker", language)
    token = csrf_of(client.get(f"/cases/{case}").text)
    offer = {"csrf_token": token, "to_organisation_id": str(world.orgs["lks"]), "reason": "closer to home"}
    proposed = client.post(f"/cases/{case}/transfers", data=offer, follow_redirects=False)
    assert proposed.status_code == 303, proposed.text[:2000]
    english = english_phrases() if language == "id" else None
    as_user(client, "lks_worker", language)
    inbox = fine(client.get("/cases"), english)
    assert 'id="transfers-waiting"' in inbox and "closer to home" in inbox
    summary = fine(client.get(f"/cases/{case}"), english)
    assert "closer to home" in summary and ("Fakir miskin" if language == "id" else "Poor") in summary
    for hidden in (*SENSITIVE, "relapsed once last year", "furniture from waste wood", 'id="notes"'):
        assert hidden not in summary, hidden
    token = csrf_of(inbox)
    transfer = service.case_view(world.ctx, world["worker"], case).transfers[0].id
    refusal = {"csrf_token": token, "next": "/cases", "reason": ""}
    again = client.post(f"/cases/{case}/transfers/{transfer}/refuse", data=refusal)
    assert again.status_code == 422 and f'id="problems-refuse-{transfer}"' in again.text
    assert 'id="transfers-waiting"' in again.text  # the inbox again, the refusal in its form
    refusal["reason"] = "no places left"
    refused = client.post(f"/cases/{case}/transfers/{transfer}/refuse", data=refusal, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/cases"
    assert client.get(f"/cases/{case}").status_code == 404  # not theirs to see any more
    as_user(client, "foundation", language)
    token = csrf_of(client.get("/cases").text)
    rejection = {"csrf_token": token, "next": "/cases", "reason": "no places left"}
    rejected = client.post(
        f"/cases/{case}/referrals/{referral}/reject", data=rejection, follow_redirects=False
    )
    assert rejected.status_code == 303 and rejected.headers["location"] == "/cases"
    assert client.get(f"/cases/{case}").status_code == 404
