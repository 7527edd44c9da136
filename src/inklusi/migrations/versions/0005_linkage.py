"""Linkage: runs, resolved entities, temporal memberships, the review queue and stewards' decisions.

An overlay on the registry: it maps registry person and household ids to entities and never alters the
registry's rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('person', 'household')"


def upgrade() -> None:
    op.create_table(
        "linkage_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("settings_name", sa.String(length=80), nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("pairs_scored", sa.BigInteger(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("review_pairs", sa.Integer(), nullable=False),
        sa.Column("entities", sa.Integer(), nullable=False),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_linkage_run_kind")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_linkage_run_actor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_run")),
    )
    op.create_table(
        "linkage_entity",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_into", sa.Uuid(), nullable=True),
        sa.CheckConstraint(KINDS, name=op.f("ck_linkage_entity_kind")),
        sa.ForeignKeyConstraint(
            ["retired_into"],
            ["linkage_entity.id"],
            name=op.f("fk_linkage_entity_retired_into_linkage_entity"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_run.id"], name=op.f("fk_linkage_entity_run_id_linkage_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_entity")),
    )
    op.create_table(
        "linkage_pair",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record_a", sa.Uuid(), nullable=False),
        sa.Column("record_b", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("area_a", sa.String(length=13), nullable=True),
        sa.Column("area_b", sa.String(length=13), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'decided', 'superseded')", name=op.f("ck_linkage_pair_status")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_run.id"], name=op.f("fk_linkage_pair_run_id_linkage_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_pair")),
    )
    op.create_index(
        "ix_linkage_pair_status", "linkage_pair", ["status", "kind", "match_probability"], unique=False
    )
    op.create_index(
        "uq_linkage_pair_pending",
        "linkage_pair",
        ["kind", "record_a", "record_b"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "linkage_decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entity_kind", sa.String(length=16), nullable=False),
        sa.Column("record_a", sa.Uuid(), nullable=True),
        sa.Column("record_b", sa.Uuid(), nullable=True),
        sa.Column("pair_id", sa.Uuid(), nullable=True),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.Column("other_entity_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('match', 'non_match', 'merge', 'unmerge')", name=op.f("ck_linkage_decision_kind")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_linkage_decision_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["linkage_entity.id"], name=op.f("fk_linkage_decision_entity_id_linkage_entity")
        ),
        sa.ForeignKeyConstraint(
            ["other_entity_id"],
            ["linkage_entity.id"],
            name=op.f("fk_linkage_decision_other_entity_id_linkage_entity"),
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["linkage_pair.id"], name=op.f("fk_linkage_decision_pair_id_linkage_pair")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_decision")),
    )
    op.create_index(
        "ix_linkage_decision_record_a", "linkage_decision", ["entity_kind", "record_a"], unique=False
    )
    op.create_index(
        "ix_linkage_decision_record_b", "linkage_decision", ["entity_kind", "record_b"], unique=False
    )
    op.create_table(
        "linkage_membership",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_linkage_membership_validity")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["linkage_decision.id"],
            name=op.f("fk_linkage_membership_decision_id_linkage_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["linkage_entity.id"], name=op.f("fk_linkage_membership_entity_id_linkage_entity")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["linkage_run.id"], name=op.f("fk_linkage_membership_run_id_linkage_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_membership")),
    )
    op.create_index("ix_linkage_membership_entity_id", "linkage_membership", ["entity_id"], unique=False)
    op.create_index(
        "ix_linkage_membership_record",
        "linkage_membership",
        ["kind", "record_id", "valid_from"],
        unique=False,
    )
    op.create_index(
        "uq_linkage_membership_current",
        "linkage_membership",
        ["kind", "record_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("linkage_membership")
    op.drop_table("linkage_decision")
    op.drop_table("linkage_pair")
    op.drop_table("linkage_entity")
    op.drop_table("linkage_run")
