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
from pathlib import Path
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.engine import Connection

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.registry.checks import check_nik_matches, check_outside
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.registry.service.guards import (
    audit_write,
    moment,
    provenance,
    raise_if_errors,
    require_register,
)
from inklusi.registry.store import versions as store
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.nik import Sex

SOURCE_LENGTH = 40  # the versions' ``source`` column


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

    Needs ``registry:write`` or ``registry:register`` over every record's area (403 naming the first area
    refused)."""
    with ctx.transaction() as conn:
        return register_persons_outside_in(
            ctx,
            conn,
            principal,
            records,
            source=source,
            batch_id=batch_id,
            valid_from=valid_from,
            chunk_size=chunk_size,
            progress=progress,
        )


def register_persons_outside_in(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    records: Iterable[OutsidePerson],
    *,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
    chunk_size: int = 1000,
    progress: Callable[[int], None] = lambda _n: None,
) -> RegisteredOutside:
    """:func:`register_persons_outside` inside the caller's transaction (a case's intake registers the
    person and opens the case together), with its own audit entry."""
    if not source.strip() or len(source) > SOURCE_LENGTH:
        text = msg("Name the source in 1 to {n} characters", n=SOURCE_LENGTH)
        raise Invalid(text, [Issue("source", "source.length", text)])
    batch_id = batch_id or new_id()
    today, now = date.today(), utcnow()
    written = provenance(principal, source, batch_id, moment(valid_from, now), now)
    remaining = iter(records)
    done, person_ids, areas = 0, list[UUID](), set[str]()
    warnings: list[Issue] = []
    while chunk := list(islice(remaining, chunk_size)):
        issues = _chunk_issues(conn, chunk, done, today)
        warnings += raise_if_errors(issues, msg("The registration was refused: nothing was written"))
        chunk_areas = {record.area_code for record in chunk}
        for area in sorted(chunk_areas):
            require_register(principal, area)
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


REQUIRED_COLUMNS = ("name", "sex")


def read_outside_file(path: Path, *, living_situation: int | None = None) -> list[OutsidePerson]:
    """The persons of a Parquet file in the synthetic generator's ``outside_households.parquet`` layout:
    ``name``, ``sex`` (1 male, 2 female), optional ``nik`` and ``birth_date``, and the area as
    ``area_code`` or ``village_code``; the living situation from a ``living_situation`` column or, for rows
    without one, ``living_situation`` (the file's source knows it: an outreach round, a panti's list).
    Problems are named ``[row].field`` (rows counted from 0); a file with any is refused whole."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        text = msg("The file {file} cannot be read as Parquet: {error}", file=path.name, error=str(error))
        raise Invalid(text, [Issue("file", "file.unreadable", text)]) from error
    columns = set(table.column_names)
    area_column = "area_code" if "area_code" in columns else "village_code"
    missing = [name for name in (*REQUIRED_COLUMNS, area_column) if name not in columns]
    if missing:
        text = msg("The file lacks the columns {columns}", columns=", ".join(missing))
        raise Invalid(text, [Issue(name, "column.missing", text) for name in missing])
    records, issues = [], []
    for index, row in enumerate(table.to_pylist()):
        situation = row.get("living_situation", None)
        situation = living_situation if situation is None else situation
        if situation is None:
            text = msg("No living situation: give the file a living_situation column or choose one")
            issues.append(Issue(f"[{index}].living_situation", "required", text))
        if row["sex"] not in (1, 2):
            text = msg("{value} is not a code of list {list}", value=row["sex"], list="sex")
            issues.append(Issue(f"[{index}].sex", "code.unknown", text))
            continue
        person = PersonData(
            name=str(row["name"] or ""),
            sex=Sex(row["sex"]),
            nik=row.get("nik") or None,
            birth_date=row.get("birth_date"),
        )
        records.append(OutsidePerson(person, str(row[area_column] or ""), int(situation or 0)))
    if issues:
        raise Invalid(msg("The file was refused: nothing was written"), issues)
    return records
