"""People outside households: registering persons found by outreach or intake (sleeping rough, begging,
scavenging, street children, residents of a social institution) with an area and a living situation, but
no dwelling, family or KK.

Like :func:`~inklusi.registry.service.loading.load_households`, a registration is one transaction, checked
chunk by chunk before anything of the chunk is written; one problem anywhere refuses the whole batch and
names every problem of its chunk (``[index].field``, the index counting the records given). Each person
gets an identity, a person version and a ``person_outside`` row (area, situation): temporal, like a
membership. When the person is later found in a household (``move_person``, or an enumeration round
that lists them by NIK), that row ends and history keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Issue
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.registry.model import OutsidePerson, check_nik_matches, check_outside
from inklusi.registry.service.guards import (
    audit_write,
    moment,
    provenance,
    raise_if_errors,
    require_write,
)
from inklusi.registry.store import versions as store
from inklusi.wilayah import service as wilayah


@dataclass(frozen=True)
class RegisteredOutside:
    batch_id: UUID
    person_ids: tuple[UUID, ...]  # in the order of the records given
    warnings: tuple[Issue, ...]


def register_persons_outside(
    ctx: Context,
    principal: Principal,
    records: Iterable[OutsidePerson],
    *,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
    chunk_size: int = 1000,
    progress: Callable[[int], None] = lambda _n: None,
) -> RegisteredOutside:
    """Register persons outside any household, all or nothing; one audit entry names the batch.

    Needs ``registry:write`` over every record's area (403 naming the first area refused)."""
    batch_id = batch_id or new_id()
    today, now = date.today(), utcnow()
    written = provenance(principal, source, batch_id, moment(valid_from, now), now)
    remaining = iter(records)
    done, person_ids, warnings, areas = 0, [], [], set()
    with ctx.transaction() as conn:
        while chunk := list(islice(remaining, chunk_size)):
            issues = _chunk_issues(conn, chunk, done, today)
            warnings += raise_if_errors(issues, msg("The registration was refused: nothing was written"))
            chunk_areas = {record.area_code for record in chunk}
            for area in sorted(chunk_areas):
                require_write(principal, area)
            person_ids += _write(conn, chunk, written, now)
            areas |= chunk_areas
            done += len(chunk)
            progress(done)
        audit_write(
            ctx,
            conn,
            principal,
            events.PERSON_OUTSIDE_REGISTER,
            batch_id,
            next(iter(areas)) if len(areas) == 1 else None,
            source=source,
            persons=done,
            areas=sorted(areas),
        )
    return RegisteredOutside(batch_id, tuple(person_ids), tuple(warnings))


def _chunk_issues(conn: Connection, chunk: list[OutsidePerson], offset: int, today: date) -> list[Issue]:
    """Every problem of the chunk's records, each field named ``[index].field``."""
    known = wilayah.area_names_in(conn, {record.area_code for record in chunk})
    issues = []
    for index, record in enumerate(chunk):
        path = f"[{offset + index}]."
        issues += check_outside(record, path, today)
        if record.person.nik:
            issues += check_nik_matches(record.person, wilayah.check_nik(record.person.nik, today), path)
        if record.area_code not in known and not any(i.field == f"{path}area_code" for i in issues):
            text = msg("Area {code} does not exist", code=record.area_code)
            issues.append(Issue(f"{path}area_code", "area.unknown", text))
    return issues


def _write(
    conn: Connection, chunk: list[OutsidePerson], version: dict[str, object], now: datetime
) -> list[UUID]:
    """Identity rows, person versions, programmes, the rows outside households and the name index."""
    person_ids = [new_id() for _ in chunk]
    store.insert_identities(conn, "person", person_ids, now)
    person_versions = store.insert_versions(
        conn,
        "person",
        [
            store.person_row(record.person) | {"person_id": id_}
            for id_, record in zip(person_ids, chunk, strict=True)
        ],
        common=version,
    )
    store.insert_programmes(
        conn,
        "person",
        {v: record.person.programmes for v, record in zip(person_versions, chunk, strict=True)},
    )
    store.insert_versions(
        conn,
        "outside",
        [
            {"person_id": id_, "area_code": record.area_code, "living_situation": record.living_situation}
            for id_, record in zip(person_ids, chunk, strict=True)
        ],
        common=version,
    )
    store.index_names(
        conn, {id_: record.person.name for id_, record in zip(person_ids, chunk, strict=True)}, fresh=True
    )
    return person_ids
