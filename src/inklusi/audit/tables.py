"""The append-only, hash-chained audit log (guarded by triggers created in the migration)."""

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, Uuid

from inklusi.db import UtcDateTime, metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", Uuid, nullable=True),
    Column("actor_name", String(120), nullable=False),
    Column("organisation_id", Uuid, nullable=True),
    Column("action", String(40), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(64), nullable=True),
    Column("area_code", String(13), nullable=True),
    Column("purpose", String(40), nullable=False),
    Column("detail", Text, nullable=False),  # canonical JSON, hashed as stored
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_log_object", "object_type", "object_id"),
    Index("ix_audit_log_actor_id", "actor_id"),
    Index("ix_audit_log_object_id", "object_id"),  # the auditor searches by id, whatever the type
)
