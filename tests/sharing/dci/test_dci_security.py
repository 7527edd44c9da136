"""The DCI security matrix, like the partner API's: for every DCI route × {own rows, another partner's rows,
out of scope, sensitive, expired agreement, revoked client}, nothing outside the caller's agreement comes
back — no NIK of a household outside it, no field outside its allow-list, no sensitive category above its
ceiling — and an expired agreement or a revoked client is refused on its very next request."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta

import pytest

from inklusi.sharing import service as sharing
from inklusi.sharing.dci import Action
from inklusi.sharing.service import agreements
from tests.sharing.dci.conftest import DciPartner, nik_query, predicate
from tests.sharing.world import HIV

ROUTES = ("sync", "async", "status", "async_status")
SCENARIOS = ("own", "other_partner", "out_of_scope", "sensitive", "expired", "revoked")


def _criteria(world, scenario: str) -> dict:
    jakarta_poor = world.jakarta[0]
    return {
        "own": nik_query(world.niks[world.person(jakarta_poor)]),
        "other_partner": nik_query(world.niks[world.person(world.bandung[0])]),  # the ministry's row
        "out_of_scope": predicate(("area_code", "eq", "31"), ("poverty_decile", "eq", "7")),
        "sensitive": predicate(("area_code", "eq", "31"), ("ppks_category", "eq", HIV)),
        "expired": nik_query(world.niks[world.person(jakarta_poor)]),
        "revoked": nik_query(world.niks[world.person(jakarta_poor)]),
    }[scenario] | ({"response_entity": "Member"} if scenario == "sensitive" else {})


def _ask(partner: DciPartner, route: str, criteria: dict) -> list[str]:
    """Every body the partner gets back for one request on ``route`` (answers and callbacks)."""
    body = partner.search_body(criteria)
    if route in ("status", "async_status"):
        partner.post("/dci/registry/sync/search", body)
        references = [r["reference_id"] for r in body["message"]["search_request"]]
        request = {"transaction_id": "st", "txnstatus_request": {
            "reference_id": "st-1", "txn_type": "search", "attribute_type": "reference_id_list",
            "attribute_value": references,
        }}  # fmt: skip
        path = "/dci/registry/sync/txn/status" if route == "status" else "/dci/registry/txn/status"
        answer = partner.post(path, partner.envelope(Action.txn_status, request))
        return [answer.text, *(json.dumps(callback) for callback in partner.received)]
    path = "/dci/registry/sync/search" if route == "sync" else "/dci/registry/search"
    response = partner.post(path, body)
    return [response.text, *(json.dumps(callback) for callback in partner.received)]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("route", ROUTES)
def test_nothing_outside_the_agreement_comes_back(ctx, world, partners, monkeypatch, route, scenario):
    foundation, _ministry = partners
    jakarta_poor = world.jakarta[0]
    allowed_niks = {world.niks[p] for p in world.members[jakarta_poor] if p in world.niks}
    if scenario == "expired":
        day = sharing.today(ctx) + timedelta(days=400)
        monkeypatch.setattr(agreements, "utcnow", lambda: datetime.combine(day, time(12), tzinfo=UTC))
    if scenario == "revoked":
        sharing.revoke_client(ctx, world.drafter, foundation.client_id, reason="Kredensial bocor")
    texts = _ask(foundation, route, _criteria(world, scenario))
    seen = "\n".join(texts)
    for nik in set(world.niks.values()) - allowed_niks:
        assert nik not in seen, f"a NIK outside the agreement came back ({route}, {scenario})"
    assert HIV not in seen or (scenario == "sensitive" and "outside" in seen)  # only named in the refusal
    for outside_field in ('"group_size"', '"sex"', '"identifier_type": "KK', "relationship_head"):
        assert outside_field.replace(" ", "") not in seen.replace(" ", ""), outside_field
    found = set(re.findall(r"\b\d{16}\b", seen))
    assert found <= allowed_niks
    if scenario in ("expired", "revoked"):
        assert not found and foundation.received == []
        assert '"err.request.forbidden"' in seen or '"err.request.unauthorized"' in seen
    elif scenario == "own" and route in ("sync", "async"):
        assert found  # the agreement's own rows do come back
    else:
        assert not found
