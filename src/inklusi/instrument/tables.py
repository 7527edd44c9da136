"""Import bookkeeping: batches, the submissions they brought in, and the quarantine of held forms.

A batch row is written in the same transaction as the registry changes it made, so a batch either exists
whole or not at all.
"""

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Uuid

from inklusi.db import UtcDateTime, metadata
from inklusi.vault import Encrypted

import_batch = Table(
    "import_batch",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("file_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("source_format", String(20), nullable=False),
    Column("instrument", String(40), nullable=False),
    Column("source", String(40), nullable=False),  # the round or source label on every version it wrote
    Column("actor_id", Uuid, nullable=True),
    Column("organisation_id", Uuid, nullable=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=False),
    Column("forms", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("held", Integer, nullable=False),
    Column("report", JSON, nullable=False),
    Index("ix_import_batch_file_sha256", "file_sha256"),
)

import_submission = Table(
    "import_submission",
    metadata,
    Column("submission_id", String(120), primary_key=True),
    Column("batch_id", Uuid, ForeignKey("import_batch.id"), nullable=False),
    Column("content_sha256", String(64), nullable=False),
)

import_quarantine = Table(
    "import_quarantine",
    metadata,
    Column("batch_id", Uuid, ForeignKey("import_batch.id"), primary_key=True),
    Column("position", Integer, primary_key=True),  # order in the file (a held form may lack an id)
    Column("submission_id", String(120), nullable=True),
    Column(
        "record", Encrypted("sensitive", "import_quarantine.record"), nullable=False
    ),  # the form as read, JSON
    Column("issues", JSON, nullable=False),
)
