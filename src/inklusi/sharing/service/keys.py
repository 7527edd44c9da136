"""The server's sharing secret (``secrets/sharing.key``, 0600, made on first use like the audit key by
``inklusi init``) and the keys derived from it: each agreement's pseudonym key, the access tokens' signing
key. The database never holds it: a copy of the database alone cannot compute or link pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from functools import cache
from pathlib import Path
from uuid import UUID

from inklusi.bootstrap import write_secret
from inklusi.context import Context
from inklusi.sharing.projection import agreement_key

KEY_FILE = "sharing.key"


def key_file(ctx: Context) -> Path:
    return ctx.settings.secrets_dir / KEY_FILE


@cache
def _read(path: Path) -> bytes:
    write_secret(path, secrets.token_hex(32))  # only if it is not there yet (O_EXCL: one writer wins)
    for _attempt in range(100):  # another worker may be writing it this very moment
        text = path.read_text().strip()
        if len(text) == 64:
            return bytes.fromhex(text)
        time.sleep(0.01)
    raise RuntimeError(f"{path} does not hold a key")


def sharing_secret(ctx: Context) -> bytes:
    return _read(key_file(ctx))


def pseudonym_key(ctx: Context, agreement_id: UUID) -> bytes:
    return agreement_key(sharing_secret(ctx), agreement_id)


def token_key(ctx: Context) -> bytes:
    """The HS256 key of partner access tokens."""
    return hmac.new(sharing_secret(ctx), b"inklusi partner access token", hashlib.sha256).digest()
