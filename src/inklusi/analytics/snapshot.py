"""Parquet snapshots of the registry for analytics, and the same layout for a single household.

:func:`take_snapshot` exports the current registry through the registry's service (audited, nationwide read
access needed) into a folder: ``households.parquet`` (dwelling + ``asset_<key>`` columns) and
``persons.parquet`` (members with their household and family). :func:`household_tables` lays out one
:class:`~inklusi.registry.model.HouseholdRecord` the same way, so that a single household (for example the
one whose ranking is being explained) goes through exactly the expressions the whole registry went through.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from inklusi.access.model import Principal
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.registry.codelists import codelist
from inklusi.registry.model import Dwelling, HouseholdRecord, PersonData, field_names
from inklusi.registry.service.snapshot import SnapshotFiles, export_snapshot

__all__ = ["SnapshotFiles", "household_tables", "take_snapshot"]

_INTEGER_DWELLING = {"floor_area_m2": pa.int32()}
_LEFT_OUT = ("name", "nik", "birth_place", "programmes")


def take_snapshot(
    ctx: Context, principal: Principal, directory: Path, purpose: Purpose = Purpose.programme_targeting
) -> SnapshotFiles:
    return export_snapshot(ctx, principal, directory, purpose=purpose)


def household_tables(record: HouseholdRecord) -> tuple[pa.Table, pa.Table]:
    """One household as the snapshot's two tables (households, persons)."""
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
        }
        for family in record.families
        for member in family.members
    ]
    types = {"person_id": pa.string(), "household_id": pa.string(), "family_id": pa.string()}
    types |= {"relationship": pa.int16(), "birth_date": pa.date32()}
    schema = pa.schema(
        [
            pa.field(name, types.get(name, pa.int16()))
            for name in ("person_id", "household_id", "family_id", "relationship", *person_fields)
        ]
    )
    persons = pa.Table.from_pylist(
        [{k: (int(v) if isinstance(v, bool) else v) for k, v in row.items()} for row in rows], schema=schema
    )
    return households, persons
