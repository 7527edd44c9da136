"""Partner clients: OAuth2 client credentials bound to one agreement (``sharing:manage`` issues, rotates and
revokes them), access tokens, and the check of every partner request (:func:`authenticate_partner`).

- The secret is 256 random bits, shown once and stored as its SHA-256: a secret that cannot be guessed
  needs no slow hash (argon2 protects guessable passwords), and a cheap check keeps the token endpoint from
  being a way to load the server. Rotation makes a new secret; the old one and its tokens stop at once.
- An access token is a short-lived JWT (HS256 under a key derived from the server's sharing secret) whose
  id is stored hashed: revoking the client, rotating its secret, or revoking the agreement deletes its
  tokens, and every request also checks the agreement's status and dates, so revocation and expiry take
  effect on the very next request.
- Each client may send its agreement's ``rate_per_minute`` requests a minute, counted in its database row
  (every worker sees the same count); past it the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import jwt
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event, EventKind
from inklusi.audit.model import Actor, Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Invalid, Issue, NotFound, TooManyRequests, Unauthenticated
from inklusi.i18n import Text, msg
from inklusi.ids import new_id
from inklusi.sharing.model import Agreement, AgreementStatus
from inklusi.sharing.service.agreements import MAX_REASON, agreement_in, today
from inklusi.sharing.service.keys import token_key
from inklusi.sharing.store import clients as store

TOKEN_TTL = timedelta(minutes=10)
TOKEN_AUDIENCE = "inklusi-partner"
TOKEN_ISSUER = "inklusi"
MAX_JWKS_BYTES = 64 * 1024


@dataclass(frozen=True)
class Partner:
    """A partner's request, authenticated: its client and the agreement in force it is bound to."""

    client_id: str
    name: str
    organisation_id: UUID
    agreement: Agreement

    @property
    def actor(self) -> Actor:
        return Actor(user_id=None, name=f"partner:{self.client_id}", organisation_id=self.organisation_id)


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"


@dataclass(frozen=True)
class IssuedClient:
    """A client as just issued or rotated: ``client_secret`` is shown this once and never stored."""

    client_id: str
    client_secret: str
    name: str
    agreement_id: UUID


@dataclass(frozen=True)
class ClientInfo:
    client_id: str
    name: str
    agreement_id: UUID
    created_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str | None
    callback_url: str | None
    has_keys: bool


@dataclass(frozen=True)
class ClientKeys:
    jwks: dict[str, Any] | None
    callback_url: str | None


class OAuthError(Unauthenticated):
    """An RFC 6749 token error: ``error`` is its code (``invalid_client``, ``unauthorized_client``)."""

    slug = "oauth"

    def __init__(self, error: str, text: Text, status: int = 401) -> None:
        super().__init__(text)
        self.error = error
        self.status = status


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _info(row: RowMapping) -> ClientInfo:
    return ClientInfo(
        client_id=row["client_id"],
        name=row["name"],
        agreement_id=row["agreement_id"],
        created_at=row["created_at"],
        rotated_at=row["rotated_at"],
        revoked_at=row["revoked_at"],
        revoked_reason=row["revoked_reason"],
        callback_url=row["callback_url"],
        has_keys=row["jwks"] is not None,
    )


def _client_or_404(conn: Connection, client_id: str, *, lock: bool = False) -> RowMapping:
    row = store.client(conn, client_id, lock=lock)
    if row is None:
        raise NotFound(msg("Partner client {id} not found", id=client_id))
    return row


def _audit(
    ctx: Context,
    conn: Connection,
    actor: Actor,
    kind: EventKind,
    row: Mapping[Any, Any],
    purpose: Purpose,
    **detail,
):
    event = Event(
        kind=kind,
        actor=actor,
        purpose=purpose,
        object_id=str(row["id"]),
        detail={"client_id": row["client_id"], "agreement": str(row["agreement_id"]), **detail},
    )
    audit.record(ctx, conn, event)


# --- Staff: issue, rotate, revoke, list --------------------------------------------------------------------


def issue_client(ctx: Context, principal: Principal, agreement_id: UUID, *, name: str) -> IssuedClient:
    """New client credentials bound to an agreement (a draft too: its tokens work once it is approved)."""
    principal.require(Permission.sharing_manage)
    name = (name or "").strip()
    if not name or len(name) > 120:
        text = msg("{field} is required", field="name") if not name else msg("At most {n} characters", n=120)
        raise Invalid(text, [Issue("name", "required" if not name else "too_long", text)])
    with ctx.transaction() as conn:
        agreement = agreement_in(conn, agreement_id)
        if agreement.status is AgreementStatus.revoked:
            raise Conflict(msg("Agreement {name} is revoked: it gets no new clients", name=agreement.name))
        client_id, secret = f"partner-{secrets.token_hex(8)}", secrets.token_urlsafe(32)
        row = {
            "id": new_id(),
            "client_id": client_id,
            "name": name,
            "agreement_id": agreement.id,
            "secret_hash": _hash(secret),
            "created_at": utcnow(),
            "created_by": principal.user_id,
            "rate_count": 0,
        }
        store.insert_client(conn, row)
        _audit(
            ctx, conn, principal.actor, events.SHARING_CLIENT_ISSUE, row, Purpose.administration, name=name
        )
    return IssuedClient(client_id, secret, name, agreement.id)


def rotate_secret(ctx: Context, principal: Principal, client_id: str) -> IssuedClient:
    """A new secret for the client; the old secret and every token issued with it stop at once."""
    principal.require(Permission.sharing_manage)
    with ctx.transaction() as conn:
        row = _client_or_404(conn, client_id, lock=True)
        if row["revoked_at"] is not None:
            raise Conflict(msg("Partner client {id} is revoked", id=client_id))
        secret = secrets.token_urlsafe(32)
        store.update_client(conn, row["id"], secret_hash=_hash(secret), rotated_at=utcnow())
        ended = store.end_tokens(conn, row["id"])
        _audit(
            ctx,
            conn,
            principal.actor,
            events.SHARING_CLIENT_ROTATE,
            row,
            Purpose.administration,
            tokens_ended=ended,
        )
    return IssuedClient(client_id, secret, row["name"], row["agreement_id"])


def revoke_client(ctx: Context, principal: Principal, client_id: str, *, reason: str) -> ClientInfo:
    principal.require(Permission.sharing_manage)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        text = (
            msg("A revocation needs a reason") if not reason else msg("At most {n} characters", n=MAX_REASON)
        )
        raise Invalid(text, [Issue("reason", "reason.required" if not reason else "too_long", text)])
    with ctx.transaction() as conn:
        row = _client_or_404(conn, client_id, lock=True)
        if row["revoked_at"] is not None:
            raise Conflict(msg("Partner client {id} is revoked", id=client_id))
        store.update_client(conn, row["id"], revoked_at=utcnow(), revoked_reason=reason)
        ended = store.end_tokens(conn, row["id"])
        _audit(
            ctx, conn, principal.actor, events.SHARING_CLIENT_REVOKE, row, Purpose.administration,
            reason=reason, tokens_ended=ended,
        )  # fmt: skip
        return _info(_client_or_404(conn, client_id))


def list_clients(ctx: Context, principal: Principal, agreement_id: UUID | None = None) -> list[ClientInfo]:
    principal.require(Permission.sharing_read)
    with ctx.transaction(readonly=True) as conn:
        return [_info(row) for row in store.clients(conn, agreement_id)]


# --- DCI: a client's public keys and callback ---------------------------------------------------------------


def set_client_keys(
    ctx: Context, principal: Principal, client_id: str, *, jwks: dict | None, callback_url: str | None
) -> None:
    """The partner's JWKS (to verify its signed DCI requests) and its callback URL (for asynchronous
    answers); None clears one."""
    principal.require(Permission.sharing_manage)
    issues: list[Issue] = []
    if jwks is not None:
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        if not isinstance(keys, list) or not all(isinstance(k, dict) and k.get("kty") for k in keys):
            text = msg("A JWKS is an object whose 'keys' is a list of keys, each with its 'kty'")
            issues.append(Issue("jwks", "jwks", text))
        elif len(json.dumps(jwks)) > MAX_JWKS_BYTES:
            issues.append(Issue("jwks", "too_long", msg("At most {n} characters", n=MAX_JWKS_BYTES)))
    if callback_url is not None:
        parts = urlsplit(callback_url)
        if parts.scheme not in ("https", "http") or not parts.netloc or len(callback_url) > 500:
            issues.append(Issue("callback_url", "url", msg("The callback must be an http(s) URL")))
    if issues:
        raise Invalid(msg("The client's keys are not valid"), issues)
    with ctx.transaction() as conn:
        row = _client_or_404(conn, client_id, lock=True)
        store.update_client(
            conn, row["id"], jwks=json.dumps(jwks) if jwks is not None else None, callback_url=callback_url
        )
        count = len(jwks["keys"]) if jwks is not None else 0
        _audit(
            ctx, conn, principal.actor, events.SHARING_CLIENT_KEYS, row, Purpose.administration,
            keys=count, callback_url=callback_url,
        )  # fmt: skip


def client_keys(ctx: Context, client_id: str) -> ClientKeys:
    """A client's JWKS and callback URL (public data: no permission)."""
    with ctx.transaction(readonly=True) as conn:
        row = _client_or_404(conn, client_id)
        return ClientKeys(json.loads(row["jwks"]) if row["jwks"] else None, row["callback_url"])


# --- Partners: tokens and the check of every request -----------------------------------------------------


def _refused(text: Text) -> OAuthError:
    return OAuthError("invalid_client", text)


def issue_token(ctx: Context, client_id: str, client_secret: str) -> IssuedToken:
    """An access token for valid client credentials whose agreement is in force (RFC 6749 client
    credentials); ``OAuthError`` otherwise (``invalid_client``: unknown, wrong secret or revoked;
    ``unauthorized_client``: the agreement is not in force, with the reason)."""
    unknown = msg("Unknown client or wrong secret")
    if not client_id or not client_secret or len(client_id) > 64 or len(client_secret) > 200:
        raise _refused(unknown)
    with ctx.transaction() as conn:
        row = store.client(conn, client_id)
        if row is None or not hmac.compare_digest(row["secret_hash"], _hash(client_secret)):
            raise _refused(unknown)
        if row["revoked_at"] is not None:
            raise _refused(msg("Partner client {id} is revoked", id=client_id))
        agreement = agreement_in(conn, row["agreement_id"])
        if (reason := agreement.refusal(today(ctx))) is not None:
            raise OAuthError("unauthorized_client", reason, status=400)
        now = utcnow()
        store.forget_expired_tokens(conn, now)
        jti, expires = secrets.token_urlsafe(24), now + TOKEN_TTL
        claims = {
            "iss": TOKEN_ISSUER,
            "aud": TOKEN_AUDIENCE,
            "sub": client_id,
            "jti": jti,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        token = jwt.encode(claims, token_key(ctx), algorithm="HS256")
        store.insert_token(
            conn, {"id_hash": _hash(jti), "client_pk": row["id"], "issued_at": now, "expires_at": expires}
        )
        actor = _partner(row, agreement).actor
        _audit(ctx, conn, actor, events.SHARING_TOKEN, row, Purpose.authentication, expires_at=expires)
    return IssuedToken(token, int(TOKEN_TTL.total_seconds()))


def _partner(row: RowMapping, agreement: Agreement) -> Partner:
    return Partner(row["client_id"], row["name"], agreement.organisation_id, agreement)


def authenticate_partner(ctx: Context, access_token: str) -> Partner:
    """The partner of a bearer token, checked on every request: the token (signature, expiry, not ended),
    the client (not revoked), the agreement (approved, not revoked, today within its dates: else
    ``Forbidden`` with the reason) and the client's rate limit (``TooManyRequests``)."""
    invalid = msg("The access token is not valid or has expired: ask for a new one")
    try:
        claims = jwt.decode(
            access_token,
            token_key(ctx),
            algorithms=["HS256"],
            audience=TOKEN_AUDIENCE,
            issuer=TOKEN_ISSUER,
            options={"require": ["exp", "jti", "sub", "aud", "iss"]},
        )
    except jwt.PyJWTError:
        raise Unauthenticated(invalid) from None
    now = utcnow()
    with ctx.transaction() as conn:
        row = store.token_client(conn, _hash(str(claims["jti"])), now)
        if row is None or row["client_id"] != claims["sub"]:
            raise Unauthenticated(
                msg("The access token was ended (revoked, rotated or expired): ask for a new one")
            )
        if row["revoked_at"] is not None:
            raise Unauthenticated(msg("Partner client {id} is revoked", id=row["client_id"]))
        agreement = agreement_in(conn, row["agreement_id"])
        agreement.require_in_force(today(ctx))
        wait = store.count_request(conn, row["id"], agreement.rate_per_minute, now)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise TooManyRequests(
            msg(
                "Client {id} may send {n} requests a minute: try again in {seconds} seconds",
                id=row["client_id"],
                n=agreement.rate_per_minute,
                seconds=seconds,
            ),
            seconds,
        )
    return _partner(row, agreement)
