"""Encryption at rest: wrapped data keys, encrypted NIK and KK with their blind indexes.

Creates ``vault_key`` and the first version of every data key (wrapped by the master key: ``inklusi init``
hands it over; otherwise the engine's key ring or the settings give it), then seals the existing values
column by column, a batch at a time: each row gets its sealed value (and blind index) and loses the plain
one in the same update, so no new row version keeps the plain text. See ``docs/encryption.md``.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import context, op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


@dataclass(frozen=True)
class Sealed:
    table: str
    keys: tuple[str, ...]  # the table's primary key
    column: str
    purpose: str
    plain_type: sa.types.TypeEngine  # the column before: for the downgrade
    nullable: bool = True
    index: str | None = None  # the blind index column
    old_index: tuple[str, bool, str | None] | None = None  # name, unique, where (over the plain column)
    new_index: tuple[str, bool, str | None] | None = None  # the same, over the blind index


SEALED = (
    Sealed(
        "person_version", ("version_id",), "nik", "nik", sa.String(16), True, "nik_index",
        ("ix_person_version_nik", False, None), ("ix_person_version_nik_index", False, None),
    ),
    Sealed(
        "family_version", ("version_id",), "kk_number", "kk", sa.String(16), True, "kk_index",
        ("uq_family_version_current_kk", True, "valid_to IS NULL AND kk_number IS NOT NULL"),
        ("uq_family_version_current_kk", True, "valid_to IS NULL AND kk_index IS NOT NULL"),
    ),
    # free texts that hold NIKs, health, violence or drug use (the rest: docs/encryption.md)
    Sealed("import_quarantine", ("batch_id", "position"), "record", "sensitive", sa.Text(), False),
    Sealed("linkage_pair", ("id",), "evidence", "sensitive", sa.Text(), False),
    Sealed("ppks_flag_version", ("version_id",), "evidence", "sensitive", sa.Text(), False),
    Sealed("case_assessment", ("id",), "summary", "sensitive", sa.Text()),
    Sealed("case_note", ("id",), "text", "sensitive", sa.Text(), False),
)  # fmt: skip
KEY_TYPES = {"position": sa.Integer()}  # the other keys are UUIDs


def _table(spec: Sealed, *columns: sa.ColumnClause) -> sa.TableClause:
    keys = [sa.column(key, KEY_TYPES.get(key, sa.Uuid())) for key in spec.keys]
    return sa.table(spec.table, *keys, *columns)


def _not_null(spec: Sealed, nullable: bool) -> None:
    if not nullable:
        with op.batch_alter_table(spec.table) as batch:
            batch.alter_column(spec.column, nullable=False)


def _keyring():
    from inklusi import vault

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
    keyring = vault.KeyRing(master)
    keyring.load(bind)
    if installed is not None:  # the engine's own key ring sees keys made (again) here
        installed.load(bind)
    return keyring


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


def upgrade() -> None:
    from inklusi import vault

    op.create_table(
        "vault_key",
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("version BETWEEN 1 AND 65535", name=op.f("ck_vault_key_version")),
        sa.PrimaryKeyConstraint("purpose", "version", name=op.f("pk_vault_key")),
    )
    keyring = _keyring()
    conn = op.get_bind()
    for spec in SEALED:
        if spec.old_index:
            op.drop_index(spec.old_index[0], table_name=spec.table)
        op.add_column(spec.table, sa.Column(f"{spec.column}_sealed", sa.LargeBinary(), nullable=True))
        if spec.index:
            op.add_column(spec.table, sa.Column(spec.index, sa.LargeBinary(), nullable=True))
        table = _table(
            spec,
            sa.column(spec.column, sa.Text()),
            sa.column(f"{spec.column}_sealed", sa.LargeBinary()),
            *([sa.column(spec.index, sa.LargeBinary())] if spec.index else []),
        )

        def sealed(value, spec=spec):
            text = str(value)
            values: dict[str, object] = {
                f"{spec.column}_sealed": keyring.seal(spec.purpose, f"{spec.table}.{spec.column}", text)
            }
            if spec.nullable:
                values[spec.column] = None  # the same update drops the plain value
            if spec.index:
                values[spec.index] = keyring.index(spec.purpose, text)
            return values

        keys = [table.c[key] for key in spec.keys]
        vault.rewrite(conn, table, keys, table.c[spec.column], sealed)
        op.drop_column(spec.table, spec.column)
        _rename(spec.table, f"{spec.column}_sealed", spec.column)
        _not_null(spec, spec.nullable)
        if spec.new_index and spec.index:
            _index(spec.new_index, spec.table, spec.index)


def downgrade() -> None:
    from inklusi import vault

    keyring = _keyring()
    conn = op.get_bind()
    for spec in reversed(SEALED):
        if spec.new_index:
            op.drop_index(spec.new_index[0], table_name=spec.table)
        op.add_column(spec.table, sa.Column(f"{spec.column}_plain", spec.plain_type, nullable=True))
        table = _table(
            spec, sa.column(spec.column, sa.LargeBinary()), sa.column(f"{spec.column}_plain", sa.Text())
        )

        def opened(value, spec=spec):
            name = f"{spec.table}.{spec.column}"
            values: dict[str, object] = {f"{spec.column}_plain": keyring.open(spec.purpose, name, value)}
            if spec.nullable:
                values[spec.column] = None
            return values

        keys = [table.c[key] for key in spec.keys]
        vault.rewrite(conn, table, keys, table.c[spec.column], opened)
        op.drop_column(spec.table, spec.column)
        if spec.index:
            op.drop_column(spec.table, spec.index)
        _rename(spec.table, f"{spec.column}_plain", spec.column)
        _not_null(spec, spec.nullable)
        if spec.old_index:
            _index(spec.old_index, spec.table, spec.column)
    op.drop_table("vault_key")
