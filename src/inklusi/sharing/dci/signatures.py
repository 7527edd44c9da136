"""Message signatures (Ed25519 over header and message, verified against the sender's JWKS), the keys,
and the partner's side of a signed request (tests and the demo speak as a partner with it). Pure."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.algorithms import OKPAlgorithm

from inklusi.i18n import msg
from inklusi.sharing.dci.protocol import (
    ALGORITHM,
    CLOCK_SKEW,
    MAX_SIGNATURE_LIFETIME,
    NAMESPACE,
    SIGNATURE_LIFETIME,
    SIGNED_HEADERS,
    VERSION,
    Action,
    DciError,
    ErrorCode,
    Json,
)
from inklusi.sharing.dci.responses import timestamp


def canonical(value: object) -> bytes:
    """The bytes a signature covers: JSON with sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def digest(header: Mapping[str, Any], message: Mapping[str, Any] | None) -> str:
    """``BLAKE-512=`` base64 of BLAKE2b-512 over the canonical header followed by the canonical message."""
    body = canonical(header) + (canonical(message) if message is not None else b"")
    return "BLAKE-512=" + _b64(hashlib.blake2b(body, digest_size=64).digest())


def signing_string(
    created: int, expires: int, header: Mapping[str, Any], message: Mapping[str, Any] | None
) -> bytes:
    return f"(created): {created}\n(expires): {expires}\ndigest: {digest(header, message)}".encode()


def sign(
    key: Ed25519PrivateKey,
    *,
    sender_id: str,
    kid: str,
    header: Mapping[str, Any],
    message: Mapping[str, Any] | None,
    now: datetime,
    lifetime: int = SIGNATURE_LIFETIME,
) -> str:
    """The ``MsgSignature`` of header + message, in the specification's HTTP-signature-like form."""
    created = int(now.timestamp())
    expires = created + lifetime
    signature = _b64(key.sign(signing_string(created, expires, header, message)))
    return (
        f'Signature: namespace="{NAMESPACE}", kidId="{sender_id}|{kid}|{ALGORITHM}", '
        f'algorithm="{ALGORITHM}", created="{created}", expires="{expires}", '
        f'headers="{SIGNED_HEADERS}", signature="{signature}"'
    )


_PARAMETER = re.compile(r'([A-Za-z]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class ParsedSignature:
    sender_id: str
    kid: str
    created: int
    expires: int
    signature: bytes


def parse_signature(value: str | None) -> ParsedSignature:
    if not value or not value.strip():
        raise DciError(ErrorCode.signature_missing, msg("The message is not signed"), status=401)
    text = value.strip()
    text = text[len("Signature:") :] if text.startswith("Signature:") else text
    parameters = dict(_PARAMETER.findall(text))
    key_id = parameters.get("kidId") or parameters.get("keyId") or ""
    parts = key_id.split("|")
    try:
        created, expires = int(parameters["created"]), int(parameters["expires"])
        raw = base64.b64decode(parameters["signature"], validate=True)
    except (KeyError, ValueError):
        raise DciError(ErrorCode.signature_invalid, msg("The signature is malformed"), status=401) from None
    if (
        len(parts) != 3
        or parts[2].lower() != ALGORITHM
        or parameters.get("algorithm", ALGORITHM).lower() != ALGORITHM
        or parameters.get("headers", SIGNED_HEADERS) != SIGNED_HEADERS
    ):
        raise DciError(
            ErrorCode.signature_invalid,
            msg(
                'The signature must be ed25519 with kidId="sender|key id|ed25519" over {headers}',
                headers=SIGNED_HEADERS,
            ),
            status=401,
        )
    return ParsedSignature(parts[0], parts[1], created, expires, raw)


def verify(
    signature: str | None,
    *,
    header: Mapping[str, Any],
    message: Mapping[str, Any] | None,
    jwks: Mapping[str, Any] | None,
    sender_id: str,
    now: datetime,
) -> None:
    """Check a request's signature against the sender's registered JWKS; :class:`DciError` otherwise."""
    parsed = parse_signature(signature)
    if parsed.sender_id != sender_id or header.get("sender_id") != sender_id:
        raise DciError(
            ErrorCode.signature_invalid,
            msg("The signature is not by the sender {sender}", sender=sender_id),
            status=401,
        )
    moment = int(now.timestamp())
    if (
        parsed.created > moment + CLOCK_SKEW
        or parsed.expires <= moment
        or parsed.expires <= parsed.created
        or parsed.expires - parsed.created > MAX_SIGNATURE_LIFETIME
    ):
        raise DciError(
            ErrorCode.signature_invalid, msg("The signature has expired or is not yet valid"), status=401
        )
    key = public_key(jwks, parsed.kid)
    try:
        key.verify(parsed.signature, signing_string(parsed.created, parsed.expires, header, message))
    except InvalidSignature:
        raise DciError(
            ErrorCode.signature_invalid, msg("The signature does not match the message"), status=401
        ) from None


def public_key(jwks: Mapping[str, Any] | None, kid: str) -> Ed25519PublicKey:
    """The Ed25519 key ``kid`` of a key set (parsed by PyJWT); :class:`DciError` when there is none."""
    if not jwks:
        raise DciError(
            ErrorCode.signature_invalid, msg("No key set is registered for this partner"), status=401
        )
    try:
        keys = jwt.PyJWKSet.from_dict(dict(jwks))
        key = keys[kid].key
    except (jwt.PyJWKSetError, jwt.InvalidKeyError, KeyError):
        raise DciError(
            ErrorCode.signature_invalid,
            msg("The partner's key set has no usable key {kid}", kid=kid),
            status=401,
        ) from None
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise DciError(
            ErrorCode.signature_invalid, msg("Key {kid} is not an Ed25519 key", kid=kid), status=401
        )
    return key


# --- Keys -----------------------------------------------------------------------------------------------


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 thumbprint (SHA-256) of an OKP key: the ``kid`` the JWKS specification asks for."""
    members = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    return base64.urlsafe_b64encode(hashlib.sha256(canonical(members)).digest()).rstrip(b"=").decode()


def new_signing_jwk() -> Json:
    """A new Ed25519 private key as a JWK (with ``d``), its ``kid`` the key's thumbprint."""
    jwk: Json = json.loads(OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate()))
    jwk |= {"kid": thumbprint(jwk), "use": "sig", "alg": "EdDSA"}
    return jwk


def private_key(jwk: Mapping[str, Any]) -> Ed25519PrivateKey:
    key = jwt.PyJWK.from_dict(dict(jwk)).key
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_jwk(jwk: Mapping[str, Any]) -> Json:
    """The public part of a key: what the registry publishes."""
    return {name: jwk[name] for name in ("kty", "crv", "x", "kid", "use", "alg")}


def jwks(*keys: Mapping[str, Any]) -> Json:
    """A ``JWKSResponse``: the public parts of the keys."""
    return {"keys": [public_jwk(key) for key in keys]}


# --- The partner's side (tests and the demo speak as a partner with these) ------------------------------


def signed_request(
    action: Action,
    message: Json,
    *,
    key: Ed25519PrivateKey,
    kid: str,
    sender_id: str,
    message_id: str,
    now: datetime,
    total_count: int = 1,
    receiver_id: str | None = None,
    sender_uri: str | None = None,
) -> Json:
    """A request as a partner sends it: ``MsgHeader_V1.0.0``, the message, and its signature."""
    header: Json = {
        "version": VERSION,
        "message_id": message_id,
        "message_ts": timestamp(now),
        "action": action.value,
        "sender_id": sender_id,
        "total_count": total_count,
        "is_msg_encrypted": False,
    }
    if receiver_id:
        header["receiver_id"] = receiver_id
    if sender_uri:
        header["sender_uri"] = sender_uri
    signature = sign(key, sender_id=sender_id, kid=kid, header=header, message=message, now=now)
    return {"signature": signature, "header": header, "message": message}


def search_message(transaction_id: str, criteria: Sequence[Json], now: datetime) -> Json:
    """A ``SearchRequest`` with one search request per criteria (reference ids ``<transaction>-<n>``)."""
    return {
        "transaction_id": transaction_id,
        "search_request": [
            {"reference_id": f"{transaction_id}-{n}", "timestamp": timestamp(now), "search_criteria": dict(c)}
            for n, c in enumerate(criteria, start=1)
        ],
    }
