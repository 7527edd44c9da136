"""SQL for exporting the current persons to the linkage slice, in bulk, as Arrow columns.

One query joins each current person version to its current membership, family and household, and adds
the persons registered outside any household (household, family, KK and relationship null; their area as
``village_code``), filtered by area scope in SQL, and is read in partitions so memory stays
proportional to the result, not to the driver's row objects. Like the store, it takes a connection and
never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

import pyarrow as pa
from sqlalchemy import CompoundSelect, Select, SmallInteger, Uuid, and_, cast, null, select, union_all
from sqlalchemy.engine import Connection

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.registry.tables import (
    family_member,
    family_version,
    household_version,
    person_outside,
    person_version,
)

EXPORT_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("household_id", pa.string()),
        ("family_id", pa.string()),
        ("kk_number", pa.string()),
        ("relationship", pa.int8()),
        ("nik", pa.string()),
        ("name", pa.string()),
        ("sex", pa.int8()),
        ("birth_date", pa.date32()),
        ("birth_place", pa.string()),
        ("village_code", pa.string()),
        ("source", pa.string()),
        ("valid_from", pa.timestamp("us", tz="UTC")),
    ]
)
PARTITION = 100_000
SELECTED = 5_000  # ids per IN list


def _current_persons(scope: Scope, person_ids: list[UUID] | None = None) -> CompoundSelect:
    """Members with their family and household, then persons registered outside any household (no
    household, family, KK or relationship; their area, a village or district code, as ``village_code``)."""
    p, m, f, h, o = person_version, family_member, family_version, household_version, person_outside
    members = (
        select(
            p.c.person_id,
            h.c.household_id,
            f.c.family_id,
            f.c.kk_number,
            m.c.relationship,
            p.c.nik,
            p.c.name,
            p.c.sex,
            p.c.birth_date,
            p.c.birth_place,
            h.c.village_code,
            p.c.source,
            p.c.valid_from,
        )
        .select_from(p)
        .join(m, and_(m.c.person_id == p.c.person_id, m.c.valid_to.is_(None)))
        .join(f, and_(f.c.family_id == m.c.family_id, f.c.valid_to.is_(None)))
        .join(h, and_(h.c.household_id == f.c.household_id, h.c.valid_to.is_(None)))
        .where(p.c.valid_to.is_(None), in_scope(h.c.village_code, scope))
    )
    outside = (
        select(
            p.c.person_id,
            cast(null(), Uuid).label("household_id"),
            cast(null(), Uuid).label("family_id"),
            cast(null(), family_version.c.kk_number.type).label("kk_number"),
            cast(null(), SmallInteger).label("relationship"),
            p.c.nik,
            p.c.name,
            p.c.sex,
            p.c.birth_date,
            p.c.birth_place,
            o.c.area_code.label("village_code"),
            p.c.source,
            p.c.valid_from,
        )
        .select_from(p)
        .join(o, and_(o.c.person_id == p.c.person_id, o.c.valid_to.is_(None)))
        .where(p.c.valid_to.is_(None), in_scope(o.c.area_code, scope))
    )
    if person_ids is not None:
        members = members.where(p.c.person_id.in_(person_ids))
        outside = outside.where(p.c.person_id.in_(person_ids))
    return union_all(members, outside)


def _text(value: object) -> object:
    return str(value) if isinstance(value, UUID) else value


def current_persons(conn: Connection, scope: Scope, person_ids: Iterable[UUID] | None = None) -> pa.Table:
    """Every current person inside ``scope`` (or only ``person_ids``), ordered by person id."""
    if person_ids is None:
        everyone = _current_persons(scope).subquery("everyone")
        return _read(conn, select(everyone).order_by(everyone.c.person_id))
    wanted = list(person_ids)
    parts = [
        _read(conn, _current_persons(scope, wanted[i : i + SELECTED]))
        for i in range(0, len(wanted), SELECTED)
    ]
    return pa.concat_tables(parts) if parts else EXPORT_SCHEMA.empty_table()


def _read(conn: Connection, stmt: Select | CompoundSelect) -> pa.Table:
    batches = []
    result = conn.execute(stmt.execution_options(yield_per=PARTITION))
    for rows in result.partitions(PARTITION):
        columns: list[Sequence[object]] = (
            list(zip(*rows, strict=True)) if rows else [[] for _ in EXPORT_SCHEMA]
        )
        arrays = [
            pa.array([_text(v) for v in values], type=field.type)
            if field.type == pa.string()
            else pa.array(list(values), type=field.type)
            for values, field in zip(columns, EXPORT_SCHEMA, strict=True)
        ]
        batches.append(pa.RecordBatch.from_arrays(arrays, schema=EXPORT_SCHEMA))
    return pa.Table.from_batches(batches, schema=EXPORT_SCHEMA)
