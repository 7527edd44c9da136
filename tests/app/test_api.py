"""The HTTP API end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from inklusi.app import create_app
from inklusi.registry import service as registry
from tests.conftest import ADMIN_PASSWORD
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user

API = "/api/v1"


@pytest.fixture
def client(settings, ctx):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def login(client, username: str, password: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and 0 < body["expires_in"] <= 30 * 60
    return {"Authorization": f"Bearer {body['access_token']}"}


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    if code:
        assert body["code"] == code
    return body


def test_health(client, backend):
    body = client.get(f"{API}/health").json()
    assert body == {"status": "ok", "version": body["version"], "database": backend, "schema": body["schema"]}
    assert body["schema"] and all(revision.isdigit() for revision in body["schema"])


def test_openapi_describes_the_api(client):
    spec = client.get(f"{API}/openapi.json").json()
    assert spec["info"]["title"] == "Inklusi"
    assert {f"{API}/households/{{household_id}}", f"{API}/areas/{{code}}", f"{API}/auth/token"} <= set(
        spec["paths"]
    )
    assert "OAuth2PasswordBearer" in spec["components"]["securitySchemes"]


def test_areas_are_public(client):
    body = client.get(f"{API}/areas/11.01.01.2001").json()
    assert body["name"] == "Keude Bakongan"
    assert [a["name"] for a in body["ancestors"]] == ["Aceh", "Kabupaten Aceh Selatan", "Bakongan"]
    found = client.get(f"{API}/areas", params={"q": "Kab. Bandung", "limit": 1}).json()
    assert found[0]["code"] == "32.04" and found[0]["kind"] == "kabupaten"
    assert len(client.get(f"{API}/areas").json()) == 38
    assert len(client.get(f"{API}/areas/31/children").json()) == 6


def test_errors_are_problem_details_in_the_requested_language(client):
    english = assert_problem(
        client.get(f"{API}/areas/99", headers={"Accept-Language": "en-GB,en;q=0.9"}), 404, "not-found"
    )
    assert english["detail"] == "Area 99 does not exist" and english["title"] == "Not found"
    indonesian = assert_problem(client.get(f"{API}/areas/99"), 404)
    assert indonesian["detail"] != english["detail"] and "99" in indonesian["detail"]
    assert_problem(client.get(f"{API}/areas", params={"limit": 0}), 422, "invalid-input")


def test_personal_data_needs_a_token(client):
    body = assert_problem(client.get(f"{API}/nik/3171044509900003"), 401, "unauthenticated")
    assert body["instance"] == f"{API}/nik/3171044509900003"
    assert_problem(client.post(f"{API}/auth/token", data={"username": "admin", "password": "nope"}), 401)


def test_nik_endpoint_decodes_and_explains(client):
    headers = login(client, "admin", ADMIN_PASSWORD)
    body = client.get(f"{API}/nik/3171044509900003", headers=headers).json()
    assert body | {"issues": []} == {
        "valid": True,
        "province_code": "31",
        "regency_code": "31.71",
        "district_code": "31.71.04",
        "birth_date": "1990-09-05",
        "sex": "female",
        "serial": "0003",
        "issues": [],
    }
    bad = client.get(f"{API}/nik/12345", headers=headers).json()
    assert not bad["valid"] and bad["issues"][0]["code"] == "nik.length"
    assert set(bad["issues"][0]["message"]) == {"id", "en"}


def test_a_province_user_cannot_read_a_household_in_another_province(client, ctx):
    jakarta = registry.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="test")
    bandung = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="test")
    user(ctx, "dinsos-dki", ("case_worker", "31"))
    headers = login(client, "dinsos-dki", "dinsos-dki-password")
    ok = client.get(f"{API}/households/{jakarta.household_id}", headers=headers)
    assert ok.status_code == 200
    assert ok.json()["dwelling"]["village_code"] == JAKARTA_VILLAGE
    assert ok.json()["families"][0]["members"][0]["person"]["name"] == "Budi Santoso"
    elsewhere = client.get(f"{API}/households/{bandung.household_id}", headers=headers)
    missing = client.get(f"{API}/households/00000000-0000-7000-8000-000000000000", headers=headers)
    assert_problem(elsewhere, 404, "not-found")
    assert_problem(missing, 404, "not-found")
    assert elsewhere.json()["detail"].replace(str(bandung.household_id), "ID") == missing.json()[
        "detail"
    ].replace("00000000-0000-7000-8000-000000000000", "ID")
    assert_problem(client.get(f"{API}/persons/{bandung.person_ids[0]}", headers=headers), 404)
    assert client.get(f"{API}/persons/{jakarta.person_ids[0]}", headers=headers).status_code == 200


def test_history_and_as_of_over_http(client, ctx):
    hh = registry.register_household(ctx, SYSTEM, household(), source="round-1").household_id
    registry.update_household(ctx, SYSTEM, hh, {"floor_material": 8}, source="round-2")
    headers = login(client, "admin", ADMIN_PASSWORD)
    history = client.get(f"{API}/households/{hh}/history", headers=headers).json()
    changed = [c for c in history if c["action"] == "changed"]
    assert changed[0]["fields"] == [{"field": "floor_material", "old": 2, "new": 8}]
    first = history[0]["at"]
    old = client.get(f"{API}/households/{hh}", params={"as_of": first}, headers=headers).json()
    assert old["dwelling"]["floor_material"] == 2
    naive = client.get(f"{API}/households/{hh}", params={"as_of": "2025-06-01T10:00:00"}, headers=headers)
    assert assert_problem(naive, 422)["errors"][0]["field"] == "query.as_of"


def test_purpose_is_audited_and_checked(client, ctx):
    hh = registry.register_household(ctx, SYSTEM, household(), source="test").household_id
    headers = login(client, "admin", ADMIN_PASSWORD)
    response = client.get(
        f"{API}/households/{hh}", headers=headers | {"X-Inklusi-Purpose": "case_management"}
    )
    assert response.status_code == 200
    entries = client.get(f"{API}/audit/entries", params={"object_id": str(hh)}, headers=headers).json()
    assert entries[0]["action"] == "household.read" and entries[0]["purpose"] == "case_management"
    bad = client.get(f"{API}/households/{hh}", headers=headers | {"X-Inklusi-Purpose": "curiosity"})
    assert assert_problem(bad, 422)["errors"][0]["field"] == "X-Inklusi-Purpose"
    assert client.get(f"{API}/audit/verify", headers=headers).json()["finding"] is None


def test_logout_revokes_the_token(client):
    headers = login(client, "admin", ADMIN_PASSWORD)
    assert client.get(f"{API}/auth/me", headers=headers).json()["username"] == "admin"
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert_problem(client.get(f"{API}/auth/me", headers=headers), 401)


def test_code_lists_carry_question_numbers_and_both_languages(client):
    lists = client.get(f"{API}/codelists").json()
    floor = lists["floor_material"]
    assert floor["question"] == "303"
    assert {"code": 8, "id": "Tanah", "en": "Earth", "question": None} in floor["codes"]
