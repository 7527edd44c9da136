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

import sqlalchemy as sa
from alembic import op

from inklusi.vault_migration import Sealed, open_columns, seal_columns

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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


def upgrade() -> None:
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
    seal_columns(SEALED)


def downgrade() -> None:
    open_columns(reversed(SEALED))
    op.drop_table("vault_key")
