"""The welfare slice's tables: trained models (versioned artifacts), ranking runs, and every household's rank
in every run (history: a new run adds rows, nothing is overwritten)."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
)

from inklusi.db import UtcDateTime, metadata

welfare_model = Table(
    "welfare_model",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", String(120), nullable=False, unique=True),
    Column("spec_name", String(60), nullable=False),
    Column("spec_version", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Column("training_file", Text, nullable=False),
    Column("training_fingerprint", String(64), nullable=False),
    Column("training_households", Integer, nullable=False),
    Column("spec", Text, nullable=False),  # the specification as JSON
    Column("metrics", Text, nullable=False),  # every candidate's out-of-fold metrics, as JSON
    Column("artifact", Text, nullable=False),  # coefficients or the LightGBM model, as JSON
)

welfare_run = Table(
    "welfare_run",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("model_id", Uuid, ForeignKey("welfare_model.id"), nullable=False),
    Column("ranked_at", UtcDateTime, nullable=False),
    Column("reference_date", Date, nullable=False),
    Column("snapshot_at", UtcDateTime, nullable=False),
    Column("backend", String(16), nullable=False),
    Column("households", Integer, nullable=False),
    Column("persons", Integer, nullable=False),
    Column("previous_run_id", Uuid, ForeignKey("welfare_run.id"), nullable=True),
    Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
    Index("ix_welfare_run_ranked_at", "ranked_at"),
)

household_rank = Table(
    "household_rank",
    metadata,
    Column("run_id", Uuid, ForeignKey("welfare_run.id"), primary_key=True),
    Column("household_id", Uuid, ForeignKey("household.id"), primary_key=True),
    Column("village_code", String(13), nullable=False),
    Column("people", SmallInteger, nullable=False),
    Column("score", Float, nullable=False),
    Column("national_percentile", SmallInteger, nullable=False),
    Column("national_decile", SmallInteger, nullable=False),
    Column("household_decile", SmallInteger, nullable=False),
    Column("province_decile", SmallInteger, nullable=False),
    Column("regency_decile", SmallInteger, nullable=False),
    CheckConstraint("national_percentile BETWEEN 1 AND 100", name="percentile"),
    CheckConstraint(
        "national_decile BETWEEN 1 AND 10 AND household_decile BETWEEN 1 AND 10"
        " AND province_decile BETWEEN 1 AND 10 AND regency_decile BETWEEN 1 AND 10",
        name="deciles",
    ),
    Index("ix_household_rank_household_id", "household_id", "run_id"),
)
