"""What a running Inklusi needs at hand: settings, the database engine, the audit key and the key ring.

``Context.open(settings)`` connects nothing: the engine connects on first use, and the key ring (installed
on the engine, for its encrypted columns: :mod:`inklusi.vault`) reads the data keys then. Services take the
context for the work they own and open their transaction with :meth:`Context.transaction`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from inklusi.config import Settings
from inklusi.db import make_engine, transaction
from inklusi.errors import NotInitialised
from inklusi.i18n import msg
from inklusi.vault import KeyRing, install, keyring_of, master_key


@dataclass(frozen=True)
class Context:
    settings: Settings
    engine: Engine
    audit_key: bytes

    @classmethod
    def open(cls, settings: Settings) -> Context:
        key_file = settings.audit_key_file
        if not key_file.exists():
            raise NotInitialised(msg("No audit key at {path}: run `inklusi init` first", path=str(key_file)))
        engine = make_engine(settings.db_url, echo=settings.sql_echo)
        audit_key = bytes.fromhex(key_file.read_text().strip())
        install(engine, KeyRing(master_key(settings), engine))
        return cls(settings=settings, engine=engine, audit_key=audit_key)

    @property
    def keyring(self) -> KeyRing:
        """The data keys of this database (on the engine, where its encrypted columns find them)."""
        return keyring_of(self.engine.dialect)

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Connection]:
        with transaction(self.engine, readonly=readonly) as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()
