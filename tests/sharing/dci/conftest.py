"""The DCI tests' partners: the sharing world's two clients, each with its own Ed25519 key registered as its
JWKS and a callback URL, speaking to the application in process. Every request they send and every
response they receive is checked against the SP-DCI YAML files (``spec.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

import httpx
import pytest

from inklusi.db import utcnow
from inklusi.sharing import dci
from inklusi.sharing import service as sharing
from inklusi.sharing.dci import Action
from tests.sharing.dci.spec import check_request, check_response
from tests.sharing.world import World, token

PURPOSE = "Verifikasi calon penerima bantuan"
_messages = count(1)


@dataclass
class DciPartner:
    """A partner as the registry sees it from outside: its client, its key, its token, its callbacks."""

    client: Any  # the TestClient
    client_id: str
    jwk: dict[str, Any]
    access_token: str
    received: list[dict[str, Any]] = field(default_factory=list)  # on-search callbacks delivered to it

    def envelope(self, action: Action, message: dict, *, total_count: int = 1, now: datetime | None = None,
                 key: dict[str, Any] | None = None, **header: Any) -> dict[str, Any]:  # fmt: skip
        signer = key or self.jwk
        return dci.signed_request(
            action, message, key=dci.private_key(signer), kid=signer["kid"], sender_id=self.client_id,
            message_id=f"{self.client_id}-{next(_messages)}", now=now or utcnow(), total_count=total_count,
            **header,
        )  # fmt: skip

    def search_body(self, *criteria: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        message = dci.search_message(f"txn-{next(_messages)}", list(criteria), utcnow())
        return self.envelope(Action.search, message, total_count=len(criteria), **kwargs)

    def post(
        self, path: str, body: Any, *, checked: bool = True, bearer: str | None = None
    ) -> httpx.Response:
        """POST ``body`` to ``path``; the request and the answer validated against the specification."""
        if checked:
            check_request("social", path, body)
        response = self.client.post(
            path, json=body, headers={"Authorization": f"Bearer {bearer or self.access_token}"}
        )
        check_response("social", path, response.json(), response.status_code, request_body=body)
        return response


def nik_query(nik: str, **more: Any) -> dict[str, Any]:
    purpose = {"authorize": {"purpose": {"text": PURPOSE}}}
    return {"query_type": "idtype-value", "query": {"type": "NIK", "value": nik}, **purpose, **more}


def predicate(*expressions: tuple[str, str, str], **more: Any) -> dict[str, Any]:
    query = [
        {"seq_num": n, "expression1": {"attribute_name": a, "operator": o, "attribute_value": v}}
        for n, (a, o, v) in enumerate(expressions, start=1)
    ]
    return {"query_type": "predicate", "query": query, "authorize": {"purpose": {"text": PURPOSE}}, **more}


def registry_keys(client) -> dict[str, Any]:
    response = client.get("/dci/.well-known/jwks.json")
    check_response(
        "jwks_core", "/dci/.well-known/jwks.json", response.json(), response.status_code, method="get"
    )
    return response.json()


def verify_registry_signature(client, body: dict[str, Any]) -> None:
    dci.verify(
        body["signature"], header=body["header"], message=body.get("message"), jwks=registry_keys(client),
        sender_id=sharing.REGISTRY_ID, now=utcnow(),
    )  # fmt: skip


def _partner(ctx, world: World, client, issued) -> DciPartner:
    jwk = dci.new_signing_jwk()
    callback = f"https://{issued.client_id}.partner.example/dci/registry/on-search"
    sharing.set_client_keys(ctx, world.drafter, issued.client_id, jwks=dci.jwks(jwk), callback_url=callback)
    return DciPartner(client, issued.client_id, jwk, token(ctx, issued))


@pytest.fixture
def partners(ctx, world, client) -> tuple[DciPartner, DciPartner]:
    """The foundation (Jakarta, deciles 1-4) and the ministry (Jawa Barat), each receiving its callbacks."""
    foundation = _partner(ctx, world, client, world.foundation_client)
    ministry = _partner(ctx, world, client, world.ministry_client)
    by_host = {f"{p.client_id}.partner.example": p for p in (foundation, ministry)}

    def callback(request: httpx.Request) -> httpx.Response:
        import json

        by_host[request.url.host].received.append(json.loads(request.content))
        return httpx.Response(200, json={"message": {"ack_status": "ACK"}})

    client.app.state.dci_transport = httpx.MockTransport(callback)
    return foundation, ministry
