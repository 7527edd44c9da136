"""The registry's own DCI signing key: an Ed25519 private JWK in the secrets folder
(``secrets/dci-signing.jwk``, mode 0600), made on first use. Its public part is the JWKS the registry
publishes (``/dci/.well-known/jwks.json``); partners verify every response and callback with it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from inklusi.bootstrap import write_secret
from inklusi.context import Context
from inklusi.sharing import dci

KEY_FILE = "dci-signing.jwk"


def key_file(ctx: Context) -> Path:
    return ctx.settings.secrets_dir / KEY_FILE


def signing_jwk(ctx: Context) -> dict[str, Any]:
    """The registry's private JWK, created (only if it is not there: one writer wins) on first use."""
    path = key_file(ctx)
    if not path.exists():
        write_secret(path, json.dumps(dci.new_signing_jwk()))
    for _attempt in range(100):  # another worker may be writing it this very moment
        try:
            jwk: dict[str, Any] = json.loads(path.read_text())
            return jwk
        except json.JSONDecodeError:
            time.sleep(0.01)
    raise RuntimeError(f"{path} does not hold a JWK")


def signing_key(ctx: Context) -> tuple[Ed25519PrivateKey, str]:
    """The private key and its ``kid``."""
    jwk = signing_jwk(ctx)
    return dci.private_key(jwk), str(jwk["kid"])


def published_jwks(ctx: Context) -> dict[str, Any]:
    """The ``JWKSResponse``: the public part of the registry's key."""
    return dci.jwks(signing_jwk(ctx))
