"""The PPKS slice's tables: identification runs and flags (a person proposed for, or verified in, a PPKS
category), as temporal versions: a re-run or a decision closes the current version (``valid_to``) and adds
the next, so nothing is overwritten or deleted and a flag's history is its versions. Each run's protected
who/where/what publication (its header and its cells) is stored with it, read but never recomputed."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from inklusi.db import UtcDateTime, metadata
from inklusi.vault import Encrypted

ppks_run = Table(
    "ppks_run",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("rules", String(60), nullable=False),  # the rule set's name
    Column("rules_version", String(80), nullable=False),  # its key, name-version (e.g. national-1)
    Column("reference_date", Date, nullable=False),  # ages are counted on this day
    Column("registry_at", UtcDateTime, nullable=False),  # the registry's snapshot moment
    Column("welfare_run_id", Uuid, ForeignKey("welfare_run.id"), nullable=True),  # deciles read, if any
    Column("skipped_rules", Text, nullable=False),  # JSON list: rules that need deciles, without them
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("candidates", Integer, nullable=False),  # (person, category) pairs the rules found
    Column("new_flags", Integer, nullable=False),
    Column("changed", Integer, nullable=False),  # new evidence, or a retired flag found again
    Column("retired", Integer, nullable=False),
    Index("ix_ppks_run_started_at", "started_at"),
)

ppks_flag = Table(
    "ppks_flag",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("person.id"), nullable=False),
    Column("category", String(60), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("run_id", Uuid, ForeignKey("ppks_run.id"), nullable=False),  # the run that first found it
    UniqueConstraint("person_id", "category"),
)

ppks_flag_version = Table(
    "ppks_flag_version",
    metadata,
    Column("version_id", Uuid, primary_key=True),
    Column("flag_id", Uuid, ForeignKey("ppks_flag.id"), nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_to", UtcDateTime, nullable=True),
    Column("status", String(16), nullable=False),
    Column("area_code", String(13), nullable=False),  # the household's village, or where registered outside
    Column("household_id", Uuid, nullable=True),  # null for people outside households
    Column("rule_id", String(80), nullable=False),  # the first rule (in the rule set's order) that found it
    Column("rule_version", String(80), nullable=False),
    Column(
        "evidence", Encrypted("sensitive", "ppks_flag_version.evidence"), nullable=False
    ),  # rule id -> answers
    Column("run_id", Uuid, ForeignKey("ppks_run.id"), nullable=False),  # the run the evidence is from
    Column("registry_at", UtcDateTime, nullable=False),  # that run's registry moment
    Column("decided_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("decided_by_name", String(120), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decision_note", Text, nullable=True),  # a verification's note, a rejection's reason
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),  # who wrote this version
    Column("recorded_at", UtcDateTime, nullable=False),
    CheckConstraint("status IN ('candidate', 'verified', 'rejected', 'retired')", name="status"),
    CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    CheckConstraint("status <> 'rejected' OR decision_note IS NOT NULL", name="rejection_reason"),
    Index("ix_ppks_flag_version_flag", "flag_id", "valid_from"),
    Index("ix_ppks_flag_version_area", "area_code", "status"),
    Index(
        "uq_ppks_flag_version_current",
        "flag_id",
        unique=True,
        sqlite_where=text("valid_to IS NULL"),
        postgresql_where=text("valid_to IS NULL"),
    ),
)

ppks_publication = Table(
    "ppks_publication",
    metadata,
    Column("run_id", Uuid, ForeignKey("ppks_run.id"), primary_key=True),
    Column("computed_at", UtcDateTime, nullable=False),
    Column("threshold_sensitive", Integer, nullable=False),  # smallest count published, sensitive categories
    Column("threshold_personal", Integer, nullable=False),  # and the others
    Column("measures", Text, nullable=False),  # JSON list, aggregates.MEASURES order
    Column("breakdowns", Text, nullable=False),  # JSON list: levels with sex, age group and decile tables
    Column("cells", Integer, nullable=False),  # rows in ppks_cell
    Index("ix_ppks_publication_computed_at", "computed_at"),
)
"""A run's publication (:func:`inklusi.ppks.publication.publish`): written once, after the run's flags."""

ppks_cell = Table(
    "ppks_cell",
    metadata,
    # the key leads with the run and the area: every cell of one area in one run is one index range
    Column("run_id", Uuid, ForeignKey("ppks_publication.run_id"), primary_key=True),
    Column("area_code", String(13), primary_key=True),  # "ID" for the nation
    Column("measure", String(24), primary_key=True),
    Column("slice", String(16), primary_key=True),  # sex, age_group, decile, child_area
    Column("category", String(60), primary_key=True),  # a category code, or "all"
    Column("key", String(16), primary_key=True),  # the column: a sex, age group, decile, area code, "all"
    Column("level", String(10), nullable=False),  # the area's level
    Column("value", Integer, nullable=True),  # null when suppressed
    Column("suppressed", Boolean, nullable=False),
    Column("reason", String(16), nullable=False),  # published, primary, complementary, linked: stewards only
    CheckConstraint("(value IS NULL) = suppressed", name="suppressed_value"),
)
"""The published entries (:data:`inklusi.ppks.publication.SCHEMA`): non-zero or suppressed figures only;
a missing entry is a published 0."""
