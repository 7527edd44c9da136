"""The pure DCI module against the SP-DCI YAML files: requests it parses, records and responses it builds,
signatures it makes and checks, the key set it publishes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from openapi_core.exceptions import OpenAPIError

from inklusi.sharing import dci
from inklusi.sharing.dci import Action, DciError, ErrorCode, FilterQuery, IdQuery, Reason
from tests.sharing.dci.spec import check_request, check_response

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
PARTNER_KEY = dci.new_signing_jwk()
OTHER_KEY = dci.new_signing_jwk()
PURPOSE = {"authorize": {"purpose": {"text": "PKH eligibility check"}}}


def request(criteria: list[dict], *, key=PARTNER_KEY, sender="dinsos-bandung", now=NOW, action=Action.search):
    message = dci.search_message("txn-1", criteria, now)
    return dci.signed_request(
        action,
        message,
        key=dci.private_key(key),
        kid=key["kid"],
        sender_id=sender,
        message_id="msg-1",
        now=now,
        total_count=len(criteria),
    )


def nik_criteria(nik="3273010101800001", **more) -> dict:
    return {"query_type": "idtype-value", "query": {"type": "NIK", "value": nik}, **PURPOSE, **more}


def predicate_criteria(*expressions: dict, **more: object) -> dict:
    return {
        "query_type": "predicate",
        "query": [{"seq_num": n, "expression1": e} for n, e in enumerate(expressions, start=1)],
        **PURPOSE,
        **more,
    }


def parsed(body: dict, action=Action.search):
    return dci.parse_search(dci.parse_envelope(body, action))


@dataclass(frozen=True)
class Household:
    fields: dict[str, object]
    members: tuple[dict[str, object], ...] = field(default=())


HOUSEHOLD = Household(
    {
        "household.id": "5b0e1f5e-0000-4000-8000-000000000001",
        "household.kk_number": "3273010101800009",
        "household.area_code": "32.73.01",
        "household.size": 2,
        "household.welfare_score": 41.5,
        "household.decile": 2,
        "household.regional_decile": 3,
    },
    (
        {
            "person.nik": "3273010101800001",
            "person.name": "Siti Aminah",
            "person.sex": "female",
            "person.birth_date": 1980,
            "person.relationship": "head",
            "person.ppks_categories": ["elderly_neglected"],
        },
        {"person.nik": "tok_abc", "person.sex": "male", "person.relationship": "child"},
    ),
)
TRANSFORMS = {"person.nik": "as_is", "household.id": "as_is", "person.birth_date": "generalise"}


def test_a_signed_search_by_nik_is_a_valid_request_and_parses():
    body = request([nik_criteria()])
    check_request("social", "/dci/registry/sync/search", body)
    check_request("social", "/dci/registry/search", body)
    transaction_id, items = parsed(body)
    assert transaction_id == "txn-1"
    (item,) = items
    assert item.query == IdQuery("nik", "NIK", "3273010101800001")
    assert (item.entity, item.page, item.purpose) == ("Group", 1, "PKH eligibility check")


def test_predicates_map_to_area_decile_and_category():
    body = request(
        [
            predicate_criteria(
                {"attribute_name": "area_code", "operator": "eq", "attribute_value": "32.73"},
                {"attribute_name": "poverty_decile", "operator": "le", "attribute_value": "4"},
                {"attribute_name": "ppks_category", "operator": "in", "attribute_value": "a, b"},
                pagination={"page_size": 5, "page_number": 2},
                sort=[{"attribute_name": "poverty_score", "sort_order": "desc"}],
            )
        ]
    )
    check_request("social", "/dci/registry/sync/search", body)
    _, (item,) = parsed(body)
    assert item.query == FilterQuery("32.73", (1, 2, 3, 4), ("a", "b"))
    assert (item.page, item.page_size) == (2, 5)
    assert item.sort == (dci.SortKey("poverty_score", True),)


def test_expressions_map_to_the_same_filters():
    expression = {
        "collection": "Group",
        "query": {"$and": [{"decile": {"$gte": 2}}, {"decile": {"$lt": 4}}, {"location": {"$eq": "32"}}]},
    }
    body = request(
        [
            {
                "query_type": "expression",
                "query": {"type": "NoSql", "value": {"expression": expression}},
                **PURPOSE,
            }
        ]
    )
    # The specification's own form of an expression query matches two branches of its ``query`` oneOf (an
    # object ``value`` is both a query expression and an identifier value), so no expression request can
    # validate against the file as published: docs/sharing-dci.md notes it. The rest of the request does.
    with pytest.raises(OpenAPIError, match=r"is valid under each of|not valid under any"):
        check_request("social", "/dci/registry/sync/search", body)
    _, (item,) = parsed(body)
    assert item.query == FilterQuery("32", (2, 3), ())


@pytest.mark.parametrize(
    ("criteria", "reason"),
    [
        (
            predicate_criteria({"attribute_name": "age", "operator": "lt", "attribute_value": "25"}),
            Reason.filter_invalid,
        ),
        (
            predicate_criteria({"attribute_name": "poverty_score", "operator": "lt", "attribute_value": "2"}),
            Reason.filter_invalid,
        ),
        (
            {
                **predicate_criteria({"attribute_name": "decile", "operator": "eq", "attribute_value": "1"}),
                "query": [
                    {
                        "seq_num": 1,
                        "expression1": {"attribute_name": "decile", "operator": "eq", "attribute_value": "1"},
                        "condition": "or",
                        "expression2": {"attribute_name": "decile", "operator": "eq", "attribute_value": "2"},
                    }
                ],
            },
            Reason.filter_invalid,
        ),
        (
            predicate_criteria({"attribute_name": "decile", "operator": "gt", "attribute_value": "10"}),
            Reason.filter_invalid,
        ),
        (nik_criteria(pagination={"page_size": 0, "page_number": 1}), Reason.pagination_invalid),
        (nik_criteria(pagination={"page_size": 10, "page_number": 0}), Reason.pagination_invalid),
        (nik_criteria(pagination={"page_size": -1}), Reason.pagination_invalid),
        (nik_criteria(pagination={"page_size": 1000}), Reason.pagination_invalid),
        (nik_criteria(sort=[{"attribute_name": "name", "sort_order": "asc"}]), Reason.sort_invalid),
        (
            {"query_type": "idtype-value", "query": {"type": "MOBILE", "value": "0812"}, **PURPOSE},
            Reason.search_criteria_invalid,
        ),
        (
            {"query_type": "idtype-value", "query": {"type": "NIK", "value": "1"}},
            Reason.search_criteria_invalid,
        ),
    ],
)
def test_what_cannot_be_answered_is_rejected_with_the_specs_reason(criteria, reason):
    body = request([criteria])
    check_request("social", "/dci/registry/sync/search", body)
    _, (item,) = parsed(body)
    assert isinstance(item, dci.Rejected) and item.reason is reason
    entry = dci.rejected(item.reference_id, item.reason, item.text, NOW)
    response = dci.search_response("txn-1", "corr-1", [entry])
    header = dci.callback_header(
        message_id="m",
        action=Action.on_search,
        now=NOW,
        sender_id="inklusi",
        receiver_id="p",
        entries=[entry],
    )
    check_response("social", "/dci/registry/sync/search", {"header": header, "message": response})
    assert header["status"] == "rjct"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda body: body.pop("header"), ErrorCode.bad),
        (lambda body: body.pop("message"), ErrorCode.bad),
        (lambda body: body["header"].update(action="subscribe"), ErrorCode.bad),
        (lambda body: body["header"].update(version="2.0.0"), ErrorCode.version),
        (lambda body: body["header"].update(message_ts="yesterday"), ErrorCode.bad),
        (lambda body: body["header"].update(is_msg_encrypted=True), ErrorCode.encryption),
        (lambda body: body["message"].pop("transaction_id"), ErrorCode.bad),
        (lambda body: body["header"].update(total_count=3), ErrorCode.bad),
        (lambda body: body["header"].update(message_id="m" * 100), ErrorCode.bad),
    ],
)
def test_a_message_that_cannot_be_processed_is_refused_whole(change, code):
    body = request([nik_criteria()])
    change(body)
    with pytest.raises(DciError) as refused:
        parsed(body)
    assert refused.value.code is code
    ack = dci.acknowledgement("corr-1", NOW, refused.value)
    check_response("social", "/dci/registry/search", ack, 400)
    check_response("social", "/dci/registry/search", dci.http_errors(code, refused.value.text), 401)


def test_an_overlong_reference_id_is_rejected_under_a_short_name():
    body = request([nik_criteria(), nik_criteria()])
    body["message"]["search_request"][0]["reference_id"] = "r" * 100
    _, (long_one, fine) = parsed(body)
    assert isinstance(long_one, dci.Rejected) and long_one.reason is Reason.reference_id_invalid
    assert long_one.reference_id == "#1" and isinstance(fine, dci.SearchItem)


def test_groups_and_members_are_valid_records_of_a_sync_search_response():
    body = request([nik_criteria(), nik_criteria(response_entity="Member")])
    _, (as_group, as_member) = parsed(body)
    group = dci.records([HOUSEHOLD], as_group, TRANSFORMS)
    members = dci.records([HOUSEHOLD], as_member, TRANSFORMS)
    entries = [
        dci.answered(as_group, NOW, group, total=1, page=1, page_size=100),
        dci.answered(as_member, NOW, members, total=1, page=1, page_size=100),
    ]
    message = dci.search_response("txn-1", "corr-1", entries)
    header = dci.callback_header(
        message_id="m",
        action=Action.on_search,
        now=NOW,
        sender_id="inklusi",
        receiver_id="p",
        entries=entries,
    )
    key = dci.new_signing_jwk()
    signed = {
        "signature": dci.sign(
            dci.private_key(key), sender_id="inklusi", kid=key["kid"], header=header, message=message, now=NOW
        ),
        "header": header,
        "message": message,
    }
    check_response("social", "/dci/registry/sync/search", signed)
    check_request("social", "/dci/registry/on-search", signed)
    (record,) = group
    assert record["poverty_score"] == 41.5 and record["group_size"] == 2
    assert {"name": "poverty_decile", "value": 2} in record["additional_attributes"]
    assert record["group_head_info"]["demographic_info"]["name"]["given_name"] == "Siti Aminah"
    assert record["group_identifier"][0]["identifier_type"] == "HOUSEHOLD_ID"
    assert [m["demographic_info"]["sex"] for m in record["member_list"]] == ["female", "male"]
    # the member lookup returns the person looked up, not the household
    (member,) = members
    assert member["member_identifier"] == [
        dci.member_record(HOUSEHOLD.members[0], TRANSFORMS)["member_identifier"][0]
    ]


def test_a_pseudonymised_identifier_says_so():
    (person,) = dci.records(
        [Household({}, ({"person.nik": "tok_abc"},))],
        dci.SearchItem("r", IdQuery("pseudonym", "PSEUDONYM", "tok_abc"), "Member", 1, 10, (), "p", None),
        {"person.nik": "pseudonymise"},
    )
    assert person["member_identifier"][0]["identifier_type"] == "NIK_PSEUDONYM"


def test_sorting_keeps_missing_values_last():
    low, high, none = (Household({"household.welfare_score": s}) for s in (10.0, 50.0, None))
    ordered = dci.sorted_households([low, none, high], [dci.SortKey("poverty_score", True)])
    assert ordered == [high, low, none]


def signed(criteria=None, **kwargs):
    return request(criteria or [nik_criteria()], **kwargs)


def verify(body, *, keys=None, sender="dinsos-bandung", now=NOW):
    dci.verify(
        body.get("signature"),
        header=body["header"],
        message=body["message"],
        jwks=keys if keys is not None else dci.jwks(PARTNER_KEY),
        sender_id=sender,
        now=now,
    )


def test_a_good_signature_verifies():
    verify(signed())


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: {**signed(), "signature": None}, ErrorCode.signature_missing),
        (lambda: {**signed(), "signature": "unsigned-stub"}, ErrorCode.signature_invalid),
        (lambda: signed(key=OTHER_KEY), ErrorCode.signature_invalid),  # another partner's key
        (lambda: _tampered(signed()), ErrorCode.signature_invalid),
        (lambda: signed(now=NOW - timedelta(minutes=10)), ErrorCode.signature_invalid),  # expired
        (lambda: signed(now=NOW + timedelta(minutes=10)), ErrorCode.signature_invalid),  # from the future
        (lambda: signed(sender="someone-else"), ErrorCode.signature_invalid),
    ],
)
def test_a_bad_signature_is_refused(make, code):
    with pytest.raises(DciError) as refused:
        verify(make())
    assert refused.value.code is code and refused.value.status == 401


def _tampered(body):
    body["message"]["search_request"][0]["search_criteria"]["query"]["value"] = "3273010101800002"
    return body


def test_a_partner_without_keys_or_with_a_non_ed25519_key_is_refused():
    with pytest.raises(DciError):
        verify(signed(), keys={})
    rsa = {"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": PARTNER_KEY["kid"]}]}
    with pytest.raises(DciError):
        verify(signed(), keys=rsa)


def test_the_published_key_set_is_valid_and_public():
    published = dci.jwks(PARTNER_KEY)
    check_response("jwks_core", "/dci/.well-known/jwks.json", published, method="get")
    (key,) = published["keys"]
    assert "d" not in key and key["kid"] == dci.thumbprint(key) and key["alg"] == "EdDSA"
    assert json.loads(json.dumps(published)) == published


def txn_status_request(attribute_type: str, value: object) -> dict:
    message = {
        "transaction_id": "t2",
        "txnstatus_request": {
            "reference_id": "r9",
            "txn_type": "search",
            "attribute_type": attribute_type,
            "attribute_value": value,
        },
    }
    key = dci.private_key(PARTNER_KEY)
    return dci.signed_request(
        Action.txn_status, message, key=key, kid=PARTNER_KEY["kid"], sender_id="p", message_id="m2", now=NOW
    )


def test_acknowledgement_and_txn_status_are_valid():
    check_response("social", "/dci/registry/search", dci.acknowledgement("corr-1", NOW))
    body = txn_status_request("reference_id_list", ["txn-1-1", "txn-1-2"])
    check_request("social", "/dci/registry/sync/txn/status", body)
    query = dci.parse_txn_status(dci.parse_envelope(body, Action.txn_status))
    assert query.values == ("txn-1-1", "txn-1-2")
    response = dci.txn_status_response(query, "corr-2", None, NOW)
    header = dci.callback_header(
        message_id="m3", action=Action.txn_on_status, now=NOW, sender_id="i", receiver_id="p"
    )
    check_response("social", "/dci/registry/sync/txn/status", {"header": header, "message": response})
    with pytest.raises(OpenAPIError):
        check_response("social", "/dci/registry/sync/txn/status", {"message": response})


def test_a_txn_status_by_transaction_id_parses_though_the_spec_cannot_validate_it():
    # ``attribute_value`` is oneOf [transaction_id, list, correlation_id]: a text matches two of them, so
    # only the list form validates against the file as published (docs/sharing-dci.md).
    body = txn_status_request("transaction_id", "txn-1")
    with pytest.raises(OpenAPIError):
        check_request("social", "/dci/registry/sync/txn/status", body)
    query = dci.parse_txn_status(dci.parse_envelope(body, Action.txn_status))
    assert (query.attribute_type, query.values) == ("transaction_id", ("txn-1",))
