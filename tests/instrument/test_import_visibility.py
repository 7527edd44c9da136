"""Issue 11 #3: a regional steward sees the imports that touched their area, with the counts and held forms
of their villages (to fix and import again); a batch elsewhere is "not found" over the API and the web, as
every other read. Issue 11 #16 over HTTP: a steward's upload cannot move another province's household."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from inklusi.app import create_app
from inklusi.audit import service as audit
from inklusi.errors import NotFound
from inklusi.instrument import service
from inklusi.instrument.synthetic import from_synthetic, write_jsonl
from tests.conftest import login as web_login
from tests.factories import SYSTEM, user
from tests.instrument.rounds import INSTRUMENT, first_in, moved_to, round_one, village_of_kk, write

API = "/api/v1"


def village(form: dict) -> str:
    return ".".join(str(form[c]) for c in ("r101", "r102", "r103", "r104"))


def two_provinces(population, tmp_path):
    """Round 1's forms of West Java and Jakarta, one West Java form missing its cooking fuel."""
    path = write_jsonl(from_synthetic(population, INSTRUMENT, 1), tmp_path / "all.jsonl")
    forms = [json.loads(line) for line in path.read_text().splitlines()]
    forms = [f for f in forms if f["r101"] in ("31", "32")]
    broken = next(f for f in forms if f["r101"] == "32")
    del broken["r308"]
    return write(forms, tmp_path / "round1.jsonl"), broken["submission_id"]


@pytest.fixture
def imported(ctx, population, tmp_path):
    """West Java's steward imports a file with forms of West Java and Jakarta."""
    path, broken = two_provinces(population, tmp_path)
    importer = user(ctx, "importer.jabar", ("steward", "32"))
    result = service.import_file(ctx, importer, path)
    return result, broken


def test_a_steward_of_the_area_sees_its_counts_and_held_forms(ctx, imported, tmp_path):
    result, broken = imported
    colleague = user(ctx, "colleague.jabar", ("steward", "32"))
    jakarta = user(ctx, "dinsos.dki", ("steward", "31"))

    seen = service.get_batch(ctx, colleague, result.batch_id)
    assert set(seen.report["by_village"]) and all(v.startswith("32.") for v in seen.report["by_village"])
    held = service.held_forms(ctx, colleague, result.batch_id)
    assert [form.submission_id for form in held] == [broken]
    assert seen.held == 1
    assert result.batch_id in {b.batch_id for b in service.recent_batches(ctx, colleague)}

    # Jakarta's steward sees the Jakarta forms the West Java steward could not import, to import them
    theirs = service.held_forms(ctx, jakarta, result.batch_id)
    assert theirs and all(village(form.record).startswith("31.") for form in theirs)
    assert service.get_batch(ctx, jakarta, result.batch_id).report["by_village"] == {}
    entry = audit.recent(ctx, SYSTEM, object_type="import_batch")[0]
    assert entry.action == "import.quarantine.read"
    fixable = [form for form in theirs if {i["code"] for i in form.issues} == {"area.out_of_scope"}]
    again = service.import_file(ctx, jakarta, write([f.record for f in fixable], tmp_path / "dki.jsonl"))
    assert fixable and again.accepted == len(fixable) and again.held == 0


def test_a_steward_elsewhere_finds_no_such_import(ctx, imported):
    result, _broken = imported
    banten = user(ctx, "dinsos.banten", ("steward", "36"))
    for read in (service.get_batch, service.held_forms):
        with pytest.raises(NotFound):
            read(ctx, banten, result.batch_id)
    assert service.recent_batches(ctx, banten) == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_import_pages_and_api_follow_the_steward_s_area(settings, ctx, imported):
    result, broken = imported
    user(ctx, "whole.jabar", ("steward", "32"))
    user(ctx, "dinsos.banten", ("steward", "36"))
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        headers = api_token(client, "whole.jabar")
        assert client.get(f"{API}/imports/{result.batch_id}", headers=headers).status_code == 200
        held = client.get(f"{API}/imports/{result.batch_id}/held.jsonl", headers=headers)
        assert held.status_code == 200
        assert [json.loads(line)["submission_id"] for line in held.text.splitlines()] == [broken]
        outsider = api_token(client, "dinsos.banten")
        for path in ("", "/held.jsonl", "/errors.csv"):
            answer = client.get(f"{API}/imports/{result.batch_id}{path}", headers=outsider)
            assert answer.status_code == 404, path
        assert client.get(f"{API}/imports", headers=outsider).json() == []

        web_login(client, "whole.jabar", "whole.jabar-password")
        page = client.get(f"/imports/{result.batch_id}")
        assert page.status_code == 200 and broken in page.text
        assert "formulir yang ditahan di wilayah Anda" in page.text  # the page says what it leaves out
        assert f"/imports/{result.batch_id}" in client.get("/imports").text
        client.cookies.clear()
        web_login(client, "dinsos.banten", "dinsos.banten-password")
        assert client.get(f"/imports/{result.batch_id}").status_code == 404
        assert f"/imports/{result.batch_id}" not in client.get("/imports").text


def api_token(client, username: str) -> dict[str, str]:
    answer = client.post(f"{API}/auth/token", data={"username": username, "password": f"{username}-password"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_an_upload_over_the_api_cannot_move_another_province_s_household(settings, ctx, population, tmp_path):
    forms = round_one(ctx, population, tmp_path)
    jakarta = first_in(forms, "31")
    before = village_of_kk(ctx, jakarta["r114"])
    user(ctx, "dinsos.jabar", ("steward", "32"))
    attack = write([moved_to(jakarta, "ATTACK")], tmp_path / "attack.jsonl")
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        headers = api_token(client, "dinsos.jabar")
        with attack.open("rb") as handle:
            job = client.post(
                f"{API}/imports", headers=headers, files={"file": ("attack.jsonl", handle)}
            ).json()
        for _ in range(300):
            job = client.get(f"{API}/imports/jobs/{job['id']}", headers=headers).json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        batch = client.get(f"{API}/imports/{job['batch_id']}", headers=headers).json()
    assert batch["report"]["totals"]["households_moved"] == 0 and batch["held"] == 1
    assert village_of_kk(ctx, jakarta["r114"]) == before
