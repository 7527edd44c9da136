"""Import batches, submissions and quarantine; change requests between rounds.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_format", sa.String(length=20), nullable=False),
        sa.Column("instrument", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("forms", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_index("ix_import_batch_file_sha256", "import_batch", ["file_sha256"], unique=False)

    op.create_table(
        "change_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("submitted_by_name", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("applied_version_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'applied', 'rejected')", name=op.f("ck_change_request_status")
        ),
        sa.CheckConstraint(
            "target_type IN ('household', 'person')", name=op.f("ck_change_request_target_type")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_change_request_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["area.code"], name=op.f("fk_change_request_village_code_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_request")),
    )
    op.create_index(
        "ix_change_request_status_village", "change_request", ["status", "village_code"], unique=False
    )
    op.create_index("ix_change_request_target", "change_request", ["target_type", "target_id"], unique=False)

    op.create_table(
        "import_quarantine",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(length=120), nullable=True),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_import_quarantine_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("batch_id", "position", name=op.f("pk_import_quarantine")),
    )
    op.create_table(
        "import_submission",
        sa.Column("submission_id", sa.String(length=120), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_import_submission_batch_id_import_batch")
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_import_submission")),
    )


def downgrade() -> None:
    for table in ("change_request", "import_quarantine", "import_submission", "import_batch"):
        op.drop_table(table)  # indexes go with their table
