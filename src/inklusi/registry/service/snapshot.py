"""Exporting the current registry as a Parquet snapshot for analytics (welfare ranking, aggregates).

The export is a bulk read of personal data, so it needs ``registry:read`` nationwide and is audited. The
audit entry is written (and committed) first, then the snapshot is read in one read-only transaction (a
consistent snapshot on both databases) that blocks no writer: an export is never unaudited, and a long export
does not hold the write lock that SQLite's audited transactions take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden
from inklusi.i18n import msg
from inklusi.registry import snapshot


@dataclass(frozen=True)
class SnapshotFiles:
    households: Path
    persons: Path
    taken_at: datetime  # the registry as it was at this moment (current versions)
    household_count: int
    person_count: int


def export_snapshot(
    ctx: Context,
    principal: Principal,
    directory: Path,
    *,
    purpose: Purpose = Purpose.programme_targeting,
) -> SnapshotFiles:
    """Write ``households.parquet`` and ``persons.parquet`` of the current registry into ``directory``."""
    if not principal.can(Permission.registry_read, None):
        raise Forbidden(msg("Exporting the registry needs nationwide read access"))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with ctx.transaction() as conn:
        event = Event(
            kind=events.REGISTRY_SNAPSHOT,
            actor=principal.actor,
            purpose=purpose,
            detail={"to": str(directory)},
        )
        audit.record(ctx, conn, event)
    with ctx.transaction(readonly=True) as conn:
        snapshot.begin_consistent_read(conn)
        taken_at = utcnow()
        households = snapshot.export(conn, snapshot.households_query(), directory / "households.parquet")
        persons = snapshot.export(conn, snapshot.persons_query(), directory / "persons.parquet")
    return SnapshotFiles(
        directory / "households.parquet", directory / "persons.parquet", taken_at, households, persons
    )
