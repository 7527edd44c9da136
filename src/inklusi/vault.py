"""Encryption at rest: the master key, the data keys it wraps, column encryption and blind indexes.

The one module that uses ``cryptography``'s AES-GCM and AES key wrap (``docs/encryption.md``).

- The **master key** (32 bytes) comes from ``INKLUSI_MASTER_KEY`` or the key file ``secrets/master.key``
  (mode 0600, written by ``inklusi init`` beside the audit key). It never reaches the database.
- **Data keys**, one per purpose (``nik``, ``kk``, ``sensitive``) and version, and the **index key**
  (purpose ``index``, for the blind indexes), are random 32-byte keys stored in the table ``vault_key``
  wrapped by the master key (RFC 3394 AES key wrap). A database dump therefore carries its keys, useless
  without the master key, and a backup restores with the master key alone.
- A **sealed value** is ``version (2 bytes, big-endian) ‖ nonce (12 bytes) ‖ AES-256-GCM(ciphertext ‖ tag)``
  with associated data naming the purpose and the column (``nik:person_version.nik``): a value copied into
  another column, or altered by one bit, is refused.
- A **blind index** is ``HMAC-SHA256(index key, purpose ‖ 0 ‖ value)`` cut to 16 bytes: equal values give
  equal indexes (equality lookups and uniqueness in SQL), nothing else is learnt without the key.

Columns declare :class:`Encrypted` and :class:`BlindIndex` types; they find the :class:`KeyRing` installed on
their engine's dialect (:func:`install`, done by ``Context.open``), so callers read and write strings.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import (
    CheckConstraint,
    Column,
    Engine,
    Integer,
    LargeBinary,
    String,
    Table,
    and_,
    bindparam,
    func,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.expression import ColumnElement, TableClause
from sqlalchemy.types import TypeDecorator

from inklusi.config import Settings
from inklusi.db import UtcDateTime, metadata, transaction, utcnow
from inklusi.errors import InklusiError, NotInitialised
from inklusi.i18n import msg

DATA_PURPOSES = ("nik", "kk", "sensitive")
INDEX = "index"
PURPOSES = (*DATA_PURPOSES, INDEX)
KEY_BYTES = 32
NONCE_BYTES = 12
VERSION_BYTES = 2
INDEX_BYTES = 16
REFRESH_SECONDS = 60.0  # a running process sees a rotation's new key versions within this long
BATCH = 5_000

vault_key = Table(
    "vault_key",
    metadata,
    Column("purpose", String(20), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),  # AES key wrap of the 32-byte key under the master key
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime, nullable=True),  # no longer used to seal (rows moved to a newer one)
    CheckConstraint("version BETWEEN 1 AND 65535", name="version"),
)


class KeyProblem(InklusiError):
    """A key is missing, wrong or refuses a value (tampered, moved to another column)."""


# --- The master key ----------------------------------------------------------------------------------


def parse_master_key(value: str) -> bytes:
    """64 hexadecimal digits (``secrets.token_hex(32)``), as in the key file and ``INKLUSI_MASTER_KEY``."""
    try:
        key = bytes.fromhex(value.strip())
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyProblem(msg("A master key is 64 hexadecimal digits (32 bytes)"))
    return key


def new_master_key() -> str:
    return secrets.token_hex(KEY_BYTES)


def read_master_key_file(path: Path) -> bytes:
    if not path.exists():
        raise NotInitialised(
            msg(
                "No master key at {path}: run `inklusi init` first (or set INKLUSI_MASTER_KEY)",
                path=str(path),
            )
        )
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyProblem(
            msg(
                "The master key file {path} is readable by others (mode {mode}): chmod 600 it",
                path=str(path),
                mode=f"{mode:o}",
            )
        )
    return parse_master_key(path.read_text())


def master_key(settings: Settings) -> bytes:
    """The master key: ``INKLUSI_MASTER_KEY`` if set, else the key file."""
    if settings.master_key is not None:
        return parse_master_key(settings.master_key.get_secret_value())
    return read_master_key_file(settings.master_key_path)


# --- Sealing, opening, indexing (pure) ------------------------------------------------------------------


def associated_data(purpose: str, column: str) -> bytes:
    return f"inklusi:{purpose}:{column}".encode()


def version_of(sealed: bytes) -> int:
    return int(struct.unpack(">H", bytes(sealed[:VERSION_BYTES]))[0])


def version_prefix(version: int) -> bytes:
    return struct.pack(">H", version)


def seal(key: bytes, version: int, aad: bytes, plaintext: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return version_prefix(version) + nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), aad)


def open_sealed(key: bytes, aad: bytes, sealed: bytes) -> str:
    body = bytes(sealed[VERSION_BYTES:])
    return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], aad).decode()


def index_of(key: bytes, purpose: str, value: str) -> bytes:
    return hmac.new(key, purpose.encode() + b"\0" + value.encode(), hashlib.sha256).digest()[:INDEX_BYTES]


def wrap(master: bytes, key: bytes) -> bytes:
    return aes_key_wrap(master, key)


def unwrap(master: bytes, wrapped: bytes) -> bytes:
    try:
        return aes_key_unwrap(master, bytes(wrapped))
    except InvalidUnwrap:
        raise KeyProblem(
            msg("The master key does not open the data keys of this database (another master key?)")
        ) from None


# --- The key ring -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyVersion:
    purpose: str
    version: int
    created_at: datetime
    retired_at: datetime | None


class KeyRing:
    """The unwrapped keys of one database, read from ``vault_key`` on first use (and again every
    :data:`REFRESH_SECONDS`, or when a value names a version it does not know)."""

    def __init__(self, master: bytes, engine: Engine | None = None) -> None:
        self._master = master
        self._engine = engine
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, int], bytes] = {}
        self._active: dict[str, int] = {}
        self._ciphers: dict[tuple[str, int], AESGCM] = {}
        self._loaded_at: float | None = None

    @property
    def master(self) -> bytes:
        return self._master

    def load(self, conn: Connection) -> None:
        """Read and unwrap the keys (through ``conn``: a migration's or a rotation's own transaction)."""
        keys: dict[tuple[str, int], bytes] = {}
        active: dict[str, int] = {}
        for row in conn.execute(select(vault_key).order_by(vault_key.c.purpose, vault_key.c.version)):
            keys[(row.purpose, row.version)] = unwrap(self._master, row.wrapped)
            if row.retired_at is None:
                active[row.purpose] = row.version  # the newest version not retired
        with self._lock:
            self._keys, self._active, self._ciphers = keys, active, {}
            self._loaded_at = time.monotonic()

    def _fresh(self, *, force: bool = False) -> None:
        loaded = self._loaded_at
        if loaded is not None and not force and time.monotonic() - loaded < REFRESH_SECONDS:
            return
        if self._engine is None:
            if loaded is None:
                raise KeyProblem(msg("The data keys were not read: no database to read them from"))
            return
        with transaction(self._engine, readonly=True) as conn:
            self.load(conn)

    def _key(self, purpose: str, version: int | None = None) -> tuple[int, bytes]:
        self._fresh()
        if version is None:
            version = self._active.get(purpose)
            if version is None:
                raise KeyProblem(msg("No active data key for {purpose}: run `inklusi init`", purpose=purpose))
        key = self._keys.get((purpose, version))
        if key is None:
            self._fresh(force=True)  # another process rotated since we read the keys
            key = self._keys.get((purpose, version))
            if key is None:
                raise KeyProblem(
                    msg("No data key {purpose} version {version}", purpose=purpose, version=version)
                )
        return version, key

    def active_version(self, purpose: str) -> int:
        return self._key(purpose)[0]

    def seal(self, purpose: str, column: str, plaintext: str) -> bytes:
        version, key = self._key(purpose)
        cipher = self._ciphers.get((purpose, version))
        if cipher is None:
            cipher = self._ciphers[(purpose, version)] = AESGCM(key)
        nonce = os.urandom(NONCE_BYTES)
        aad = associated_data(purpose, column)
        return version_prefix(version) + nonce + cipher.encrypt(nonce, plaintext.encode(), aad)

    def open(self, purpose: str, column: str, sealed: bytes) -> str:
        sealed = bytes(sealed)
        version = version_of(sealed)
        body, aad = sealed[VERSION_BYTES:], associated_data(purpose, column)
        for attempt in (1, 2):
            _version, key = self._key(purpose, version)
            cipher = self._ciphers.get((purpose, version))
            if cipher is None:
                cipher = self._ciphers[(purpose, version)] = AESGCM(key)
            try:
                return cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], aad).decode()
            except InvalidTag:
                if attempt == 1 and self._engine is not None:
                    self._fresh(force=True)  # the keys were made again since we read them (a re-migration)
        raise KeyProblem(
            msg("A sealed value of {column} does not open: altered, or not from this column", column=column)
        )

    def index(self, purpose: str, value: str) -> bytes:
        return index_of(self._key(INDEX)[1], purpose, value)


def install(engine: Engine, keyring: KeyRing) -> None:
    """Give the engine's encrypted columns their key ring (each engine has its own dialect)."""
    engine.dialect.inklusi_keyring = keyring  # type: ignore[attr-defined]


def keyring_of(dialect: Dialect) -> KeyRing:
    keyring = getattr(dialect, "inklusi_keyring", None)
    if keyring is None:
        raise KeyProblem(msg("Encrypted columns need the key ring: open the database through Context.open"))
    return keyring


# --- Column types ------------------------------------------------------------------------------------------


class Encrypted(TypeDecorator[str]):
    """A text column stored sealed under the purpose's data key; reads give the text back."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str, column: str) -> None:
        super().__init__()
        self.purpose = purpose
        self.column = column  # "table.column": the associated data

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return keyring_of(dialect).seal(self.purpose, self.column, value)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keyring_of(dialect).open(self.purpose, self.column, value)

    @property
    def python_type(self) -> type:
        return str


class EncryptedJSON(Encrypted):
    """A JSON value (what a ``JSON`` column holds: a dict, a list …) stored sealed as its JSON text."""

    cache_ok = True

    def process_bind_param(self, value: object, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return super().process_bind_param(json.dumps(value, ensure_ascii=False), dialect)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> Any:
        text = super().process_result_value(value, dialect)
        return None if text is None else json.loads(text)

    @property
    def python_type(self) -> type:
        return dict


class BlindIndex(TypeDecorator[bytes]):
    """The keyed equality index of an encrypted column: compare it with the plain value
    (``person_version.c.nik_index == nik``) and the value is indexed as it is bound."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | bytes | None, dialect: Dialect) -> bytes | None:
        if value is None or isinstance(value, bytes):
            return value
        return keyring_of(dialect).index(self.purpose, value)


# --- Keys: creation, status, rotation, re-wrapping --------------------------------------------------------


def ensure_keys(conn: Connection, master: bytes) -> list[str]:
    """Version 1 of every purpose that has no key yet; the purposes created."""
    have = set(conn.scalars(select(vault_key.c.purpose).distinct()))
    created = [purpose for purpose in PURPOSES if purpose not in have]
    for purpose in created:
        _add_version(conn, master, purpose, 1)
    return created


def _add_version(conn: Connection, master: bytes, purpose: str, version: int) -> None:
    conn.execute(
        vault_key.insert().values(
            purpose=purpose,
            version=version,
            wrapped=wrap(master, secrets.token_bytes(KEY_BYTES)),
            created_at=utcnow(),
            retired_at=None,
        )
    )


def key_versions(conn: Connection) -> list[KeyVersion]:
    stmt = select(vault_key).order_by(vault_key.c.purpose, vault_key.c.version)
    return [KeyVersion(r.purpose, r.version, r.created_at, r.retired_at) for r in conn.execute(stmt)]


@dataclass(frozen=True)
class SealedColumn:
    """A column of a table sealed with a purpose's key (``index``: its blind index column, if any)."""

    table: Table
    column: str
    purpose: str
    index: str | None

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column}"

    @property
    def keys(self) -> tuple[Column, ...]:
        return tuple(self.table.primary_key.columns)


def sealed_columns(tables: Iterable[Table] | None = None) -> list[SealedColumn]:
    """Every :class:`Encrypted` (and :class:`EncryptedJSON`) column of the metadata (after
    ``schema.import_all_tables()``): the one list of sealed columns that rotation, ``keys status`` and the
    tests read."""
    found = []
    for table in tables if tables is not None else metadata.sorted_tables:
        indexes = {
            column.type.purpose: column.name
            for column in table.columns
            if isinstance(column.type, BlindIndex)
        }
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                purpose = column.type.purpose
                found.append(SealedColumn(table, column.name, purpose, indexes.get(purpose)))
    return found


def rows_under(conn: Connection, sealed: SealedColumn, version: int) -> int:
    """How many values of the column are sealed under this version of its key."""
    raw = type_coerce(sealed.table.c[sealed.column], LargeBinary)
    prefix = type_coerce(version_prefix(version), LargeBinary)
    stmt = select(func.count()).select_from(sealed.table).where(func.substr(raw, 1, VERSION_BYTES) == prefix)
    return int(conn.scalar(stmt) or 0)


def _by_keys(keys: Sequence[ColumnElement[Any]]) -> ColumnElement[bool]:
    return and_(*(key == bindparam(f"_k{i}") for i, key in enumerate(keys)))


def _key_values(row: Sequence[object], count: int) -> dict[str, object]:
    return {f"_k{i}": row[i] for i in range(count)}


def rewrite(
    conn: Connection,
    table: TableClause,
    keys: Sequence[ColumnElement[Any]],
    source: ColumnElement[Any],
    convert: Callable[[object], Mapping[str, object]],
    *,
    batch: int = BATCH,
) -> int:
    """Rewrite a table's rows a batch at a time (in primary key order): ``convert(source value)`` gives the
    new values of the row; rows whose source is NULL are left alone. How many rows were rewritten."""
    done, after = 0, None
    while True:
        stmt = select(*keys, source).where(source.is_not(None)).order_by(*keys).limit(batch)
        if after is not None:
            stmt = stmt.where(tuple_(*keys) > tuple_(*after) if len(keys) > 1 else keys[0] > after[0])
        rows = conn.execute(stmt).all()
        if not rows:
            return done
        updates = [{**_key_values(row, len(keys)), **convert(row[len(keys)])} for row in rows]
        names = [name for name in updates[0] if not name.startswith("_k")]
        conn.execute(update(table).where(_by_keys(keys)).values({n: bindparam(n) for n in names}), updates)
        done += len(rows)
        after = tuple(rows[-1][: len(keys)])


@dataclass(frozen=True)
class Rotation:
    purpose: str
    from_versions: tuple[int, ...]
    to_version: int
    rows: int


def rotate(engine: Engine, keyring: KeyRing, purpose: str, *, batch: int = BATCH) -> Rotation:
    """A new version of the purpose's key, active at once, the older versions retired; then every value
    sealed under an older one (a straggler under a long-retired one too) is sealed again under it, a batch
    per transaction. The index key: the new version and every blind index in one transaction (lookups must
    agree with the key)."""
    if purpose not in PURPOSES:
        raise KeyProblem(msg("Unknown key purpose {purpose}", purpose=purpose))
    columns = sealed_columns()
    with transaction(engine) as conn:
        old = tuple(v.version for v in key_versions(conn) if v.purpose == purpose)
        new = max(old, default=0) + 1
        _add_version(conn, keyring.master, purpose, new)
        current = and_(
            vault_key.c.purpose == purpose, vault_key.c.version < new, vault_key.c.retired_at.is_(None)
        )
        conn.execute(update(vault_key).where(current).values(retired_at=utcnow()))
        keyring.load(conn)
        if purpose == INDEX:
            rows = sum(_reindex(conn, keyring, c, batch) for c in columns if c.index is not None)
            return Rotation(purpose, old, new, rows)
    rows = 0
    for sealed in (c for c in columns if c.purpose == purpose):
        for version in old:
            while True:  # a batch per transaction; rows written meanwhile under the old key are caught too
                with transaction(engine) as conn:
                    moved = _reseal(conn, keyring, sealed, version, batch)
                rows += moved
                if moved < batch:
                    break
    return Rotation(purpose, old, new, rows)


def _reseal(conn: Connection, keyring: KeyRing, sealed: SealedColumn, version: int, batch: int) -> int:
    raw = type_coerce(sealed.table.c[sealed.column], LargeBinary)
    prefix = type_coerce(version_prefix(version), LargeBinary)
    keys = sealed.keys
    stmt = select(*keys, raw).where(func.substr(raw, 1, VERSION_BYTES) == prefix).order_by(*keys).limit(batch)
    rows = conn.execute(stmt).all()
    if rows:
        name, purpose = sealed.name, sealed.purpose
        values = [
            {
                **_key_values(row, len(keys)),
                "_value": keyring.seal(purpose, name, keyring.open(purpose, name, row[-1])),
            }
            for row in rows
        ]
        conn.execute(
            update(sealed.table)
            .where(_by_keys(keys))
            .values({sealed.column: type_coerce(bindparam("_value"), LargeBinary)}),
            values,
        )
    return len(rows)


def _reindex(conn: Connection, keyring: KeyRing, sealed: SealedColumn, batch: int) -> int:
    assert sealed.index is not None
    column = sealed.table.c[sealed.column]
    index, purpose = sealed.index, sealed.purpose
    return rewrite(
        conn, sealed.table, sealed.keys, column, lambda value: {index: keyring.index(purpose, str(value))},
        batch=batch,
    )  # fmt: skip


def rewrap(conn: Connection, old_master: bytes, new_master: bytes) -> int:
    """Wrap every data key under a new master key (one transaction); how many keys."""
    rows = conn.execute(select(vault_key.c.purpose, vault_key.c.version, vault_key.c.wrapped)).all()
    for row in rows:
        conn.execute(
            update(vault_key)
            .where(vault_key.c.purpose == row.purpose, vault_key.c.version == row.version)
            .values(wrapped=wrap(new_master, unwrap(old_master, row.wrapped)))
        )
    return len(rows)
