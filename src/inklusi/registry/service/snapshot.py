"""Exporting the current registry as a Parquet snapshot for analytics (welfare ranking, aggregates).

The export is a bulk read of personal data, so it needs ``registry:read`` nationwide and is audited. The
audit entry is written (and committed) first, then the snapshot is read in one read-only transaction (a
consistent snapshot on both databases) that blocks no writer: an export is never unaudited, and a long export
does not hold the write lock that SQLite's audited transactions take.

The snapshot is three files: ``households.parquet`` (dwelling + ``asset_<key>`` columns),
``persons.parquet`` (members with their household and family, then the persons registered outside any
household, with ``household_id`` null and their ``area_code`` and ``living_situation``; each person's
``programmes`` as a list) and ``families.parquet`` (``family_id``, ``household_id`` and the family's
``programmes`` as a list), in the layout of the synthetic generator's files.
:func:`household_tables` lays out one
:class:`~inklusi.registry.model.HouseholdRecord` the same way, so that a single household (for example the
one whose ranking is being explained) goes through exactly the expressions the whole registry went through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden
from inklusi.i18n import msg
from inklusi.registry.codelists import codelist
from inklusi.registry.model import Dwelling, HouseholdRecord, PersonData, field_names
from inklusi.registry.store import snapshot

_INTEGER_DWELLING = {"floor_area_m2": pa.int32()}
_LEFT_OUT = ("name", "nik", "birth_place", "programmes")  # (programmes: a list column of its own)
_OUTSIDE = ("area_code", "living_situation")  # null for members: a household's persons are inside it


@dataclass(frozen=True)
class SnapshotFiles:
    households: Path
    persons: Path
    families: Path  # family_id, household_id, programmes (Regsosek 501a–g, reaching every member)
    taken_at: datetime  # the registry as it was at this moment (current versions)
    household_count: int
    person_count: int
    family_count: int


def export_snapshot(
    ctx: Context,
    principal: Principal,
    directory: Path,
    *,
    purpose: Purpose = Purpose.programme_targeting,
) -> SnapshotFiles:
    """Write ``households.parquet``, ``persons.parquet`` and ``families.parquet`` of the current registry
    into ``directory``."""
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
        families = snapshot.export(conn, snapshot.families_query(), directory / "families.parquet")
    return SnapshotFiles(
        households=directory / "households.parquet",
        persons=directory / "persons.parquet",
        families=directory / "families.parquet",
        taken_at=taken_at,
        household_count=households,
        person_count=persons,
        family_count=families,
    )


def household_tables(record: HouseholdRecord) -> tuple[pa.Table, pa.Table]:
    """One household as the snapshot's households and persons tables (the families are not needed to rank
    it)."""
    dwelling = {name: [getattr(record.dwelling, name)] for name in field_names(Dwelling)}
    household_types = {
        name: pa.string()
        if name in ("village_code", "sls", "address")
        else pa.float64()
        if name in ("latitude", "longitude")
        else _INTEGER_DWELLING.get(name, pa.int16())
        for name in dwelling
    }
    columns = {"household_id": pa.array([str(record.id)], pa.string())}
    columns |= {name: pa.array(values, household_types[name]) for name, values in dwelling.items()}
    for key in codelist("asset").codes:
        columns[f"asset_{key}"] = pa.array([float(record.assets.get(str(key), 0.0))], pa.float64())
    households = pa.table(columns)

    person_fields = [name for name in field_names(PersonData) if name not in _LEFT_OUT]
    rows = [
        {
            "person_id": str(member.person_id),
            "household_id": str(record.id),
            "family_id": str(family.id),
            "relationship": int(member.relationship),
            **{name: getattr(member.person, name) for name in person_fields},
            "programmes": sorted(member.person.programmes),
            "area_code": None,
            "living_situation": None,
        }
        for family in record.families
        for member in family.members
    ]
    types = {"person_id": pa.string(), "household_id": pa.string(), "family_id": pa.string()}
    types |= {"relationship": pa.int16(), "birth_date": pa.date32(), "area_code": pa.string()}
    types |= {"programmes": pa.list_(pa.string())}
    names = (
        "person_id",
        "household_id",
        "family_id",
        "relationship",
        *person_fields,
        "programmes",
        *_OUTSIDE,
    )
    schema = pa.schema([pa.field(name, types.get(name, pa.int16())) for name in names])
    persons = pa.Table.from_pylist(
        [{k: (int(v) if isinstance(v, bool) else v) for k, v in row.items()} for row in rows], schema=schema
    )
    return households, persons
