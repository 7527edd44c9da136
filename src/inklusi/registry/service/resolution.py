"""Entity resolution taking effect in the registry: duplicates resolved into the record that represents them.

Record linkage decides which household and person records are the same household or person (its entities);
:func:`resolve` makes that decision count here. In each group of records of one entity, the survivor
(:func:`inklusi.registry.model.survivor`: the earliest registered) stays as it is and every other record is
*resolved into* it, as a temporal row: search shows the survivor with its linked records, and counts and
the analytics snapshot (hence the welfare ranking) leave the duplicates out. A group that splits again
(an unmerge) ends the rows of the records that left; nothing is deleted, and a read as of an earlier
moment sees each record as it was then.

:func:`resolve` joins the caller's transaction (the linkage service writes its memberships and the
resolution together, atomically); it reads and writes ids only, and the linkage decision or run that
causes it is audited by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.ids import new_id
from inklusi.registry.model import survivor
from inklusi.registry.store import resolution

KINDS = ("household", "person")


@dataclass(frozen=True)
class Resolved:
    resolved: int  # records newly resolved into another
    restored: int  # records no longer resolved (or resolved into another survivor)


def resolve(
    conn: Connection,
    kind: str,
    groups: Iterable[Sequence[UUID]],
    *,
    at: datetime,
    cause_id: UUID | None = None,
) -> Resolved:
    """Each group holds every current record of one entity: its survivor stands for it, the others are
    resolved into the survivor. Records of a group of one are restored if they were resolved."""
    if kind not in KINDS:
        raise ValueError(kind)
    groups = [list(dict.fromkeys(group)) for group in groups]
    now = resolution.current(conn, kind)
    several = [record for group in groups if len(group) > 1 for record in group]
    registered = resolution.registered_at(conn, kind, several)
    wanted: dict[UUID, UUID | None] = {}
    for group in groups:
        known = [record for record in group if record in registered]
        keep = survivor((record, registered[record]) for record in known) if len(known) > 1 else None
        for record in group:
            wanted[record] = keep if keep is not None and record != keep else None
    changed = [record for record, into in wanted.items() if now.get(record) != into]
    resolution.end(conn, kind, [record for record in changed if record in now], at)
    rows: list[dict[str, object]] = [
        {
            "id": new_id(),
            "kind": kind,
            "record_id": record,
            "resolved_into": wanted[record],
            "valid_from": at,
            "cause_id": cause_id,
        }
        for record in changed
        if wanted[record] is not None
    ]
    resolution.insert(conn, rows)
    return Resolved(len(rows), sum(1 for record in changed if record in now))


def households_of(
    conn: Connection, *, person_ids: list[UUID] | None = None, household_ids: list[UUID] | None = None
) -> list[tuple[UUID, UUID]]:
    """Ids only, in the caller's transaction: (person, household) of the current members of
    ``household_ids``, or each of ``person_ids`` with their current household (for household linkage)."""
    return resolution.homes(conn, person_ids=person_ids, household_ids=household_ids)
