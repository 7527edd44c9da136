"""The system of record: SQLAlchemy engine, shared metadata, transactions and migrations.

SQLite (the embedded default) runs in WAL mode with foreign keys on, and every write transaction starts
with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way. PostgreSQL is used as is.
The schema comes only from the Alembic migrations in ``inklusi/migrations``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
"""One metadata for every slice's tables, so foreign keys can name other slices' tables by string."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is stored in UTC and always comes back timezone-aware, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; it connects lazily, on first use."""
    if url.startswith("sqlite"):
        _private_sqlite_files(url)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _private_sqlite_files(url: str) -> None:
    """The database file (personal data) readable by its owner only: created 0600 before SQLite opens it,
    so SQLite gives its ``-wal`` and ``-shm`` files the same mode; files of an older install are narrowed."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite will say the folder is missing
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            part.chmod(0o600)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            "synchronous=NORMAL",
            "busy_timeout=30000",
            "cache_size=-131072",  # 128 MiB of page cache (the default, 2 MiB, thrashes on large indexes)
            "temp_store=MEMORY",
            "secure_delete=ON",  # freed space is zeroed: a value replaced (sealed) leaves no copy behind
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get("inklusi_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


@contextmanager
def transaction(engine: Engine, *, readonly: bool = False) -> Iterator[Connection]:
    """One unit of work: commits when the block ends, rolls back if it raises.

    Store functions take the connection and never commit; services open the transaction.
    """
    with engine.connect() as conn:
        if readonly:
            conn.execution_options(inklusi_readonly=True)
        with conn.begin():
            yield conn


def alembic_config(engine: Engine, *, master_key: bytes | None = None) -> Config:
    """Alembic's configuration for ``engine``; ``master_key``: for migrations that seal or open values (else
    they read it as ``inklusi.vault.master_key`` does, from the settings)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("inklusi") / "migrations"))
    config.attributes["engine"] = engine
    if master_key is not None:
        config.attributes["master_key"] = master_key
    return config


def migrate(engine: Engine, revision: str = "heads", *, master_key: bytes | None = None) -> None:
    """Bring the schema up to ``revision`` (default: the newest of every branch)."""
    command.upgrade(alembic_config(engine, master_key=master_key), revision)


def schema_revisions(engine: Engine) -> set[str]:
    """The migrations the database is at (one per branch)."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions(engine: Engine) -> set[str]:
    """The newest migration of every branch this version of Inklusi ships."""
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, object]]) -> None:
    """Insert many rows through the driver's fastest path: COPY on PostgreSQL, executemany on SQLite.

    Values go through each column type's own conversion (UUIDs, UTC timestamps) but skip SQLAlchemy's
    per-row statement machinery, which costs more than the database itself on large loads. Every row
    must have the same keys. Database errors come back as SQLAlchemy's (``IntegrityError`` …).
    """
    if not rows:
        return
    names = list(rows[0])
    bulk_insert_columns(conn, table, {name: [row[name] for row in rows] for name in names})


def bulk_insert_columns(conn: Connection, table: Table, data: Mapping[str, Sequence[object]]) -> None:
    """:func:`bulk_insert` of rows given as columns (name -> values, all of one length), e.g. an Arrow
    table's ``to_pydict()``: no dictionary per row."""
    dialect = conn.dialect
    names = list(data)
    columns: list[Sequence[object]] = [data[name] for name in names]
    if not columns or not len(columns[0]):
        return
    for index, name in enumerate(names):
        if (convert := _converter(table.c[name], dialect)) is not None:
            columns[index] = list(map(convert, columns[index]))
    values = list(zip(*columns, strict=True))
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    if dialect.name != "postgresql":
        placeholders = ", ".join("?" * len(names))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({quoted}) VALUES ({placeholders})", values)
        return
    statement = f"COPY {table.name} ({quoted}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection has its psycopg connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error) from error


def _converter(column, dialect) -> Callable[[object], object] | None:
    """The column type's bind conversion (None: values go as they are), remembering its last answer
    (loads repeat values a lot)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    last: list[object] = [object(), None]

    def convert(value: object) -> object:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return convert
