"""The generated security test of the partner API: every route under ``/api/v1/partner`` (found in the
application, so a new route without a case here fails) × every situation a partner may be in: its own rows,
another partner's rows, an area outside its agreement, a sensitive category above its ceiling, an expired
agreement, a revoked agreement, a revoked client, a rotated secret.

For each: the status is the one expected, no answer carries a row or a value outside the agreement (the
NIKs, ids and sensitive categories of everyone else are looked for in the raw body), the field names
returned are a subset of the allow-list, and a revoked or expired credential is refused on the very next
request."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest

from inklusi.sharing import service as sharing
from inklusi.sharing.service import agreements as agreement_service
from tests.sharing.world import HIV, World, build, token

PARTNER = "/api/v1/partner"
SITUATIONS = (
    "own_rows",
    "other_partner",
    "outside_area",
    "above_ceiling",
    "expired_agreement",
    "revoked_agreement",
    "revoked_client",
    "rotated_secret",
)
CREDENTIALS = {"expired_agreement", "revoked_agreement", "revoked_client", "rotated_secret"}
PURPOSE = {"X-Purpose": "Uji keamanan"}
Request = Callable[[World, str], dict]


def _lookup(world: World, situation: str) -> dict:
    target = {
        "other_partner": world.person(world.bandung[0]),
        "outside_area": world.person(world.aceh),
        "above_ceiling": world.person(world.jakarta[0], 1),  # verified HIV (sensitive)
    }.get(situation, world.person(world.jakarta[0]))
    return {"json": {"by": "nik", "value": world.niks[target]}}


def _query(situation: str) -> dict:
    return {
        "other_partner": {"area_code": "32"},
        "outside_area": {"area_code": "11.01"},
        "above_ceiling": {"ppks_categories": [HIV]},
    }.get(situation, {"area_code": "31.71"})


def _match(world: World, situation: str) -> dict:
    body = {"nik": world.niks[world.person(world.jakarta[0])], "deciles": [1, 2, 3, 4]}
    if situation == "other_partner":
        body["area_code"] = "32.73"
    elif situation == "outside_area":
        body["area_code"] = "11"
    elif situation == "above_ceiling":
        body["nik"] = world.niks[world.person(world.jakarta[0], 1)]
    return {"json": body}


def _release(world: World, situation: str) -> dict:
    """Own agreement's table (also under ``above_ceiling``: it cannot hold a sensitive category); another
    partner's table; a public table (not the partner's either)."""
    name = {"other_partner": "ministry", "outside_area": "public"}.get(situation, "foundation")
    return {"path": world.releases[name]}


# The partner's own released tables are served; another agreement's or a public one is not found.
_RELEASE_STATUSES = {"own_rows": {200}, "other_partner": {404}, "outside_area": {404}, "above_ceiling": {200}}
# Each route: how to ask in each situation, and the statuses allowed in the data situations.
CASES: dict[tuple[str, str], tuple[Request, dict[str, set[int]]]] = {
    ("GET", "/agreement"): (lambda w, s: {}, {s: {200} for s in SITUATIONS}),
    ("POST", "/lookup"): (
        _lookup,
        {"own_rows": {200}, "other_partner": {403}, "outside_area": {403}, "above_ceiling": {200}},
    ),
    ("POST", "/search"): (
        lambda w, s: {"json": _query(s)},
        {"own_rows": {200}, "other_partner": {403}, "outside_area": {403}, "above_ceiling": {403}},
    ),
    ("POST", "/extract"): (
        lambda w, s: {"json": _query(s) | {"format": "csv"}},
        {"own_rows": {200}, "other_partner": {403}, "outside_area": {403}, "above_ceiling": {403}},
    ),
    ("POST", "/match"): (
        _match,
        {"own_rows": {200}, "other_partner": {403}, "outside_area": {403}, "above_ceiling": {200}},
    ),
    ("GET", "/releases"): (lambda w, s: {}, {s: {200} for s in SITUATIONS}),
    ("GET", "/releases/{release_id}"): (_release, _RELEASE_STATUSES),
    ("GET", "/releases/{release_id}/export"): (_release, _RELEASE_STATUSES),
}


ROW_ROUTES = {"/lookup", "/search", "/extract", "/match"}  # the others answer no household or person


def partner_routes(client) -> set[tuple[str, str]]:
    """Every partner operation the application serves (from its OpenAPI document, as the permission
    test finds every operation)."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return {
        (method.upper(), path.removeprefix(PARTNER))
        for path, operations in paths.items()
        if path.startswith(PARTNER + "/")
        for method in operations
    }


def test_every_partner_route_has_a_case(client):
    routes = partner_routes(client)
    assert routes, "no partner routes found"
    assert sorted(routes - set(CASES)) == [], "a new partner route needs its cases in CASES"
    assert sorted(set(CASES) - routes) == []


def outside_markers(world: World) -> list[str]:
    """What the foundation (Jakarta, deciles 1-4, personal ceiling) must never receive: everyone else's
    NIKs, any internal id as is (its agreement pseudonymises them), a sensitive category."""
    own = set(world.members[world.jakarta[0]])
    markers = [nik for person, nik in world.niks.items() if person not in own]
    markers += [str(i) for i in world.members] + [str(p) for ps in world.members.values() for p in ps]
    return [*markers, HIV]


def returned_fields(response) -> set[str]:
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("text/csv"):
        header = response.text.splitlines()[0]
        return set(header.split(",")) - {""}
    body = response.json()
    households = body.get("households", []) if isinstance(body, dict) else []
    return {k for h in households for k in h["fields"]} | {
        k for h in households for m in h["members"] for k in m
    }


def _break(ctx, world: World, situation: str, monkeypatch) -> None:
    if situation == "expired_agreement":
        day = agreement_service.today(ctx) + timedelta(days=400)
        monkeypatch.setattr(agreement_service, "utcnow", lambda: datetime.combine(day, time(12), tzinfo=UTC))
    elif situation == "revoked_agreement":
        sharing.revoke_agreement(ctx, world.drafter, world.foundation_agreement, reason="Uji pencabutan")
    elif situation == "revoked_client":
        sharing.revoke_client(ctx, world.drafter, world.foundation_client.client_id, reason="Uji pencabutan")
    elif situation == "rotated_secret":
        sharing.rotate_secret(ctx, world.drafter, world.foundation_client.client_id)


@pytest.mark.parametrize("situation", SITUATIONS)
def test_no_answer_carries_anything_outside_the_agreement(ctx, client, situation, monkeypatch):
    world = build(ctx)
    headers = {"Authorization": f"Bearer {token(ctx, world.foundation_client)}", **PURPOSE}
    allowed = set(world_allow_list(ctx, world))
    markers = outside_markers(world)
    # the credential works before it breaks, and is refused on the very next request after
    assert client.get(f"{PARTNER}/agreement", headers=headers).status_code == 200
    _break(ctx, world, situation, monkeypatch)
    wrong = []
    for (method, path), (make, statuses) in sorted(CASES.items()):
        asked = make(world, situation)
        url = PARTNER + path.replace("{release_id}", str(asked.pop("path", "")))
        response = client.request(method, url, headers=headers, **asked)
        expected = {401, 403} if situation in CREDENTIALS else statuses[situation]
        if response.status_code not in expected:
            wrong.append(f"{method} {path} [{situation}]: {response.status_code} {response.text[:300]}")
        # (a refusal may repeat what the partner asked for: that is not a leak)
        leaked = [m for m in markers if m in response.text and m not in json.dumps(asked)]
        if leaked:
            wrong.append(f"{method} {path} [{situation}] leaked {leaked}")
        if response.status_code == 200 and path in ROW_ROUTES:
            extra = returned_fields(response) - allowed
            if extra:
                wrong.append(f"{method} {path} [{situation}] returned fields outside the allow-list: {extra}")
        if response.status_code == 403:
            body = response.json()
            assert body["detail"] and "households" not in body
    assert wrong == [], "\n".join(wrong)


def world_allow_list(ctx, world: World) -> tuple[str, ...]:
    (info,) = [
        i for i in sharing.list_agreements(ctx, world.drafter) if i.agreement.id == world.foundation_agreement
    ]
    return info.agreement.shared_fields()


def test_own_rows_are_returned_through_every_data_route(ctx, client):
    world = build(ctx)
    headers = {"Authorization": f"Bearer {token(ctx, world.foundation_client)}", **PURPOSE}
    head_nik = world.niks[world.person(world.jakarta[0])]
    for path in ("/lookup", "/search"):
        make, _statuses = CASES[("POST", path)]
        body = client.post(PARTNER + path, headers=headers, **make(world, "own_rows")).json()
        assert [m["person.nik"] for h in body["households"] for m in h["members"]].count(head_nik) == 1
    lines = client.post(PARTNER + "/extract", headers=headers, json={"format": "jsonl"}).text.splitlines()
    assert head_nik in lines[0] and "withheld" in json.loads(lines[-1])
    assert client.post(PARTNER + "/match", headers=headers, **_match(world, "own_rows")).json() == {
        "match": True
    }


def test_a_partner_reads_only_its_own_released_tables(ctx, client):
    world = build(ctx)
    headers = {"Authorization": f"Bearer {token(ctx, world.foundation_client)}", **PURPOSE}
    listed = client.get(f"{PARTNER}/releases", headers=headers).json()["releases"]
    assert [r["id"] for r in listed] == [str(world.releases["foundation"])]
    own = f"{PARTNER}/releases/{world.releases['foundation']}"
    table = client.get(own, headers=headers).json()
    assert table["id"] == str(world.releases["foundation"]) and table["agreement_id"] == str(
        world.foundation_agreement
    )
    assert HIV not in [c["code"] for c in table["columns"]]  # the ceiling kept it out at release time
    exported = client.get(f"{own}/export", headers=headers)
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content == sharing.csv_of(
        sharing.get_release(ctx, world.drafter, world.releases["foundation"])
    )
    no_purpose = client.get(own, headers={"Authorization": headers["Authorization"]})
    assert no_purpose.status_code == 422
    refused = client.get(f"{PARTNER}/releases/{world.releases['ministry']}", headers=headers)
    assert refused.status_code == 404 and "Zakat DKI" in refused.text
