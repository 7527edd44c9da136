"""The import and change-request pages over HTTP: upload, progress, result, error report; propose,
review and apply a correction."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest

from inklusi.instrument.model import load
from inklusi.instrument.synthetic import from_synthetic, write_jsonl
from inklusi.registry import service as registry
from tests.conftest import csrf_of, login
from tests.factories import JAKARTA_VILLAGE, SYSTEM, household, user

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def finished_job(client, location: str) -> str:
    """Poll the job as the page does (htmx) until it sends the browser to the result."""
    for _ in range(600):
        answer = client.get(location, headers={"HX-Request": "true"})
        if "HX-Redirect" in answer.headers:
            return answer.headers["HX-Redirect"]
        assert "failed" not in answer.text, answer.text
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def test_upload_progress_result_and_error_report(client, population, tmp_path):
    path = write_jsonl(from_synthetic(population, load(), 1), tmp_path / "round1.jsonl")
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])
    del first["r308"]  # the first form lost its cooking fuel
    broken = first["submission_id"]
    path.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")

    login(client)
    page = client.get("/imports")
    assert page.status_code == 200 and "XLSForm" in page.text
    with path.open("rb") as handle:
        started = client.post(
            "/imports",
            data={"csrf_token": csrf_of(page.text), "source": "round-1"},
            files={"file": ("round1.jsonl", handle, "application/x-ndjson")},
            follow_redirects=False,
        )
    assert started.status_code == 303 and started.headers["location"].startswith("/imports/jobs/")
    result_url = finished_job(client, started.headers["location"])
    result = client.get(result_url)
    assert result.status_code == 200
    assert broken in result.text and "r308" in result.text
    report = client.get(f"{result_url}/errors.csv")
    assert report.headers["content-disposition"].endswith('.errors.csv"')
    rows = list(csv.DictReader(io.StringIO(report.text)))
    mine = [r for r in rows if r["submission_id"] == broken]
    assert [(r["question"], r["code"]) for r in mine] == [("r308", "required")]
    assert mine[0]["message_id"] != mine[0]["message_en"]
    held = [json.loads(line) for line in client.get(f"{result_url}/held.jsonl").text.splitlines()]
    assert {form["submission_id"] for form in held} == {r["submission_id"] for r in rows}
    listing = client.get("/imports").text
    assert "round1.jsonl" in listing and result_url in listing


def test_uploading_an_unreadable_file_fails_clearly_and_writes_nothing(client, tmp_path):
    login(client)
    page = client.get("/imports")
    started = client.post(
        "/imports",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("round.jsonl", b'{"submission_id": "a"}\n{oops\n', "application/x-ndjson")},
    )
    for _ in range(100):
        if "failed" in (answer := client.get(str(started.url), headers={"HX-Request": "true"}).text):
            break
        time.sleep(0.05)
    assert "round.jsonl, line 2" in answer or "round.jsonl, baris 2" in answer
    assert "round.jsonl" not in client.get("/imports").text  # no batch was written


def test_questionnaire_and_xlsform_downloads(client):
    login(client)
    printable = client.get("/instrument/questionnaire")
    assert printable.status_code == 200 and "301a" in printable.text and "Blok IV" in printable.text
    xlsx = client.get("/instrument/xlsform")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_correction_is_proposed_reviewed_and_applied_in_the_pages(client, ctx):
    registered = registry.register_household(ctx, SYSTEM, household(), source="round-1")
    user(ctx, "pendamping", ("planner", JAKARTA_VILLAGE[:2]))
    user(ctx, "dinsos", ("steward", JAKARTA_VILLAGE[:2]))
    form_url = f"/households/{registered.household_id}/change-request"

    login(client, "pendamping", "pendamping-password")
    form = client.get(form_url)
    assert form.status_code == 200 and 'name="roof_material"' in form.text
    refused = client.post(
        form_url, data={"csrf_token": csrf_of(form.text), "roof_material": "5", "reason": "Atap bocor"}
    )
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert re.search(r'<option value="5" selected>', refused.text)  # what was typed is kept
    sent = client.post(
        form_url,
        data={
            "csrf_token": csrf_of(form.text),
            "roof_material": "5",
            "address": "Jl. Merdeka No. 1",  # unchanged: not part of the request
            "reason": "Atap diganti seng",
            "evidence": "Kunjungan rumah 2 November",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    request_url = sent.headers["location"]
    assert 'name="decision"' not in client.get(request_url).text  # a planner cannot decide

    client.cookies.clear()
    login(client, "dinsos", "dinsos-password")
    queue = client.get("/change-requests")
    assert request_url in queue.text
    review = client.get(request_url)
    assert 'name="decision" value="apply"' in review.text
    decided = client.post(
        f"{request_url}/decision",
        data={"csrf_token": csrf_of(review.text), "decision": "apply", "note": ""},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    record = registry.get_household(ctx, SYSTEM, registered.household_id)
    assert record.dwelling.roof_material == 5 and record.dwelling.address == "Jl. Merdeka No. 1"
    assert request_url not in client.get("/change-requests").text  # no longer waiting
