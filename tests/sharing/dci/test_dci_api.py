"""The DCI Social Registry API end to end, on SQLite and PostgreSQL: the token endpoint, the key set, sync
search by NIK and by predicate with pagination and sort, refused signatures, the asynchronous search and
its signed on-search, transaction status. Every request and response is checked against the YAML files."""

from __future__ import annotations

import json
import stat
from datetime import timedelta

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.db import utcnow
from inklusi.sharing.dci import Action
from inklusi.sharing.service import signing
from tests.factories import SYSTEM
from tests.sharing.dci.conftest import nik_query, predicate, registry_keys, verify_registry_signature
from tests.sharing.dci.spec import check_request, check_response

SYNC, ASYNC, STATUS = "/dci/registry/sync/search", "/dci/registry/search", "/dci/registry/sync/txn/status"
ASYNC_STATUS = "/dci/registry/txn/status"


def reads(ctx) -> int:
    return len(audit.search_log(ctx, SYSTEM, LogQuery(action="sharing.partner_read")).entries)


def records(response) -> list[dict]:
    return [
        record
        for entry in response.json()["message"]["search_response"]
        for record in entry.get("data", {}).get("reg_records", [])
    ]


def test_the_token_endpoint_issues_a_token_for_good_credentials_only(client, world):
    issued = world.foundation_client
    form = {
        "grant_type": "client_credentials",
        "client_id": issued.client_id,
        "client_secret": issued.client_secret,
    }
    encoded = "&".join(f"{k}={v}" for k, v in form.items())
    check_request(
        "authz_core", "/dci/oauth2/client/token", encoded, content_type="application/x-www-form-urlencoded"
    )
    response = client.post("/dci/oauth2/client/token", data=form)
    assert response.status_code == 200
    check_response("authz_core", "/dci/oauth2/client/token", response.json())
    assert response.json()["token_type"].lower() == "bearer" and int(response.json()["expires_in"]) > 0
    wrong = client.post("/dci/oauth2/client/token", data={**form, "client_secret": "wrong"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    grant = client.post("/dci/oauth2/client/token", data={**form, "grant_type": "password"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"


def test_the_registry_publishes_its_public_key_kept_in_a_private_file(client, ctx):
    keys = registry_keys(client)
    (key,) = keys["keys"]
    assert key["kty"] == "OKP" and key["use"] == "sig" and "d" not in key
    path = signing.key_file(ctx)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert registry_keys(client) == keys  # made once, then kept


def test_a_sync_search_by_nik_returns_a_group_inside_the_agreement(client, ctx, world, partners):
    foundation, _ = partners
    nik = world.niks[world.person(world.jakarta[0])]
    before = reads(ctx)
    response = foundation.post(SYNC, foundation.search_body(nik_query(nik)))
    assert response.status_code == 200
    body = response.json()
    verify_registry_signature(client, body)
    assert body["header"]["status"] == "succ" and body["header"]["action"] == "on-search"
    (entry,) = body["message"]["search_response"]
    assert entry["status"] == "succ" and entry["pagination"]["total_count"] == 1
    (group,) = entry["data"]["reg_records"]
    assert (
        group["@type"] == "spdci:Group"
        and group["group_identifier"][0]["identifier_type"] == "HOUSEHOLD_ID_PSEUDONYM"
    )
    assert isinstance(group["poverty_score"], float)
    assert {"name": "poverty_decile", "value": 2} in group["additional_attributes"]
    niks = {
        i["identifier_value"]
        for m in group["member_list"]
        for i in m["member_identifier"]
        if i["identifier_type"] == "NIK"
    }
    assert nik in niks and niks <= {world.niks[p] for p in world.members[world.jakarta[0]] if p in world.niks}
    assert "people_living_with_hiv" not in response.text  # sensitive: above the foundation's ceiling
    assert "sensitivity ceiling" in entry["status_reason_message"]  # what was withheld is said
    assert reads(ctx) == before + 1


def test_a_sync_search_by_predicate_and_its_pages(client, world, partners):
    foundation, ministry = partners
    response = foundation.post(SYNC, foundation.search_body(predicate(("poverty_decile", "le", "4"))))
    (entry,) = response.json()["message"]["search_response"]
    assert entry["status"] == "succ" and entry["pagination"]["total_count"] == 1  # Jakarta, decile 2 only
    # the ministry sees Jawa Barat: two Bandung households, one a page
    pages = [
        ministry.post(
            SYNC,
            ministry.search_body(
                predicate(("area_code", "eq", "32"), pagination={"page_size": 1, "page_number": n})
            ),
        )
        for n in (1, 2, 3)
    ]
    found = [records(page) for page in pages]
    assert [len(f) for f in found] == [1, 1, 0]
    assert found[0][0]["@id"] != found[1][0]["@id"]
    assert all(
        page.json()["message"]["search_response"][0]["pagination"]["total_count"] == 2 for page in pages
    )
    # sorting is refused across pages, honoured on one
    sort = [{"attribute_name": "poverty_decile", "sort_order": "asc"}]
    across = ministry.post(
        SYNC,
        ministry.search_body(predicate(("area_code", "eq", "32"), pagination={"page_size": 1}, sort=sort)),
    )
    assert across.json()["message"]["search_response"][0]["status_reason_code"] == "rjct.sort.invalid"
    whole = ministry.post(SYNC, ministry.search_body(predicate(("area_code", "eq", "32"), sort=sort)))
    deciles = [
        next(a["value"] for a in r["additional_attributes"] if a["name"] == "poverty_decile")
        for r in records(whole)
    ]
    assert deciles == [1, 3]


def test_what_the_registry_cannot_answer_is_rejected_with_the_specs_codes(world, partners):
    foundation, _ = partners
    body = foundation.search_body(
        predicate(("age", "lt", "25")),
        predicate(("area_code", "eq", "31"), pagination={"page_size": 0}),
        nik_query("3171010101800001", authorize={}),
    )
    response = foundation.post(SYNC, body)
    codes = [entry["status_reason_code"] for entry in response.json()["message"]["search_response"]]
    assert codes == ["rjct.filter.invalid", "rjct.pagination.invalid", "rjct.search_criteria.invalid"]
    assert response.json()["header"]["status"] == "rjct"


def test_bad_signatures_are_refused_and_nothing_is_read(ctx, world, partners):
    foundation, ministry = partners
    nik = world.niks[world.person(world.jakarta[0])]
    before = reads(ctx)
    unsigned = foundation.search_body(nik_query(nik))
    unsigned.pop("signature")
    garbage = {**foundation.search_body(nik_query(nik)), "signature": "unsigned-stub"}
    other_key = foundation.search_body(nik_query(nik), key=ministry.jwk)  # signed with another partner's key
    tampered = foundation.search_body(nik_query(nik))
    tampered["message"]["search_request"][0]["search_criteria"]["query"]["value"] = world.niks[
        world.person(world.jakarta[1])
    ]
    expired = foundation.search_body(nik_query(nik), now=utcnow() - timedelta(minutes=30))
    for body, code in (
        (unsigned, "err.signature.missing"),
        (garbage, "err.signature.invalid"),
        (other_key, "err.signature.invalid"),
        (tampered, "err.signature.invalid"),
        (expired, "err.signature.invalid"),
    ):
        for path in (SYNC, ASYNC):
            response = foundation.post(path, body)
            assert response.status_code == 401, (path, code)
            assert response.json()["errors"][0]["code"] == code
    assert reads(ctx) == before and foundation.received == []


def test_the_sender_must_be_the_tokens_client_and_a_message_is_answered_once(world, partners):
    foundation, ministry = partners
    nik = world.niks[world.person(world.jakarta[0])]
    as_ministry = ministry.search_body(nik_query(nik))
    response = foundation.post(SYNC, as_ministry)  # the ministry's signed message on the foundation's token
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "err.sender_id.invalid"
    body = foundation.search_body(nik_query(nik))
    assert foundation.post(SYNC, body).status_code == 200
    replay = foundation.post(SYNC, body)
    assert replay.status_code == 400
    assert replay.json()["header"]["status_reason_code"] == "rjct.message_id.duplicate"


def test_no_token_is_refused(client, partners):
    foundation, _ = partners
    body = foundation.search_body(nik_query("3171010101800001"))
    for path in (SYNC, ASYNC, STATUS):
        response = client.post(path, json=body)
        assert response.status_code == 401
        check_response("social", path, response.json(), 401)
        assert response.json()["errors"][0]["code"] == "err.request.unauthorized"


def test_an_async_search_delivers_a_signed_on_search_and_its_status_is_kept(client, ctx, world, partners):
    foundation, ministry = partners
    nik = world.niks[world.person(world.jakarta[0])]
    body = foundation.search_body(nik_query(nik), predicate(("poverty_decile", "eq", "9")))
    response = foundation.post(ASYNC, body)
    assert response.status_code == 200 and response.json()["message"]["ack_status"] == "ACK"
    correlation_id = response.json()["message"]["correlation_id"]
    (callback,) = foundation.received
    check_request("social", "/dci/registry/on-search", callback)
    verify_registry_signature(client, callback)
    assert callback["header"]["receiver_id"] == foundation.client_id
    assert callback["message"]["correlation_id"] == correlation_id
    first, second = callback["message"]["search_response"]
    assert first["status"] == "succ" and len(first["data"]["reg_records"]) == 1
    assert second["status"] == "rjct"  # decile 9 is outside the agreement: the reason says so
    assert "outside" in second["status_reason_message"]
    # its status, by reference ids (the only form the YAML file validates) and by transaction id
    references = [r["reference_id"] for r in body["message"]["search_request"]]
    status_message = {
        "transaction_id": "status-1",
        "txnstatus_request": {
            "reference_id": "s-1",
            "txn_type": "search",
            "attribute_type": "reference_id_list",
            "attribute_value": references,
        },
    }
    status = foundation.post(STATUS, foundation.envelope(Action.txn_status, status_message))
    verify_registry_signature(client, status.json())
    txn = status.json()["message"]["txnstatus_response"]["txn_status"]
    assert (
        txn["transaction_id"] == body["message"]["transaction_id"] and txn["correlation_id"] == correlation_id
    )
    assert [e["status"] for e in txn["search_response"]] == ["succ", "rjct"]
    assert txn["search_response"][0]["pagination"]["total_count"] == 1
    assert "data" not in json.dumps(txn)  # statuses, never records
    by_id = {
        **status_message,
        "txnstatus_request": {
            **status_message["txnstatus_request"],
            "attribute_type": "transaction_id",
            "attribute_value": body["message"]["transaction_id"],
        },
    }
    again = foundation.post(STATUS, foundation.envelope(Action.txn_status, by_id), checked=False)
    assert again.json()["message"]["txnstatus_response"]["txn_status"]["correlation_id"] == correlation_id
    # another partner asking for it learns nothing
    theirs = ministry.post(STATUS, ministry.envelope(Action.txn_status, status_message))
    (entry,) = theirs.json()["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert entry["status"] == "rjct" and entry["status_reason_code"] == "rjct.reference_id.invalid"


def test_an_async_search_names_only_the_registered_callback(world, partners):
    foundation, _ = partners
    body = foundation.search_body(
        nik_query("3171010101800001"), sender_uri="https://attacker.example/on-search"
    )
    response = foundation.post(ASYNC, body)
    assert response.status_code == 400
    assert response.json()["message"]["ack_status"] == "ERR"
    assert response.json()["message"]["error"]["code"] == "err.sender_uri.invalid"
    assert foundation.received == []


def test_an_envelope_without_a_message_is_refused(partners):
    foundation, _ = partners
    body = foundation.search_body(nik_query("3171010101800001"))
    body.pop("message")
    for path in (SYNC, ASYNC):
        response = foundation.post(path, body, checked=False)
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "err.request.bad"
        refusal = response.json().get("header", response.json().get("message"))
        assert refusal.get("status", refusal.get("ack_status")) in ("rjct", "ERR")


def test_an_async_txn_status_delivers_a_signed_txn_on_status(client, world, partners):
    foundation, _ = partners
    body = foundation.search_body(nik_query(world.niks[world.person(world.jakarta[0])]))
    foundation.post(SYNC, body)
    references = [r["reference_id"] for r in body["message"]["search_request"]]
    request = {
        "transaction_id": "status-2",
        "txnstatus_request": {
            "reference_id": "s-2",
            "txn_type": "search",
            "attribute_type": "reference_id_list",
            "attribute_value": references,
        },
    }
    response = foundation.post(ASYNC_STATUS, foundation.envelope(Action.txn_status, request))
    assert response.json()["message"]["ack_status"] == "ACK"
    (callback,) = foundation.received
    check_request("social", "/dci/registry/txn/on-status", callback)
    verify_registry_signature(client, callback)
    (entry,) = callback["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert entry["status"] == "succ" and "data" not in entry


def test_malformed_messages_are_refused_never_a_server_error(client, partners):
    foundation, _ = partners
    good = foundation.search_body(nik_query("3171010101800001"))
    nasty = [
        [],
        "text",
        {"header": "x", "message": {}},
        {**good, "message": {"transaction_id": "t", "search_request": [1, None, "x"]}},
        {**good, "message": {"transaction_id": "t" * 500, "search_request": [{}]}},
        {**good, "header": {**good["header"], "total_count": True}},
        {**good, "signature": 7},
        {**good, "signature": 'Signature: kidId="a|b|ed25519", created="x", expires="y", signature="@@"'},
    ]
    headers = {"Authorization": f"Bearer {foundation.access_token}"}
    for body in nasty:
        for path in (SYNC, ASYNC, STATUS, ASYNC_STATUS):
            response = client.post(path, json=body, headers=headers)
            assert 400 <= response.status_code < 500, (path, body, response.text)
    response = client.post(
        SYNC, content=b"{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    token = client.post(
        "/dci/oauth2/client/token",
        content=b"--x\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert 400 <= token.status_code < 500
