"""The demo's DCI partner: a partner client gets an Ed25519 key registered as its JWKS and a callback URL,
then, as an SP-DCI system would, takes a token, makes a signed sync search by NIK and one by predicate,
and an asynchronous search whose signed on-search it receives (in process: the callback's transport is
an ``httpx.MockTransport``). Every answer's signature is checked against the registry's published JWKS.
Everything goes through the sharing service, so the agreement, its quotas and the audit apply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.ids import new_id
from inklusi.sharing import dci
from inklusi.sharing import service as sharing
from inklusi.sharing.dci import Action

PURPOSE = "Verifikasi calon penerima bantuan sosial (demo DCI)"
CALLBACK = "https://{client}.demo-partner.example/dci/registry/on-search"


@dataclass(frozen=True)
class DciDemoReport:
    client_id: str
    by_nik: int  # Group records of the search by NIK
    by_predicate: int  # households the predicate found inside the agreement (total_count)
    on_search_records: int  # records of the on-search the partner received
    callback_status: str  # what the partner's callback answered (HTTP status) or why it was not reached
    signatures_verified: int  # registry signatures the partner checked (all of them)

    def lines(self) -> list[str]:
        return [
            f"DCI partner {self.client_id}: search by NIK -> {self.by_nik} group(s); "
            f"predicate -> {self.by_predicate} household(s); on-search -> {self.on_search_records} "
            f"record(s), callback {self.callback_status}; {self.signatures_verified} signatures verified"
        ]


def _criteria(query_type: str, query: Any) -> dict[str, Any]:
    return {"query_type": query_type, "query": query, "authorize": {"purpose": {"text": PURPOSE}}}


def run(
    ctx: Context,
    steward: Principal,
    client: sharing.IssuedClient,
    *,
    nik: str,
    area_code: str,
    deciles: tuple[int, int] = (1, 4),
) -> DciDemoReport:
    """The partner of ``client`` (registered by ``steward``, who holds sharing:manage) searches by ``nik``,
    by area and a decile range, and asynchronously; the report says what came back."""
    jwk = dci.new_signing_jwk()
    callback = CALLBACK.format(client=client.client_id.lower())
    sharing.set_client_keys(ctx, steward, client.client_id, jwks=dci.jwks(jwk), callback_url=callback)
    form = {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": client.client_secret,
    }
    token = sharing.client_token(ctx, form).body["access_token"]
    registry_keys = sharing.registry_jwks(ctx)
    verified = 0

    def signed(*criteria: dict[str, Any]) -> dict[str, Any]:
        now = utcnow()
        message = dci.search_message(f"demo-{new_id()}", list(criteria), now)
        return dci.signed_request(
            Action.search,
            message,
            key=dci.private_key(jwk),
            kid=jwk["kid"],
            sender_id=client.client_id,
            message_id=str(new_id()),
            now=now,
            total_count=len(criteria),
        )

    def checked(body: dict[str, Any]) -> dict[str, Any]:
        nonlocal verified
        dci.verify(
            body["signature"],
            header=body["header"],
            message=body.get("message"),
            jwks=registry_keys,
            sender_id=sharing.REGISTRY_ID,
            now=utcnow(),
        )
        verified += 1
        return body

    def entries(body: dict[str, Any]) -> list[dict[str, Any]]:
        return list(checked(body)["message"]["search_response"])

    (by_nik,) = entries(
        sharing.sync_search(ctx, token, signed(_criteria("idtype-value", {"type": "NIK", "value": nik}))).body
    )
    low, high = deciles
    expressions = [
        {
            "seq_num": 1,
            "expression1": {"attribute_name": "area_code", "operator": "eq", "attribute_value": area_code},
        },
        {
            "seq_num": 2,
            "expression1": {
                "attribute_name": "poverty_decile",
                "operator": "ge",
                "attribute_value": str(low),
            },
            "condition": "and",
            "expression2": {
                "attribute_name": "poverty_decile",
                "operator": "le",
                "attribute_value": str(high),
            },
        },
    ]
    (by_predicate,) = entries(
        sharing.sync_search(ctx, token, signed(_criteria("predicate", expressions))).body
    )

    received: list[dict[str, Any]] = []

    def partner_callback(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(200, json={"message": {"ack_status": "ACK"}})

    reply, pending = sharing.async_search(ctx, token, signed(_criteria("predicate", expressions)))
    status = "not sent"
    if pending is not None:
        status = sharing.deliver(ctx, pending, httpx.MockTransport(partner_callback))
    on_search = [
        record
        for body in received
        for entry in entries(body)
        for record in entry.get("data", {}).get("reg_records", [])
    ]
    return DciDemoReport(
        client_id=client.client_id,
        by_nik=len(by_nik.get("data", {}).get("reg_records", [])),
        by_predicate=int(by_predicate.get("pagination", {}).get("total_count", 0)),
        on_search_records=len(on_search),
        callback_status=status if reply.status == 200 else f"refused {reply.status}",
        signatures_verified=verified,
    )
