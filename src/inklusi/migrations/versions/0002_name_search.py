"""Name search: tokens of current names and their one-deletion variants; backfilled from current persons.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    name_variant = op.create_table(
        "name_variant",
        sa.Column("variant", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("variant", "token", name=op.f("pk_name_variant")),
    )
    person_name_token = op.create_table(
        "person_name_token",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("name_length", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_name_token_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "token", name=op.f("pk_person_name_token")),
    )
    op.create_index("ix_person_name_token_token", "person_name_token", ["token", "name_length"], unique=False)
    _backfill(person_name_token, name_variant)


def _backfill(person_name_token: sa.Table, name_variant: sa.Table) -> None:
    from inklusi.registry.names import name_tokens, variants  # the same rules the application uses

    conn = op.get_bind()
    person_version = sa.table(
        "person_version",
        sa.column("person_id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("valid_to", sa.DateTime(timezone=True)),
    )
    current = sa.select(person_version.c.person_id, person_version.c.name).where(
        person_version.c.valid_to.is_(None)
    )
    tokens, vocabulary = [], set()
    for person_id, name in conn.execute(current):
        distinct = list(dict.fromkeys(token[:40] for token in name_tokens(name)))
        for token in distinct:
            tokens.append({"person_id": person_id, "token": token, "name_length": len(distinct)})
            vocabulary.add(token)
    if tokens:
        conn.execute(person_name_token.insert(), tokens)
        rows = [{"variant": v, "token": t} for t in vocabulary for v in variants(t)]
        conn.execute(name_variant.insert(), rows)


def downgrade() -> None:
    op.drop_table("person_name_token")
    op.drop_table("name_variant")
