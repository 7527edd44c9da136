"""Synthetic households as registry write models (``inklusi.registry.model.HouseholdData``).

The demo registers a few hundred synthetic households through the registry service with these; every one
passes ``check_household`` and every NIK agrees with its person's sex and birth date.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.registry.model import Dwelling, FamilyData, HouseholdData, MemberData, PersonData, Relationship
from inklusi.synth.assets import ASSET_KEYS
from inklusi.synth.config import SynthConfig
from inklusi.synth.output import chunks
from inklusi.wilayah.nik import Sex

DWELLING_FIELDS = tuple(name for name in Dwelling.__dataclass_fields__)
PERSON_FIELDS = tuple(
    name for name in PersonData.__dataclass_fields__ if name not in ("name", "sex", "programmes")
)


def registry_data(source: Path | SynthConfig, limit: int | None = None) -> Iterator[HouseholdData]:
    """Households from a generated folder (households/families/persons.parquet) or made on the fly."""
    tables: Iterator[tuple[Any, ...]]
    if isinstance(source, SynthConfig):
        tables = ((c.tables["households"], c.tables["families"], c.tables["persons"]) for c in chunks(source))
    else:
        tables = iter(
            [
                tuple(
                    pq.read_table(Path(source) / f"{n}.parquet")
                    for n in ("households", "families", "persons")
                )
            ]
        )
    produced = (
        data
        for households, families, persons in tables
        for data in households_data(households, families, persons)
    )
    return islice(produced, limit)


def households_data(households: pa.Table, families: pa.Table, persons: pa.Table) -> Iterator[HouseholdData]:
    members: dict[str, list[dict]] = {}
    for row in persons.to_pylist():
        members.setdefault(row["family_id"], []).append(row)
    family_rows: dict[str, list[dict]] = {}
    for row in families.to_pylist():
        family_rows.setdefault(row["household_id"], []).append(row)
    for row in households.to_pylist():
        dwelling = Dwelling(**{name: row[name] for name in DWELLING_FIELDS})
        assets = {key: float(row[f"asset_{key}"]) for key in ASSET_KEYS}
        built = tuple(
            FamilyData(
                members=tuple(_member(person) for person in members.get(family["family_id"], [])),
                kk_number=family["kk_number"],
                programmes=frozenset(family["programmes"] or ()),
            )
            for family in family_rows.get(row["household_id"], [])
        )
        yield HouseholdData(dwelling=dwelling, families=built, assets=assets)


def _member(row: dict) -> MemberData:
    person = PersonData(
        name=row["name"],
        sex=Sex(row["sex"]),
        programmes=frozenset(row["programmes"] or ()),
        **{name: row[name] for name in PERSON_FIELDS},
    )
    return MemberData(person=person, relationship=Relationship(row["relationship"]))
