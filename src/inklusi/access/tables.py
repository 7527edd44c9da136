"""Organisations, users, roles, grants (role + area scope) and API tokens."""

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    false,
    true,
)

from inklusi.db import UtcDateTime, metadata

organisation = Table(
    "organisation",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("home_area_code", String(13), ForeignKey("area.code"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("kind IN ('central', 'regional', 'ngo')", name="kind"),
)

user_account = Table(
    "user_account",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=False),
    Column("language", String(2), nullable=False, server_default="id"),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("created_at", UtcDateTime, nullable=False),
    # the administrator created with a generated password must choose their own at the first login
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    CheckConstraint("username = lower(username)", name="username_lower"),
)

role = Table(
    "role",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("label_id", String(120), nullable=False),
    Column("label_en", String(120), nullable=False),
    Column("permissions", JSON, nullable=False),
)

role_grant = Table(
    "role_grant",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("user_account.id"), nullable=False),
    Column("role_name", String(40), ForeignKey("role.name"), nullable=False),
    # NULL area: the whole country
    Column("area_code", String(13), ForeignKey("area.code"), nullable=True),
    Column("granted_at", UtcDateTime, nullable=False),
    Index("ix_role_grant_user_id", "user_id"),
)

api_token = Table(
    "api_token",
    metadata,
    # SHA-256 of the token: the token itself is shown once and never stored
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Uuid, ForeignKey("user_account.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Index("ix_api_token_user_id", "user_id"),
)

# Failed logins per account (a hash of the username, known or not) and per client address; a key over
# its limit is locked until ``locked_until``. In the database, so every worker sees the same counts.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", UtcDateTime, nullable=False),
    Column("locked_until", UtcDateTime, nullable=True),
)
