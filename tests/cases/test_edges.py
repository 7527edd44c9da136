"""Issue 15 through the API and the command line (both databases): a Dinas Sosial worker refers a case to a
foundation, whose worker accepts, records a vocational training and an income outcome and completes, and
cannot open the rest of the case; the owner sees who viewed it. Refusals are problem+json naming the guard;
a referral without consent is refused and with the override passes, the access log showing the reason."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from inklusi.cases import service
from inklusi.cases.model import TransitionName
from inklusi.cli import app
from tests.cases.conftest import consent, opened
from tests.cases.test_handovers import in_intervention
from tests.conftest import bearer

API = "/api/v1"
TODAY = date.today().isoformat()


def test_a_referral_to_a_foundation_through_the_api(client, world):
    case_id = in_intervention(world)
    consent(world, case_id, "yayasan")
    worker, foundation = bearer(client, "worker"), bearer(client, "foundation")
    made = client.post(
        f"{API}/cases/{case_id}/referrals",
        headers=worker,
        json={
            "to_organisation_id": str(world.orgs["yayasan"]),
            "service_type": "vocational_training",
            "reason": "furniture from waste wood",
        },
    )
    assert made.status_code == 201, made.text
    referral = made.json()["id"]
    assert made.json()["status"] == "pending" and made.json()["consent_id"]
    waiting = client.get(f"{API}/cases/inbox", headers=foundation).json()
    assert [r["id"] for r in waiting["referrals_waiting"]] == [referral]
    assert (
        client.post(f"{API}/referrals/{referral}/accept", headers=foundation).json()["status"] == "accepted"
    )
    recorded = client.post(
        f"{API}/cases/{case_id}/services",
        headers=foundation,
        json={"service_type": "vocational_training", "delivered_on": TODAY, "referral_id": referral},
    )
    assert recorded.status_code == 201, recorded.text
    outcome = client.post(
        f"{API}/cases/{case_id}/outcomes",
        headers=foundation,
        json={
            "kind": "income",
            "recorded_on": TODAY,
            "income_before": 250000,
            "income_after": 1200000,
            "referral_id": referral,
        },
    )
    assert outcome.status_code == 201, outcome.text
    done = client.post(f"{API}/referrals/{referral}/complete", headers=foundation)
    assert done.json()["status"] == "completed"
    seen = client.get(f"{API}/cases/{case_id}", headers=foundation).json()
    assert seen["view"] == "referral" and seen["person"]["name"] == "Budi Santoso"
    for hidden in ("categories", "assessments", "plans", "notes", "transitions", "consents", "phase"):
        assert seen[hidden] is None, hidden
    assert seen["outcomes"][0]["income_after"] == 1200000
    refused = client.post(
        f"{API}/cases/{case_id}/transitions", headers=foundation, json={"transition": "reintegrate"}
    )
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "guard.worker"
    assert client.get(f"{API}/cases/{case_id}/access-log", headers=foundation).status_code == 403
    log = client.get(f"{API}/cases/{case_id}/access-log", headers=worker).json()
    viewers = {(e["actor"], e["view"]) for e in log if e["action"] == "case.read"}
    assert ("foundation", "referral") in viewers
    assert any(e["description"]["id"] for e in log)


def test_guards_and_bad_input_are_problem_details_in_both_languages(client, world):
    case_id = opened(world)
    worker = bearer(client, "worker")
    refused = client.post(
        f"{API}/cases/{case_id}/transitions",
        headers=worker | {"Accept-Language": "en"},
        json={"transition": "propose_plan"},
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["code"] == "case-guard" and body["errors"][0]["code"] == "guard.phase"
    assert "guard: phase" in body["detail"] and body["errors"][0]["message"]["id"].startswith("Kasus")
    invalid = client.post(f"{API}/cases/{case_id}/transitions", headers=worker, json={"transition": "reopen"})
    assert invalid.status_code == 409  # from intake: the phase guard comes first
    missing_reason = client.post(
        f"{API}/cases/{case_id}/break-glass", headers=bearer(client, "lks_worker"), json={"reason": " "}
    )
    assert missing_reason.status_code == 422 and missing_reason.json()["errors"][0]["field"] == "reason"
    bad = client.post(
        f"{API}/cases",
        headers=worker,
        json={"person_id": str(world.persons["adult"]), "categories": ["nonsense"]},
    )
    assert bad.status_code == 422
    issue = bad.json()["errors"][0]
    assert issue["field"] == "categories[0]" and set(issue["message"]) == {"id", "en"}
    stale = client.post(
        f"{API}/cases/{case_id}/transitions", headers=worker, json={"transition": "assess", "version": 7}
    )
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "version.stale"
    assert client.get(f"{API}/cases/{case_id}", headers=bearer(client, "jakarta_worker")).status_code == 404
    assert client.get(f"{API}/cases/{case_id}", headers=bearer(client, "planner")).status_code == 403


def test_a_referral_without_consent_is_refused_and_the_override_is_in_the_access_log(client, world):
    case_id = in_intervention(world)
    body = {
        "to_organisation_id": str(world.orgs["lks"]),
        "service_type": "psychosocial_therapy",
        "reason": "r",
    }
    refused = client.post(f"{API}/cases/{case_id}/referrals", headers=bearer(client, "worker"), json=body)
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "guard.consent_required"
    overridden = client.post(
        f"{API}/cases/{case_id}/referrals",
        headers=bearer(client, "supervisor"),
        json=body | {"override_reason": "in crisis, no family reachable"},
    )
    assert overridden.status_code == 201 and overridden.json()["consent_id"] is None
    log = client.get(f"{API}/cases/{case_id}/access-log", headers=bearer(client, "worker")).json()
    (entry,) = [e for e in log if e["action"] == "case.referral"]
    assert entry["detail"]["override_reason"] == "in crisis, no family reachable"
    assert entry["actor"] == "supervisor"


def test_open_a_case_at_intake_and_walk_it_through_the_api(client, world):
    admin = bearer(client, "admin2")
    made = client.post(
        f"{API}/cases",
        headers=admin,
        json={
            "intake": {"name": "Wawan", "sex": "male", "area_code": "32.73.01.1001", "living_situation": 1},
            "categories": ["homeless"],
            "risk_level": "high",
        },
    )
    assert made.status_code == 201, made.text
    case_id = made.json()["id"]
    assert made.headers["location"] == f"{API}/cases/{case_id}"
    wrong = client.post(
        f"{API}/cases",
        headers=admin,
        json={"intake": {"name": "X", "sex": "male", "area_code": "99.99", "living_situation": 1}},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"].startswith("intake.")
    assessed = client.post(f"{API}/cases/{case_id}/transitions", headers=admin, json={"transition": "assess"})
    assert assessed.status_code == 200
    draft = client.get(f"{API}/cases/{case_id}/assessment-draft", headers=admin).json()
    assert draft["categories"] == ["homeless"] and len(draft["needs"]) == 10
    recorded = client.post(
        f"{API}/cases/{case_id}/assessments",
        headers=admin,
        json={"needs": draft["needs"], "risk_level": "high", "categories": ["homeless"]},
    )
    assert recorded.status_code == 201, recorded.text
    plan = client.post(
        f"{API}/cases/{case_id}/plans",
        headers=admin,
        json={
            "goals": ["a roof"],
            "items": [
                {
                    "service_type": "decent_living_support",
                    "responsible_organisation_id": str(world.orgs["dinsos"]),
                    "start_on": TODAY,
                    "due_on": TODAY,
                }
            ],
        },
    )
    assert plan.status_code == 201, plan.text
    for step in ("propose_plan", "approve_plan"):
        moved = client.post(f"{API}/cases/{case_id}/transitions", headers=admin, json={"transition": step})
        assert moved.status_code == 200, moved.text
    assert moved.json()["phase"] == "intervention"
    case = client.get(f"{API}/cases/{case_id}", headers=admin).json()
    assert case["plans"][0]["status"] == "approved" and case["person"]["name"] == "Wawan"
    listed = client.get(f"{API}/cases", headers=admin).json()
    assert [c["id"] for c in listed["cases"]] == [case_id]
    person = case["person"]["person_id"]
    assert client.get(f"{API}/persons/{person}/cases", headers=admin).json()[0]["view"] == "full"


def run(settings, *args: str):
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, " ".join(result.output.split())


def test_the_command_line_lists_shows_and_reads_the_inbox_as_a_user(settings, world):
    case_id = opened(world)
    service.transition(world.ctx, world["worker"], case_id, TransitionName.assess)
    code, output = run(settings, "cases", "list", "--user", "worker")
    assert code == 0 and "1 of 1 cases" in output and "Budi Santoso" in output and "assessment" in output
    code, output = run(settings, "cases", "show", str(case_id), "--user", "worker")
    assert code == 0 and "full view" in output and "assess" in output
    code, output = run(settings, "cases", "show", str(case_id), "--user", "foundation")
    assert code == 1 and "not found" in output
    code, output = run(settings, "cases", "inbox", "--user", "worker")
    assert code == 0 and "My cases (1)" in output
    code, output = run(settings, "cases", "show", str(case_id), "--user", "worker", "--json")
    assert code == 0 and '"view": "full"' in output
    code, output = run(settings, "cases", "list", "--user", "nobody-here")
    assert code == 1 and "does not exist" in output
