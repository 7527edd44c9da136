"""The staff API (agreements, clients) and the token endpoint, end to end over HTTP."""

from __future__ import annotations

import base64
from datetime import date, timedelta

from tests.conftest import bearer
from tests.factories import user
from tests.sharing.world import build

API = "/api/v1"


def _draft(organisation_id, **changes):
    today = date.today()
    return {
        "organisation_id": str(organisation_id),
        "name": "Perjanjian API",
        "purpose": "Verifikasi penerima",
        "legal_basis": "PKS 1/2026",
        "operations": {"lookup": 100, "match": 100},
        "areas": ["32"],
        "deciles": [1, 2, 3],
        "fields": {"household.decile": "as_is", "person.nik": "pseudonymise"},
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=30)).isoformat(),
    } | changes


def test_draft_approve_issue_token_and_revoke_over_http(client, ctx):
    world = build(ctx)
    user(ctx, "penyusun", ("steward", None))
    user(ctx, "penyetuju", ("privacy_officer", None))
    steward, officer = bearer(client, "penyusun"), bearer(client, "penyetuju")
    drafted = client.post(f"{API}/sharing/agreements", headers=steward, json=_draft(world.ministry))
    assert drafted.status_code == 201, drafted.text
    agreement_id = drafted.json()["id"]
    assert drafted.json()["state"] == "draft"
    refused = client.post(f"{API}/sharing/agreements/{agreement_id}/approve", headers=steward)
    assert refused.status_code == 403  # a steward lacks sharing:approve
    approved = client.post(f"{API}/sharing/agreements/{agreement_id}/approve", headers=officer)
    assert approved.json()["state"] == "approved"
    issued = client.post(
        f"{API}/sharing/clients", headers=steward, json={"agreement_id": agreement_id, "name": "A"}
    )
    assert issued.status_code == 201 and issued.headers["cache-control"] == "no-store"
    credentials = issued.json()
    listed = client.get(f"{API}/sharing/clients", headers=steward).json()
    assert credentials["client_secret"] not in str(listed)  # shown once
    form = {"grant_type": "client_credentials", "client_id": credentials["client_id"]}
    wrong = client.post(f"{API}/sharing/oauth2/token", data=form | {"client_secret": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    grant = client.post(f"{API}/sharing/oauth2/token", data=form | {"grant_type": "password"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    basic = base64.b64encode(f"{credentials['client_id']}:{credentials['client_secret']}".encode()).decode()
    token = client.post(
        f"{API}/sharing/oauth2/token", data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )  # fmt: skip
    assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
    partner = {"Authorization": f"Bearer {token.json()['access_token']}"}
    no_purpose = client.post(f"{API}/partner/lookup", headers=partner, json={"by": "nik", "value": "1" * 16})
    assert no_purpose.status_code == 422 and "purpose" in no_purpose.text
    not_allowed = client.post(f"{API}/partner/search", headers=partner | {"X-Purpose": "cek"}, json={})
    assert not_allowed.status_code == 403 and "search" in not_allowed.json()["detail"]
    assert not_allowed.headers["content-type"] == "application/problem+json"
    revoked = client.post(
        f"{API}/sharing/agreements/{agreement_id}/revoke", headers=steward, json={"reason": "Selesai"}
    )
    assert revoked.json()["state"] == "revoked"
    after = client.get(f"{API}/partner/agreement", headers=partner)
    assert after.status_code in (401, 403)


def test_the_rate_limit_answers_429_with_retry_after(client, ctx):
    world = build(ctx)
    from inklusi.sharing import service as sharing
    from tests.sharing.world import approved, terms

    slow = approved(
        ctx, world.drafter, world.approver, terms(world.ministry, name="Lambat", rate_per_minute=1)
    )
    issued = sharing.issue_client(ctx, world.drafter, slow, name="c")
    access = sharing.issue_token(ctx, issued.client_id, issued.client_secret).access_token
    headers = {"Authorization": f"Bearer {access}"}
    assert client.get(f"{API}/partner/agreement", headers=headers).status_code == 200
    limited = client.get(f"{API}/partner/agreement", headers=headers)
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
    assert "1 requests a minute" in limited.json()["detail"] or "1 permintaan" in limited.json()["detail"]


def test_bad_input_is_a_clear_422_not_a_500(client, ctx):
    world = build(ctx)
    steward = bearer(client, "pengelola")
    bad = client.post(
        f"{API}/sharing/agreements", headers=steward,
        json=_draft(
            world.ministry, fields={"person.nik": "generalise", "person.religion": "as_is"}, areas=["99"]
        ),
    )  # fmt: skip
    assert bad.status_code == 422
    fields = {issue["field"] for issue in bad.json()["errors"]}
    assert {"fields.person.nik", "fields.person.religion", "areas"} <= fields
