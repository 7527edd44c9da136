"""Encryption at rest of the requests' and deliberations' texts: change requests (a NIK or KK correction puts
the new number in ``changes``), grievances, village deliberations (FKP) and data-subject requests.

Seals the existing values column by column, a batch at a time, under the ``sensitive`` data key, as 0019
does (``inklusi.vault_migration``); none of these columns is filtered or sorted on in SQL (``subject_request
.contact`` only is tested for NULL, which a sealed value keeps). See ``docs/encryption.md``.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa

from inklusi.vault_migration import Sealed, open_columns, seal_columns

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED = (
    Sealed("change_request", ("id",), "changes", "sensitive", sa.JSON(), False),
    Sealed("change_request", ("id",), "reason", "sensitive", sa.Text(), False),
    Sealed("change_request", ("id",), "evidence", "sensitive", sa.Text(), False),
    Sealed("change_request", ("id",), "decision_note", "sensitive", sa.Text()),
    Sealed("grievance", ("id",), "statement", "sensitive", sa.Text(), False),
    Sealed("grievance", ("id",), "evidence", "sensitive", sa.Text(), False),
    Sealed("grievance", ("id",), "decision_note", "sensitive", sa.Text()),
    Sealed("fkp_meeting", ("id",), "attendance", "sensitive", sa.Text(), False),
    Sealed("fkp_meeting", ("id",), "minutes", "sensitive", sa.Text(), False),
    Sealed("fkp_decision", ("id",), "reason", "sensitive", sa.Text(), False),
    Sealed("subject_request", ("id",), "statement", "sensitive", sa.Text(), False),
    Sealed("subject_request", ("id",), "contact", "sensitive", sa.Text()),
    Sealed("subject_request", ("id",), "details", "sensitive", sa.Text(), False),
    Sealed("subject_request", ("id",), "decisions", "sensitive", sa.Text(), False),
    Sealed("subject_request", ("id",), "response", "sensitive", sa.Text()),
)


def upgrade() -> None:
    seal_columns(SEALED)


def downgrade() -> None:
    open_columns(reversed(SEALED))
