"""The DCI Social Registry API (SP-DCI v1.0.0) under ``/dci``: the paths of ``social_api``,
``authz_core_api`` and ``jwks_core_api`` exactly as the specification names them, below that base
(``/dci/registry/sync/search``, ``/dci/oauth2/client/token``, ``/dci/.well-known/jwks.json``, …). Bodies
are the specification's, not Inklusi's problem details. Every rule is the service's."""

from __future__ import annotations

import json
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from inklusi.api import ContextDep
from inklusi.sharing.service import dci as service

BASE = "/dci"
router = APIRouter(prefix=BASE, tags=["dci"])
bearer = HTTPBearer(auto_error=False, bearerFormat="jwt", description="A token from /dci/oauth2/client/token")
MAX_BODY = 1024 * 1024
ENVELOPE: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The signed header + message + signature envelope (social_api_v1.0.0.yaml)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
TOKEN_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "grant_type": {"type": "string", "example": "client_credentials"},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string"},
                        "scope": {"type": "string"},
                    },
                    "required": ["grant_type", "client_id", "client_secret"],
                }
            }
        },
    }
}
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The specification's response (signed)"},
    400: {"description": "Refused: the specification's error code in errors[].code"},
    401: {"description": "No valid token, or a missing or bad signature (HttpErrorResponse)"},
    403: {"description": "Outside the agreement, or not the token's sender (HttpErrorResponse)"},
}
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def transport(request: Request) -> httpx.BaseTransport | None:
    """The transport callbacks go out on (the application's ``dci_transport``; tests receive them)."""
    return getattr(request.app.state, "dci_transport", None)


async def _body(request: Request) -> object:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None  # refused by the envelope's check, with the specification's error


def _reply(reply: service.Reply) -> JSONResponse:
    return JSONResponse(reply.body, status_code=reply.status)


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials else None


@router.post("/registry/sync/search", openapi_extra=ENVELOPE, responses=ANSWERS, summary="Sync search")
async def sync_search(request: Request, ctx: ContextDep, credentials: BearerDep) -> JSONResponse:
    body = await _body(request)
    return _reply(await run_in_threadpool(service.sync_search, ctx, _token(credentials), body))


@router.post("/registry/search", openapi_extra=ENVELOPE, responses=ANSWERS, summary="Async search")
async def async_search(
    request: Request, ctx: ContextDep, credentials: BearerDep, background: BackgroundTasks
) -> JSONResponse:
    body = await _body(request)
    reply, pending = await run_in_threadpool(service.async_search, ctx, _token(credentials), body)
    if pending is not None:
        background.add_task(run_in_threadpool, service.deliver, ctx, pending, transport(request))
    return _reply(reply)


@router.post("/registry/txn/status", openapi_extra=ENVELOPE, responses=ANSWERS, summary="Async txn status")
async def txn_status(
    request: Request, ctx: ContextDep, credentials: BearerDep, background: BackgroundTasks
) -> JSONResponse:
    body = await _body(request)
    reply, pending = await run_in_threadpool(service.async_txn_status, ctx, _token(credentials), body)
    if pending is not None:
        background.add_task(run_in_threadpool, service.deliver_status, pending, transport(request))
    return _reply(reply)


@router.post(
    "/registry/sync/txn/status", openapi_extra=ENVELOPE, responses=ANSWERS, summary="Sync txn status"
)
async def sync_txn_status(request: Request, ctx: ContextDep, credentials: BearerDep) -> JSONResponse:
    body = await _body(request)
    return _reply(await run_in_threadpool(service.sync_txn_status, ctx, _token(credentials), body))


@router.post("/oauth2/client/token", openapi_extra=TOKEN_FORM, responses=ANSWERS, summary="Access token")
async def client_token(request: Request, ctx: ContextDep) -> JSONResponse:
    try:
        form = await request.form()
    except Exception:  # a malformed body: no credentials, refused by the service like missing ones
        fields: dict[str, str] = {}
    else:
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
    return _reply(await run_in_threadpool(service.client_token, ctx, fields))


@router.get("/.well-known/jwks.json", summary="The registry's signature keys")
def jwks(ctx: ContextDep) -> JSONResponse:
    return JSONResponse(service.registry_jwks(ctx))
