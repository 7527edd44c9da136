"""Migrations that seal columns already holding plain values (0019, 0020), and their downgrades.

A column is sealed in place, a batch at a time (:func:`inklusi.vault.rewrite`): a ``<column>_sealed`` column
is added, each row gets its sealed value (and blind index) and, when the column may be null, loses the plain
value in the same update; then the plain column is dropped and the sealed one takes its name. The downgrade
does the reverse. Used only from inside a migration (``alembic.op``). See ``docs/encryption.md``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from alembic import context, op

from inklusi import vault

KEY_TYPES = {"position": sa.Integer()}  # the tables' other primary keys are UUIDs


@dataclass(frozen=True)
class Sealed:
    """A column to seal: its table, the table's primary key, the key purpose and the column before."""

    table: str
    keys: tuple[str, ...]  # the table's primary key
    column: str
    purpose: str
    plain_type: sa.types.TypeEngine  # the column before (``sa.JSON()``: a JSON value, sealed as its text)
    nullable: bool = True
    index: str | None = None  # the blind index column
    old_index: tuple[str, bool, str | None] | None = None  # name, unique, where (over the plain column)
    new_index: tuple[str, bool, str | None] | None = None  # the same, over the blind index

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def is_json(self) -> bool:
        return isinstance(self.plain_type, sa.JSON)

    def text(self, value: object) -> str:
        """The plain value as the text to seal (a JSON value as :class:`vault.EncryptedJSON` writes it)."""
        return json.dumps(value, ensure_ascii=False) if self.is_json else str(value)

    def table_with(self, *columns: sa.ColumnClause) -> sa.TableClause:
        keys = [sa.column(key, KEY_TYPES.get(key, sa.Uuid())) for key in self.keys]
        return sa.table(self.table, *keys, *columns)


def keyring() -> vault.KeyRing:
    """The key ring of the migration (version 1 of every key created first if there is none): the master key
    ``inklusi init`` hands over, else the engine's key ring's, else the settings'."""
    bind = op.get_bind()
    master = context.config.attributes.get("master_key")
    installed = getattr(bind.dialect, "inklusi_keyring", None)
    if master is None:
        if installed is not None:
            master = installed.master
        else:
            from inklusi.config import Settings

            master = vault.master_key(Settings())
    vault.ensure_keys(bind, master)
    ring = vault.KeyRing(master)
    ring.load(bind)
    if installed is not None:  # the engine's own key ring sees keys made (again) here
        installed.load(bind)
    return ring


def seal_columns(specs: Iterable[Sealed]) -> None:
    """Seal the columns' plain values in place (see the module's docstring)."""
    ring = keyring()
    conn = op.get_bind()
    for spec in specs:
        if spec.old_index:
            op.drop_index(spec.old_index[0], table_name=spec.table)
        op.add_column(spec.table, sa.Column(f"{spec.column}_sealed", sa.LargeBinary(), nullable=True))
        if spec.index:
            op.add_column(spec.table, sa.Column(spec.index, sa.LargeBinary(), nullable=True))
        table = spec.table_with(
            sa.column(spec.column, spec.plain_type),
            sa.column(f"{spec.column}_sealed", sa.LargeBinary()),
            *([sa.column(spec.index, sa.LargeBinary())] if spec.index else []),
        )

        clear = spec.nullable or _allow_null(spec)

        def sealed(value: object, spec: Sealed = spec, clear: bool = clear) -> dict[str, object]:
            text = spec.text(value)
            values: dict[str, object] = {f"{spec.column}_sealed": ring.seal(spec.purpose, spec.name, text)}
            if clear:
                values[spec.column] = None  # the same update drops the plain value
            if spec.index:
                values[spec.index] = ring.index(spec.purpose, text)
            return values

        vault.rewrite(conn, table, [table.c[key] for key in spec.keys], table.c[spec.column], sealed)
        op.drop_column(spec.table, spec.column)
        _rename(spec.table, f"{spec.column}_sealed", spec.column)
        _not_null(spec)
        if spec.new_index and spec.index:
            _index(spec.new_index, spec.table, spec.index)


def open_columns(specs: Iterable[Sealed]) -> None:
    """Give the columns their plain values back (the downgrade of :func:`seal_columns`)."""
    ring = keyring()
    conn = op.get_bind()
    for spec in specs:
        if spec.new_index:
            op.drop_index(spec.new_index[0], table_name=spec.table)
        op.add_column(spec.table, sa.Column(f"{spec.column}_plain", spec.plain_type, nullable=True))
        table = spec.table_with(
            sa.column(spec.column, sa.LargeBinary()), sa.column(f"{spec.column}_plain", spec.plain_type)
        )

        def opened(value: object, spec: Sealed = spec) -> dict[str, object]:
            text = ring.open(spec.purpose, spec.name, cast(bytes, value))
            values: dict[str, object] = {f"{spec.column}_plain": json.loads(text) if spec.is_json else text}
            if spec.nullable:
                values[spec.column] = None
            return values

        vault.rewrite(conn, table, [table.c[key] for key in spec.keys], table.c[spec.column], opened)
        op.drop_column(spec.table, spec.column)
        if spec.index:
            op.drop_column(spec.table, spec.index)
        _rename(spec.table, f"{spec.column}_plain", spec.column)
        _not_null(spec)
        if spec.old_index:
            _index(spec.old_index, spec.table, spec.column)


def _allow_null(spec: Sealed) -> bool:
    """On PostgreSQL, let a NOT NULL plain column be emptied as its row is sealed (cheap: no rewrite), since
    dropping a column there leaves its values in the rows until they are written again; SQLite rewrites the
    table when a column is dropped (and zeroes the freed pages: ``secure_delete``). Whether it may be."""
    if op.get_bind().dialect.name != "postgresql":
        return False
    op.alter_column(spec.table, spec.column, nullable=True)
    return True


def _not_null(spec: Sealed) -> None:
    if not spec.nullable:
        with op.batch_alter_table(spec.table) as batch:
            batch.alter_column(spec.column, nullable=False)


def _index(spec: tuple[str, bool, str | None], table: str, column: str) -> None:
    name, unique, where = spec
    if where:
        condition = sa.text(where)
        op.create_index(
            name, table, [column], unique=unique, sqlite_where=condition, postgresql_where=condition
        )
    else:
        op.create_index(name, table, [column], unique=unique)


def _rename(table: str, old: str, new: str) -> None:
    quote = op.get_bind().dialect.identifier_preparer.quote
    op.execute(f"ALTER TABLE {quote(table)} RENAME COLUMN {quote(old)} TO {quote(new)}")
