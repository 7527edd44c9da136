"""Reading the registry for record linkage: the current persons, with their household's village, family
card, NIK, name, sex and birth date, as one Arrow table.

Read-only. Filtered by the caller's read scope in SQL; the read is audited once (how many persons, for
which purpose), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import pyarrow as pa

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.registry.store import linkage_export

EXPORT_SCHEMA = linkage_export.EXPORT_SCHEMA


def export_persons(
    ctx: Context,
    principal: Principal,
    *,
    person_ids: Iterable[UUID] | None = None,
    purpose: Purpose = Purpose.data_stewardship,
) -> pa.Table:
    """Current persons in the caller's scope (or only ``person_ids``): ``person_id``, ``household_id``,
    ``family_id``, ``kk_number``, ``relationship``, ``nik``, ``name``, ``sex``, ``birth_date``,
    ``birth_place``, ``village_code``, ``source``, ``valid_from`` (ids as text)."""
    scope = principal.require(Permission.registry_read)
    wanted = None if person_ids is None else sorted(set(person_ids))
    with ctx.transaction(readonly=False) as conn:
        table = linkage_export.current_persons(conn, scope, wanted)
        detail = {"persons": table.num_rows, "selected": len(wanted) if wanted is not None else None}
        event = Event(kind=events.PERSON_EXPORT, actor=principal.actor, purpose=purpose, detail=detail)
        audit.record(ctx, conn, event)
    return table
