"""The current PPKS flags as a table, for programme eligibility (a programme may require a member flagged
in some categories): ``person_id``, ``household_id``, ``category`` of every candidate or verified flag of a
person living in a household, as Parquet. It feeds a simulation over the whole registry, so it needs
``registry:read`` and ``ppks:read`` nationwide; it is audited once (``ppks.flags.export``: how many flags),
and sensitive categories are in it (eligibility may depend on them): the programmes slice never shows a
sensitive category to a reader without ``ppks:sensitive``."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import Forbidden
from inklusi.i18n import msg
from inklusi.ppks import store

FLAGS_SCHEMA = pa.schema(
    [("person_id", pa.string()), ("household_id", pa.string()), ("category", pa.string())]
)


def export_flags(ctx: Context, principal: Principal, path: Path) -> Path:
    """Write the flags table to ``path`` (Parquet; possibly empty) and return it."""
    if not (principal.can(Permission.registry_read, None) and principal.can(Permission.ppks_read, None)):
        raise Forbidden(msg("Exporting the PPKS flags needs nationwide read access"))
    count = 0
    with ctx.transaction() as conn, pq.ParquetWriter(path, FLAGS_SCHEMA) as writer:
        for part in store.household_flags(conn):
            columns = {
                "person_id": [str(r[0]) for r in part],
                "household_id": [str(r[1]) for r in part],
                "category": [r[2] for r in part],
            }
            writer.write_table(pa.table(columns, schema=FLAGS_SCHEMA))
            count += len(part)
        if count == 0:
            writer.write_table(FLAGS_SCHEMA.empty_table())
        event = Event(
            kind=events.PPKS_FLAGS_EXPORT,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            detail={"flags": count},
        )
        audit.record(ctx, conn, event)
    return path
