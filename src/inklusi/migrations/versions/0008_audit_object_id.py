"""The auditor's search by person or record id, whatever the object's type: an index on the object id alone
(the (object type, object id) index cannot serve it, so the search scanned the whole log).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_log_object_id", "audit_log", ["object_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_object_id", table_name="audit_log")
