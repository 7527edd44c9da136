"""The review queue in the browser and the linkage API: login, scope, evidence, CSRF, decisions."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from inklusi.api import API_PREFIX
from inklusi.app import create_app
from inklusi.demo.linkage import prepare_demo
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, generate, registry_data
from tests.conftest import ADMIN_PASSWORD, csrf_of, login
from tests.factories import SYSTEM

HOUSEHOLDS, SEED = 400, 3


@pytest.fixture
def client(settings, ctx, tmp_path):
    registry.load_households(
        ctx, SYSTEM, registry_data(SynthConfig(households=HOUSEHOLDS, seed=SEED)), source="tests"
    )
    generate(SynthConfig(households=HOUSEHOLDS, seed=SEED), tmp_path / "population")
    prepare_demo(ctx, population=tmp_path / "population")  # as `inklusi demo` calls it
    with TestClient(create_app(settings), base_url="https://testserver") as test_client:
        yield test_client


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_steward_reviews_a_pair_in_the_browser_and_the_api_agrees(client):
    assert client.get("/linkage/queue", follow_redirects=False).status_code == 303  # login first
    login(client, next_path="/linkage/queue")
    page = client.get("/linkage/queue")
    assert page.status_code == 200 and "/linkage/pairs/" in page.text
    pair_id = re.search(r'href="/linkage/pairs/([0-9a-f-]+)"', page.text).group(1)
    pair_page = client.get(f"/linkage/pairs/{pair_id}")
    assert pair_page.status_code == 200 and 'name="decision"' in pair_page.text
    assert pair_page.text.count("<tr>") >= 4  # one row per compared field

    forged = client.post(f"/linkage/pairs/{pair_id}/decision", data={"decision": "match", "csrf_token": "x"})
    assert forged.status_code == 403
    saved = client.post(
        f"/linkage/pairs/{pair_id}/decision",
        data={"decision": "match", "note": "same person", "csrf_token": csrf_of(pair_page.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/linkage/queue"
    settled = client.get(f"/linkage/pairs/{pair_id}")
    assert 'name="decision"' not in settled.text

    token = client.post(
        f"{API_PREFIX}/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    pair = client.get(f"{API_PREFIX}/linkage/pairs/{pair_id}", headers=headers).json()
    assert pair["status"] == "decided" and pair["entity_a"] == pair["entity_b"]
    entity = client.get(f"{API_PREFIX}/linkage/entities/{pair['entity_a']}", headers=headers).json()
    assert len(entity["members"]) >= 2 and entity["decisions"][-1]["kind"] == "match"
    entity_page = client.get(f"/linkage/entities/{pair['entity_a']}")
    assert entity_page.status_code == 200 and 'name="records"' in entity_page.text
    queue = client.get(f"{API_PREFIX}/linkage/queue", headers=headers).json()
    assert all(p["id"] != pair_id for p in queue["pairs"])
    assert client.get(f"{API_PREFIX}/linkage/queue").status_code == 401
    runs = client.get(f"{API_PREFIX}/linkage/runs", headers=headers).json()
    assert runs and runs[0]["mode"] == "full"
