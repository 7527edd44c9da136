"""The linkage slice's tables: an overlay on the registry that never alters the registry's own rows.

- ``linkage_run``: each linkage run (full or incremental), its settings, figures and trained model;
- ``linkage_entity``: a resolved person or household; retired (``retired_into``) when merged, never deleted;
- ``linkage_membership``: which registry record belongs to which entity, as temporal rows (``valid_to``
  set when it moves; one current row per record);
- ``linkage_pair``: candidate pairs for stewards (between the thresholds, or refused by the clustering),
  with the evidence per field;
- ``linkage_decision``: every steward decision, merge and unmerge, append-only.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    text,
)

from inklusi.db import UtcDateTime, metadata
from inklusi.vault import Encrypted

KINDS = "kind IN ('person', 'household')"

linkage_run = Table(
    "linkage_run",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("mode", String(16), nullable=False),  # full, incremental
    Column("settings_name", String(80), nullable=False),
    Column("settings_version", Integer, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("actor_id", Uuid, ForeignKey("user_account.id")),
    Column("records", Integer, nullable=False),
    Column("pairs_scored", BigInteger, nullable=False),
    Column("links", Integer, nullable=False),
    Column("review_pairs", Integer, nullable=False),
    Column("entities", Integer, nullable=False),
    Column("model", Text),  # the trained Splink model (JSON), reused by incremental runs
    Column("detail", Text, nullable=False),  # JSON: timings, training report
    CheckConstraint(KINDS, name="kind"),
)

linkage_entity = Table(
    "linkage_entity",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("run_id", Uuid, ForeignKey("linkage_run.id")),
    Column("retired_at", UtcDateTime),
    Column("retired_into", Uuid, ForeignKey("linkage_entity.id")),
    CheckConstraint(KINDS, name="kind"),
)

linkage_decision = Table(
    "linkage_decision",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(16), nullable=False),  # match, non_match, merge, unmerge
    Column("entity_kind", String(16), nullable=False),
    Column("record_a", Uuid),
    Column("record_b", Uuid),
    Column("pair_id", Uuid, ForeignKey("linkage_pair.id")),
    Column("entity_id", Uuid, ForeignKey("linkage_entity.id")),  # the entity kept (merge) or split (unmerge)
    Column("other_entity_id", Uuid, ForeignKey("linkage_entity.id")),  # the entity retired or created
    Column("actor_id", Uuid, ForeignKey("user_account.id")),
    Column("actor_name", String(120), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("note", Text),
    Column("detail", Text, nullable=False),  # JSON: the records moved
    CheckConstraint("kind IN ('match', 'non_match', 'merge', 'unmerge')", name="kind"),
    Index("ix_linkage_decision_record_a", "entity_kind", "record_a"),
    Index("ix_linkage_decision_record_b", "entity_kind", "record_b"),
)

linkage_membership = Table(
    "linkage_membership",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("record_id", Uuid, nullable=False),  # registry person or household id
    Column("entity_id", Uuid, ForeignKey("linkage_entity.id"), nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_to", UtcDateTime),
    Column("reason", String(16), nullable=False),  # alone, nik, model, steward
    Column("run_id", Uuid, ForeignKey("linkage_run.id")),
    Column("decision_id", Uuid, ForeignKey("linkage_decision.id")),
    CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    Index(
        "uq_linkage_membership_current",
        "kind",
        "record_id",
        unique=True,
        sqlite_where=text("valid_to IS NULL"),
        postgresql_where=text("valid_to IS NULL"),
    ),
    Index("ix_linkage_membership_entity_id", "entity_id"),
    Index("ix_linkage_membership_record", "kind", "record_id", "valid_from"),
)

linkage_pair = Table(
    "linkage_pair",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("record_a", Uuid, nullable=False),
    Column("record_b", Uuid, nullable=False),
    Column("run_id", Uuid, ForeignKey("linkage_run.id"), nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("reason", String(40), nullable=False),  # between_thresholds, conflict:nik, transitive …
    Column(
        "evidence", Encrypted("sensitive", "linkage_pair.evidence"), nullable=False
    ),  # JSON: field, both values …
    Column("area_a", String(13)),
    Column("area_b", String(13)),
    Column("status", String(16), nullable=False),  # pending, decided, superseded
    Column("created_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    CheckConstraint("status IN ('pending', 'decided', 'superseded')", name="status"),
    Index(
        "uq_linkage_pair_pending",
        "kind",
        "record_a",
        "record_b",
        unique=True,
        sqlite_where=text("status = 'pending'"),
        postgresql_where=text("status = 'pending'"),
    ),
    Index("ix_linkage_pair_status", "status", "kind", "match_probability"),
)
