"""Data-subject requests and restrictions.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subject_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("change_request_id", sa.Uuid(), nullable=True),
        sa.Column("grievance_id", sa.Uuid(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("received_by", sa.Uuid(), nullable=True),
        sa.Column("received_by_name", sa.String(length=120), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("closed_by_name", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "kind IN ('access', 'correction', 'objection', 'restriction', 'deletion')",
            name=op.f("ck_subject_request_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'in_progress', 'answered', 'refused')",
            name=op.f("ck_subject_request_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["received_by"], ["user_account.id"], name=op.f("fk_subject_request_received_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["user_account.id"], name=op.f("fk_subject_request_closed_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_request")),
    )
    op.create_index("ix_subject_request_person", "subject_request", ["person_id"], unique=False)
    op.create_index("ix_subject_request_open", "subject_request", ["status", "due_at"], unique=False)
    op.create_table(
        "subject_restriction",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_request_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_request.id"],
            name=op.f("fk_subject_restriction_request_id_subject_request"),
        ),
        sa.ForeignKeyConstraint(
            ["ended_request_id"],
            ["subject_request.id"],
            name=op.f("fk_subject_restriction_ended_request_id_subject_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_restriction")),
    )
    op.create_index(
        "ix_subject_restriction_person", "subject_restriction", ["person_id", "ended_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_subject_restriction_person", table_name="subject_restriction")
    op.drop_table("subject_restriction")
    op.drop_index("ix_subject_request_open", table_name="subject_request")
    op.drop_index("ix_subject_request_person", table_name="subject_request")
    op.drop_table("subject_request")
