"""``/api/v1/sharing/agreements`` and ``/api/v1/sharing/clients``: data-sharing agreements (draft, approve,
revoke) and partner credentials (issue — the secret shown once —, rotate, revoke, a partner's keys), and
``/api/v1/sharing/oauth2/token``: the partners' OAuth2 client-credentials token endpoint (RFC 6749).
Every rule (permissions, four eyes, audit) is the service's."""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Header, Query
from fastapi.responses import JSONResponse

from inklusi.api import ContextDep, LanguageDep, PrincipalDep
from inklusi.sharing import service
from inklusi.sharing.schemas.agreements import (
    AgreementDraft,
    ClientKeysIn,
    ClientRequest,
    Revocation,
    info_out,
)

router = APIRouter(tags=["sharing"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.get("/sharing/agreements")
def list_agreements(ctx: ContextDep, principal: PrincipalDep, language: LanguageDep) -> list[dict[str, Any]]:
    """Every agreement, newest first, with its state today (draft, approved, expired, revoked)."""
    return [info_out(info, language) for info in service.list_agreements(ctx, principal)]


@router.post("/sharing/agreements", status_code=201)
def draft_agreement(
    ctx: ContextDep, principal: PrincipalDep, language: LanguageDep, body: AgreementDraft
) -> dict[str, Any]:
    """Draft an agreement (``sharing:manage``); nothing is shared until someone else approves it."""
    agreement = service.draft_agreement(ctx, principal, body.terms())
    return info_out(service.get_agreement(ctx, principal, agreement.id), language)


@router.get("/sharing/agreements/{agreement_id}")
def get_agreement(
    ctx: ContextDep, principal: PrincipalDep, language: LanguageDep, agreement_id: UUID
) -> dict[str, Any]:
    return info_out(service.get_agreement(ctx, principal, agreement_id), language)


@router.post("/sharing/agreements/{agreement_id}/approve")
def approve_agreement(
    ctx: ContextDep, principal: PrincipalDep, language: LanguageDep, agreement_id: UUID
) -> dict[str, Any]:
    """Approve a draft (``sharing:approve``): refused to whoever drafted it (four eyes)."""
    service.approve_agreement(ctx, principal, agreement_id)
    return info_out(service.get_agreement(ctx, principal, agreement_id), language)


@router.post("/sharing/agreements/{agreement_id}/revoke")
def revoke_agreement(
    ctx: ContextDep, principal: PrincipalDep, language: LanguageDep, agreement_id: UUID, body: Revocation
) -> dict[str, Any]:
    """Revoke with a reason: the partners' very next request is refused."""
    service.revoke_agreement(ctx, principal, agreement_id, reason=body.reason)
    return info_out(service.get_agreement(ctx, principal, agreement_id), language)


@router.get("/sharing/clients")
def list_clients(
    ctx: ContextDep, principal: PrincipalDep, agreement_id: Annotated[UUID | None, Query()] = None
) -> list[dict[str, Any]]:
    return [asdict(c) for c in service.list_clients(ctx, principal, agreement_id)]


@router.post("/sharing/clients", status_code=201)
def issue_client(ctx: ContextDep, principal: PrincipalDep, body: ClientRequest) -> JSONResponse:
    """New credentials for an agreement: ``client_secret`` is shown this once and never again."""
    issued = service.issue_client(ctx, principal, body.agreement_id, name=body.name)
    return JSONResponse(asdict(issued) | {"agreement_id": str(issued.agreement_id)}, 201, headers=NO_STORE)


@router.post("/sharing/clients/{client_id}/rotate")
def rotate_secret(ctx: ContextDep, principal: PrincipalDep, client_id: str) -> JSONResponse:
    """A new secret (shown once); the old one and its tokens stop at once."""
    issued = service.rotate_secret(ctx, principal, client_id)
    return JSONResponse(asdict(issued) | {"agreement_id": str(issued.agreement_id)}, headers=NO_STORE)


@router.post("/sharing/clients/{client_id}/revoke")
def revoke_client(
    ctx: ContextDep, principal: PrincipalDep, client_id: str, body: Revocation
) -> dict[str, Any]:
    return asdict(service.revoke_client(ctx, principal, client_id, reason=body.reason))


@router.put("/sharing/clients/{client_id}/keys", status_code=204)
def set_client_keys(ctx: ContextDep, principal: PrincipalDep, client_id: str, body: ClientKeysIn) -> None:
    """The partner's JWKS (for its signed DCI requests) and callback URL."""
    service.set_client_keys(ctx, principal, client_id, jwks=body.jwks, callback_url=body.callback_url)


def _oauth_error(error: str, description: str, status: int) -> JSONResponse:
    headers = dict(NO_STORE)
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="inklusi-partner"'
    return JSONResponse({"error": error, "error_description": description}, status, headers=headers)


def _basic(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


@router.post(
    "/sharing/oauth2/token",
    responses={
        400: {"description": "RFC 6749 error: unsupported_grant_type, invalid_request, unauthorized_client"},
        401: {"description": "RFC 6749 error: invalid_client"},
    },
)
def token(
    ctx: ContextDep,
    language: LanguageDep,
    grant_type: Annotated[str, Form(max_length=60)] = "",
    client_id: Annotated[str, Form(max_length=200)] = "",
    client_secret: Annotated[str, Form(max_length=200)] = "",
    authorization: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """An access token for a partner's client credentials (form-encoded ``grant_type=client_credentials``,
    ``client_id``, ``client_secret``, or HTTP Basic): ``{access_token, token_type, expires_in}``."""
    if grant_type != "client_credentials":
        return _oauth_error("unsupported_grant_type", "Only grant_type=client_credentials is supported", 400)
    basic = _basic(authorization)
    if basic is not None:
        client_id, client_secret = basic
    try:
        issued = service.issue_token(ctx, client_id, client_secret)
    except service.OAuthError as error:
        return _oauth_error(error.error, error.text.render(language), error.status)
    return JSONResponse(asdict(issued), headers=NO_STORE)
