"""Issue 14: the PPKS API, page and commands around identification: decisions, problem details in both
languages, CSRF, progress and JSON output."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from inklusi.cli import app
from inklusi.ppks import service
from tests.conftest import bearer, csrf_of, login
from tests.factories import JAKARTA_VILLAGE, SYSTEM, user
from tests.ppks.conftest import craft

DISABILITY = "persons_with_disabilities"


def _cli(settings, *args: str):
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    return CliRunner().invoke(app, list(args), env=env)


def test_commands_identify_list_and_decide(settings, ctx):
    crafted = craft(ctx)
    done = _cli(settings, "ppks", "identify", "--json")
    assert done.exit_code == 0, done.output
    run = json.loads(done.output)
    assert run["new"] == run["candidates"] > 0 and "poorest_two_deciles" in run["skipped_rules"]
    shown = _cli(settings, "ppks", "identify")
    assert shown.exit_code == 0 and "0 new" in shown.output
    listed = json.loads(_cli(settings, "ppks", "candidates", "--area", "31", "--json").output)
    homeless = next(f for f in listed["flags"] if f["category"] == "homeless")
    assert homeless["person_id"] == str(crafted.rough_sleeper)
    refused = _cli(settings, "ppks", "reject", homeless["id"], "--reason", " ")
    assert refused.exit_code == 1 and "reason" in refused.output
    assert _cli(settings, "ppks", "reject", homeless["id"], "--reason", "housed").exit_code == 0
    assert _cli(settings, "ppks", "verify", homeless["id"]).exit_code == 0
    again = json.loads(
        _cli(settings, "ppks", "candidates", "--area", "31", "--status", "verified", "--json").output
    )
    assert [f["id"] for f in again["flags"]] == [homeless["id"]]


def test_api_decisions_and_problems_in_both_languages(client, ctx):
    craft(ctx)
    service.identify(ctx, SYSTEM)
    user(ctx, "pekerja", ("case_worker", "31"))
    headers = bearer(client, "pekerja")
    page = client.get(
        "/api/v1/ppks/candidates", params={"area": JAKARTA_VILLAGE, "category": DISABILITY}, headers=headers
    )
    (flag,) = page.json()["flags"]
    blank = client.post(f"/api/v1/ppks/flags/{flag['id']}/reject", json={"reason": "  "}, headers=headers)
    assert blank.status_code == 422 and blank.headers["content-type"] == "application/problem+json"
    assert blank.json()["errors"][0]["field"] == "reason"
    assert set(blank.json()["errors"][0]["message"]) == {"id", "en"}
    missing = client.post(
        f"/api/v1/ppks/flags/{flag['id']}/reject", json={}, headers=headers | {"Accept-Language": "en"}
    )
    assert missing.status_code == 422 and missing.headers["content-type"] == "application/problem+json"
    verified = client.post(
        f"/api/v1/ppks/flags/{flag['id']}/verify", json={"note": "visited"}, headers=headers
    )
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    twice = client.post(f"/api/v1/ppks/flags/{flag['id']}/verify", json={}, headers=headers)
    assert twice.status_code == 409
    bad_area = client.get("/api/v1/ppks/candidates", params={"area": "99.99"}, headers=headers)
    assert bad_area.status_code == 422 and bad_area.json()["errors"][0]["field"] == "area"
    unknown = client.get(
        "/api/v1/ppks/candidates", params={"area": "31", "category": "nope"}, headers=headers
    )
    assert unknown.status_code == 422
    elsewhere = client.post(
        f"/api/v1/ppks/flags/{flag['id']}/reject",
        json={"reason": "x"},
        headers=bearer_of(client, ctx, "pekerja.jabar", "32"),
    )
    assert elsewhere.status_code == 404


def bearer_of(client, ctx, username: str, area: str) -> dict[str, str]:
    user(ctx, username, ("case_worker", area))
    return bearer(client, username)


def test_the_page_verifies_and_rejects_with_its_form_token(client, ctx):
    crafted = craft(ctx)
    service.identify(ctx, SYSTEM)
    user(ctx, "pekerja", ("case_worker", "31"))
    assert login(client, "pekerja", "pekerja-password").status_code == 303
    page = client.get("/ppks/candidates")  # the case worker's own area by default
    assert page.status_code == 200 and "/ppks/flags/" in page.text
    flags = {(f.person_id, f.category): f for f in service.candidates_in(ctx, SYSTEM, "31", limit=500).flags}
    flag = flags[(crafted.rough_sleeper, "homeless")]
    form = {"csrf_token": csrf_of(page.text), "next": "/ppks/candidates?area=31", "note": "seen"}
    assert (
        client.post(f"/ppks/flags/{flag.id}/verify", data=form | {"csrf_token": "forged"}).status_code == 403
    )
    done = client.post(f"/ppks/flags/{flag.id}/verify", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/ppks/candidates?area=31"
    rejected = client.post(
        f"/ppks/flags/{flag.id}/reject",
        data={"csrf_token": form["csrf_token"], "reason": "moved away", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert rejected.status_code == 303 and rejected.headers["location"] == "/ppks/candidates"
    listed = client.get("/ppks/candidates", params={"area": "31", "status": "rejected"})
    assert "moved away" in listed.text
