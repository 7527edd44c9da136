"""Foundation: areas, access, audit log (append-only), registry (temporal versions).

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("code", sa.String(length=13), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=13), nullable=True),
        sa.Column("search_key", sa.String(length=120), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("population_male", sa.BigInteger(), nullable=True),
        sa.Column("population_female", sa.BigInteger(), nullable=True),
        sa.Column("land_area_km2", sa.Float(), nullable=True),
        sa.Column("dataset", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "level IN ('province', 'regency', 'district', 'village')", name=op.f("ck_area_level")
        ),
        sa.ForeignKeyConstraint(["parent_code"], ["area.code"], name=op.f("fk_area_parent_code_area")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_area")),
    )
    op.create_index("ix_area_parent_code", "area", ["parent_code"], unique=False)
    op.create_index("ix_area_search_key", "area", ["search_key"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("area_code", sa.String(length=13), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"], unique=False)
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"], unique=False)

    op.create_table(
        "family",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family")),
    )
    op.create_table(
        "household",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    op.create_table(
        "role",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("label_id", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("permissions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_role")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("home_area_code", sa.String(length=13), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('central', 'regional', 'ngo')", name=op.f("ck_organisation_kind")),
        sa.ForeignKeyConstraint(
            ["home_area_code"], ["area.code"], name=op.f("fk_organisation_home_area_code_area")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=2), server_default="id", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("username = lower(username)", name=op.f("ck_user_account_username_lower")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "api_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_token")),
    )
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"], unique=False)

    op.create_table(
        "family_member",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("relationship", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("relationship BETWEEN 1 AND 8", name=op.f("ck_family_member_relationship")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_family_member_validity")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_family_member_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(["family_id"], ["family.id"], name=op.f("fk_family_member_family_id_family")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_family_member_person_id_person")),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_family_member")),
    )
    op.create_index("ix_family_member_family_id", "family_member", ["family_id"], unique=False)
    op.create_index(
        "uq_family_member_current_head",
        "family_member",
        ["family_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL AND relationship = 1"),
        postgresql_where=sa.text("valid_to IS NULL AND relationship = 1"),
    )
    op.create_index(
        "uq_family_member_current_person",
        "family_member",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )

    op.create_table(
        "family_version",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kk_number", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_family_version_validity")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_family_version_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_family_version_family_id_family")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_family_version_household_id_household"),
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_family_version")),
    )
    op.create_index("ix_family_version_family", "family_version", ["family_id", "valid_from"], unique=False)
    op.create_index("ix_family_version_household_id", "family_version", ["household_id"], unique=False)
    op.create_index(
        "uq_family_version_current",
        "family_version",
        ["family_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )
    op.create_index(
        "uq_family_version_current_kk",
        "family_version",
        ["kk_number"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL AND kk_number IS NOT NULL"),
        postgresql_where=sa.text("valid_to IS NULL AND kk_number IS NOT NULL"),
    )

    op.create_table(
        "household_version",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("sls", sa.String(length=32), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("tenure", sa.SmallInteger(), nullable=True),
        sa.Column("floor_area_m2", sa.Integer(), nullable=True),
        sa.Column("floor_material", sa.SmallInteger(), nullable=True),
        sa.Column("wall_material", sa.SmallInteger(), nullable=True),
        sa.Column("roof_material", sa.SmallInteger(), nullable=True),
        sa.Column("water_source", sa.SmallInteger(), nullable=True),
        sa.Column("lighting", sa.SmallInteger(), nullable=True),
        sa.Column("electricity_power", sa.SmallInteger(), nullable=True),
        sa.Column("cooking_fuel", sa.SmallInteger(), nullable=True),
        sa.Column("toilet", sa.SmallInteger(), nullable=True),
        sa.Column("toilet_type", sa.SmallInteger(), nullable=True),
        sa.Column("excreta_disposal", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint(
            "latitude IS NULL OR latitude BETWEEN -90 AND 90",
            name=op.f("ck_household_version_latitude"),
        ),
        sa.CheckConstraint(
            "length(village_code) = 13", name=op.f("ck_household_version_village_code_is_village")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR longitude BETWEEN -180 AND 180",
            name=op.f("ck_household_version_longitude"),
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_household_version_validity")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_household_version_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_version_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["village_code"], ["area.code"], name=op.f("fk_household_version_village_code_area")
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_household_version")),
    )
    op.create_index(
        "ix_household_version_household",
        "household_version",
        ["household_id", "valid_from"],
        unique=False,
    )
    op.create_index("ix_household_version_village_code", "household_version", ["village_code"], unique=False)
    op.create_index(
        "uq_household_version_current",
        "household_version",
        ["household_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )

    op.create_table(
        "person_version",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.SmallInteger(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_place", sa.String(length=100), nullable=True),
        sa.Column("marital_status", sa.SmallInteger(), nullable=True),
        sa.Column("school_participation", sa.SmallInteger(), nullable=True),
        sa.Column("education", sa.SmallInteger(), nullable=True),
        sa.Column("worked_last_week", sa.SmallInteger(), nullable=True),
        sa.Column("employment_status", sa.SmallInteger(), nullable=True),
        sa.Column("industry", sa.SmallInteger(), nullable=True),
        sa.Column("difficulty_seeing", sa.SmallInteger(), nullable=True),
        sa.Column("difficulty_hearing", sa.SmallInteger(), nullable=True),
        sa.Column("difficulty_walking", sa.SmallInteger(), nullable=True),
        sa.Column("difficulty_remembering", sa.SmallInteger(), nullable=True),
        sa.Column("difficulty_self_care", sa.SmallInteger(), nullable=True),
        sa.Column("difficulty_communicating", sa.SmallInteger(), nullable=True),
        sa.Column("chronic_illness", sa.SmallInteger(), nullable=True),
        sa.Column("health_insurance", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint("sex IN (1, 2)", name=op.f("ck_person_version_sex")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_person_version_validity")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_person_version_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_version_person_id_person")
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_person_version")),
    )
    op.create_index("ix_person_version_nik", "person_version", ["nik"], unique=False)
    op.create_index("ix_person_version_person", "person_version", ["person_id", "valid_from"], unique=False)
    op.create_index(
        "uq_person_version_current",
        "person_version",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )

    op.create_table(
        "role_grant",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role_name", sa.String(length=40), nullable=False),
        sa.Column("area_code", sa.String(length=13), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_code"], ["area.code"], name=op.f("fk_role_grant_area_code_area")),
        sa.ForeignKeyConstraint(["role_name"], ["role.name"], name=op.f("fk_role_grant_role_name_role")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_role_grant_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
    )
    op.create_index("ix_role_grant_user_id", "role_grant", ["user_id"], unique=False)

    op.create_table(
        "family_programme",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["family_version.version_id"],
            name=op.f("fk_family_programme_version_id_family_version"),
        ),
        sa.PrimaryKeyConstraint("version_id", "programme", name=op.f("pk_family_programme")),
    )
    op.create_table(
        "household_asset",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("asset", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_household_asset_quantity")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["household_version.version_id"],
            name=op.f("fk_household_asset_version_id_household_version"),
        ),
        sa.PrimaryKeyConstraint("version_id", "asset", name=op.f("pk_household_asset")),
    )
    op.create_table(
        "person_programme",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["person_version.version_id"],
            name=op.f("fk_person_programme_version_id_person_version"),
        ),
        sa.PrimaryKeyConstraint("version_id", "programme", name=op.f("pk_person_programme")),
    )

    _guard_audit_log()


# The audit log is append-only: the database refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE).
# In production also REVOKE UPDATE, DELETE, TRUNCATE ON audit_log from the application's role.
_SQLITE_GUARDS = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
_POSTGRESQL_GUARDS = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]


def _guard_audit_log() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_GUARDS if dialect == "sqlite" else _POSTGRESQL_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
    for table in (
        "person_programme",
        "household_asset",
        "family_programme",
        "role_grant",
        "person_version",
        "household_version",
        "family_version",
        "family_member",
        "api_token",
        "user_account",
        "organisation",
        "role",
        "person",
        "household",
        "family",
        "audit_log",
        "area",
    ):
        op.drop_table(table)  # indexes and triggers go with their table
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append_only()")
