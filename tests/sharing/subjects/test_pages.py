"""The data-subject and breach pages (SQLite; the services run on both databases in the other tests): a
request taken through the form by NIK, the queue with its deadline, the request with its actions, the
printable access report and its JSON file, closing it; a refused form naming its field; the breach report
with its CSV; the stewards' audit search about a person, and a partner search refused to a steward."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from inklusi.db import utcnow
from inklusi.registry import service as registry
from inklusi.sharing import service
from inklusi.sharing.service import RequestInput
from tests.conftest import bearer, csrf_of, login
from tests.factories import user
from tests.sharing.subjects.registries import head_of, small_registry

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def as_user(client, username: str) -> str:
    client.cookies.clear()
    assert login(client, username, f"{username}-password").status_code == 303
    return csrf_of(client.get("/directory").text)


def test_a_request_through_the_pages_from_the_form_to_its_answer(client, ctx):
    small = small_registry(ctx)
    _person_id, nik = head_of(ctx, small.jakarta[0])
    token = as_user(client, "dinsos.dki")
    assert client.get("/sharing/subjects/new").status_code == 200
    refused = client.post("/sharing/subjects", data={"csrf_token": token, "person": nik, "kind": "access"})
    assert refused.status_code == 422 and 'id="statement-error"' in refused.text
    made = client.post(
        "/sharing/subjects",
        data={"csrf_token": token, "person": nik, "kind": "access", "statement": "Apa yang disimpan?"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert page.status_code == 200 and "/report.json" in page.text
    queue = client.get("/sharing/subjects")
    assert 'data-deadline="on_time"' in queue.text and "Apa yang disimpan?" in queue.text
    report = client.get(made.headers["location"] + "/report")
    assert report.status_code == 200 and "Budi Santoso" in report.text and 'id="access-log"' in report.text
    document = client.get(made.headers["location"] + "/report.json")
    assert json.loads(document.text)["person"]["nik"] == nik
    closed = client.post(
        made.headers["location"] + "/close",
        data={"csrf_token": token, "outcome": "answered", "response": "Diserahkan"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assert "Diserahkan" in client.get(made.headers["location"]).text


def test_an_overdue_request_is_red_in_the_queue_and_a_deletion_shows_what_is_kept(client, ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[0])
    service.submit_request(
        ctx, small.steward,
        RequestInput(kind="access", person_id=person_id, statement="s",
                     received_at=utcnow() - timedelta(hours=80)),
    )  # fmt: skip
    deletion = service.submit_request(
        ctx, small.steward,
        RequestInput(kind="deletion", person_id=person_id, statement="hapus", items=("registry_record",)),
    )  # fmt: skip
    as_user(client, "dinsos.dki")
    queue = client.get("/sharing/subjects").text
    assert 'class="overdue" data-deadline="overdue"' in queue
    page = client.get(f"/sharing/subjects/{deletion.id}").text
    assert "UU 13/2011" in page and "Pasal 15" in page


def test_the_breach_report_and_the_audit_search(client, ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[0])
    reader = user(ctx, "enumerator.dki", ("enumerator", "31"))
    registry.view_household(ctx, reader, small.jakarta[0])
    user(ctx, "petugas.privasi", ("privacy_officer", None))
    as_user(client, "petugas.privasi")
    today = utcnow().astimezone(ZoneInfo(ctx.settings.timezone)).date().isoformat()  # the form's days
    window = {"user": "enumerator.dki", "date_from": today, "date_to": today}
    page = client.get("/sharing/breach", params=window)
    assert page.status_code == 200 and str(person_id) in page.text
    exported = client.get("/sharing/breach.csv", params=window)
    assert exported.headers["content-type"].startswith("text/csv") and str(person_id) in exported.text
    wrong = client.get("/sharing/breach", params={"user": "x", "date_from": "kemarin", "date_to": today})
    assert wrong.status_code == 422 and 'id="date_from-error"' in wrong.text
    found = client.get("/sharing/audit", params={"person": str(person_id)})
    assert found.status_code == 200 and "enumerator.dki" in found.text
    as_user(client, "dinsos.dki")
    assert "enumerator.dki" in client.get("/sharing/audit", params={"person": str(person_id)}).text
    assert client.get("/sharing/audit", params={"partner": "dinkes", **window}).status_code == 403
    assert client.get("/sharing/breach").status_code == 403


def test_the_api_takes_answers_and_reports(client, ctx):
    small = small_registry(ctx)
    _person_id, nik = head_of(ctx, small.jakarta[0])
    user(ctx, "auditor", ("auditor", None))
    steward = bearer(client, "dinsos.dki")
    body = {"kind": "deletion", "nik": nik, "statement": "hapus", "items": ["registry_record", "restriction"]}
    made = client.post("/api/v1/sharing/subject-requests", json=body, headers=steward)
    assert made.status_code == 201
    assert [d["allowed"] for d in made.json()["decisions"]] == [False, True]
    assert made.json()["deadline"]["state"] == "on_time"
    request_id = made.json()["id"]
    assert (
        client.get(f"/api/v1/sharing/subject-requests/{request_id}/report", headers=steward).status_code
        == 409
    )
    closed = client.post(
        f"/api/v1/sharing/subject-requests/{request_id}/close",
        json={"response": "Sebagian ditolak", "refused": True},
        headers=steward,
    )
    assert closed.json()["status"] == "refused"
    wrong = client.post("/api/v1/sharing/subject-requests", json={**body, "items": ["all"]}, headers=steward)
    assert wrong.status_code == 422
    window = {"user": "dinsos.dki", "since": "2020-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"}
    auditor = bearer(client, "auditor")
    report = client.post("/api/v1/sharing/breach-report", json=window, headers=auditor)
    assert report.status_code == 200 and report.json()["households"]
    exported = client.post("/api/v1/sharing/breach-report?format=csv", json=window, headers=auditor)
    assert exported.text.lstrip("\ufeff").startswith("kind,id,reads")
    assert client.post("/api/v1/sharing/breach-report", json=window, headers=steward).status_code == 403
    both = client.post("/api/v1/sharing/breach-report", json={**window, "partner": "p"}, headers=auditor)
    assert both.status_code == 422
