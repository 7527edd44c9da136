"""Issue 11 #24: the API finds people and households by name, NIK or KK, like the web's search page:
scoped, audited, paged."""

from __future__ import annotations

import json

import pytest

from inklusi.access import service as access
from inklusi.audit import service as audit
from inklusi.registry import service as registry
from tests.conftest import ADMIN_PASSWORD, bearer
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user

API = "/api/v1"


@pytest.fixture
def population(ctx):
    jakarta = registry.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="test")
    bandung = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="test")
    user(ctx, "dinsos-dki", ("case_worker", "31"))
    return jakarta, bandung


def _nik_and_kk(ctx, person_id):
    record = registry.get_person(ctx, SYSTEM, person_id)
    family = next(
        f
        for f in registry.get_household(ctx, SYSTEM, record.household_id).families
        if f.id == record.family_id
    )
    return record.data.nik, family.kk_number


def test_a_name_search_finds_only_people_in_scope_like_the_web(client, ctx, population):
    jakarta, _ = population
    headers = bearer(client, "dinsos-dki")
    body = client.get(f"{API}/persons", params={"name": "Siti Aminah"}, headers=headers).json()
    assert [hit["household_id"] for hit in body["items"]] == [str(jakarta.household_id)]
    assert body["items"][0]["name"] == "Siti Aminah" and "••••••" in body["items"][0]["nik_masked"]
    web = registry.find_persons(
        ctx, access.authenticate(ctx, "dinsos-dki", "dinsos-dki-password"), "Siti Aminah"
    )
    assert [str(hit.person_id) for hit in web] == [hit["person_id"] for hit in body["items"]]
    typo = client.get(f"{API}/persons", params={"name": "Siti Aminat"}, headers=headers).json()
    assert [hit["name"] for hit in typo["items"]] == ["Siti Aminah"]


def test_nik_and_kk_searches_are_scoped_and_audited_without_the_number(client, ctx, population):
    jakarta, bandung = population
    headers = bearer(client, "dinsos-dki")
    nik, kk = _nik_and_kk(ctx, jakarta.person_ids[0])
    by_nik = client.get(f"{API}/persons", params={"nik": nik}, headers=headers).json()
    assert [hit["person_id"] for hit in by_nik["items"]] == [str(jakarta.person_ids[0])]
    by_kk = client.get(f"{API}/persons", params={"kk": kk}, headers=headers).json()
    assert {hit["person_id"] for hit in by_kk["items"]} == {str(p) for p in jakarta.person_ids}
    households = client.get(f"{API}/households", params={"kk": kk}, headers=headers).json()
    assert [h["household_id"] for h in households["items"]] == [str(jakarta.household_id)]
    assert len(households["items"][0]["persons"]) == len(jakarta.person_ids)
    other_nik, other_kk = _nik_and_kk(ctx, bandung.person_ids[0])
    for params in ({"nik": other_nik}, {"kk": other_kk}):
        assert client.get(f"{API}/persons", params=params, headers=headers).json()["items"] == []
        assert client.get(f"{API}/households", params=params, headers=headers).json()["items"] == []
    searches = [e for e in audit.recent(ctx, SYSTEM, limit=100) if e.action == "registry.search"]
    assert len(searches) == 7 and all(e.actor_name == "dinsos-dki" for e in searches)
    assert not any(nik in e.detail or other_nik in e.detail for e in searches)
    assert json.loads(searches[-1].detail)["kind"] == "number"


def test_searches_are_paged(client, ctx):
    for _ in range(3):
        registry.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="test")
    headers = _login_admin(client)
    first = client.get(f"{API}/persons", params={"name": "Budi Santoso", "limit": 2}, headers=headers).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    rest = client.get(
        f"{API}/persons", params={"name": "Budi Santoso", "limit": 2, "offset": 2}, headers=headers
    ).json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    ids = {hit["person_id"] for hit in first["items"] + rest["items"]}
    assert len(ids) == 3
    homes = client.get(f"{API}/households", params={"name": "Budi", "limit": 2}, headers=headers).json()
    assert len(homes["items"]) == 2 and homes["next_offset"] == 2


def _login_admin(client):
    response = client.post(f"{API}/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_bad_searches_are_clear_errors(client, population):
    headers = bearer(client, "dinsos-dki")
    for params, field in (
        ({}, "query.name"),
        ({"name": "Budi", "nik": "3171011403800001"}, "query.name"),
        ({"nik": "12345"}, "query.nik"),
        ({"kk": "abcdefghijklmnop"}, "query.kk"),
        ({"name": "3171011403800001"}, "query.name"),
        ({"name": "Budi", "within": "31; DROP"}, "query.within"),
    ):
        response = client.get(f"{API}/persons", params=params, headers=headers)
        assert response.status_code == 422, params
        assert field in [issue["field"] for issue in response.json()["errors"]]
    assert client.get(f"{API}/persons", params={"name": "Budi"}).status_code == 401


def test_the_search_is_documented_with_response_models(client):
    spec = client.get(f"{API}/openapi.json").json()
    for path, model in (("/persons", "PersonPage"), ("/households", "HouseholdPage")):
        operation = spec["paths"][f"{API}{path}"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {
            "name",
            "nik",
            "kk",
            "within",
            "offset",
            "limit",
        }
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(model)
