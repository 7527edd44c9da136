"""The demo's people outside households: the synthetic population's ``outside_households.parquet``, plus a
small outreach list of the demo's own.

The generator places about 4 people sleeping rough per 10,000 city residents, so a demo of a few hundred
households usually has none; the demo adds a dozen made-up persons, as a Dinas Sosial outreach round and a
panti's intake would register them, in the villages the demo's stewards cover (DKI Jakarta, Kota Bandung,
Jawa Barat), so that the person pages, the search and the snapshot show some.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import AreaLevel
from inklusi.wilayah.nik import Sex

SOURCE = "demo-outreach"
STREET, INSTITUTION, SHELTER = 1, 2, 3

# (name, sex, birth date or None, living situation, where: "31" Jakarta, "32.73" Kota Bandung)
OUTREACH = (
    ("Slamet", Sex.male, date(1961, 3, 2), STREET, "31"),
    ("Ujang", Sex.male, date(2011, 7, 19), STREET, "32.73"),
    ("Tini Rahayu", Sex.female, date(1958, 11, 4), STREET, "31"),
    ("Asep Saepudin", Sex.male, None, STREET, "32.73"),
    ("Iwan", Sex.male, date(2009, 1, 27), SHELTER, "31"),
    ("Mbok Sumi", Sex.female, date(1947, 5, 30), INSTITUTION, "32.73"),
    ("Darsih", Sex.female, date(1952, 9, 12), INSTITUTION, "32.73"),
    ("Rudi Hartono", Sex.male, date(1979, 2, 8), STREET, "31"),
    ("Nining", Sex.female, date(2012, 12, 1), SHELTER, "32.73"),
    ("Pak Darto", Sex.male, date(1950, 6, 17), INSTITUTION, "31"),
    ("Yanti", Sex.female, date(1990, 4, 23), STREET, "31"),
    ("Entis Sutisna", Sex.male, date(1966, 8, 15), STREET, "32.73"),
)


def register_outside(ctx: Context, population: Path) -> int:
    """Register the population's people outside households and the demo's outreach list; how many."""
    system = Principal.system("demo")
    generated = population / "outside_households.parquet"
    registered = 0
    if generated.exists() and pq.read_metadata(generated).num_rows:
        records = registry.read_outside_file(generated, living_situation=STREET)
        registered += len(registry.register_persons_outside(ctx, system, records, source=SOURCE).person_ids)
    villages = {area: _villages(ctx, area) for area in ("31", "32.73")}
    records = [
        OutsidePerson(
            PersonData(name=name, sex=sex, birth_date=born),
            villages[area][index % len(villages[area])],
            situation,
        )
        for index, (name, sex, born, situation, area) in enumerate(OUTREACH)
    ]
    registered += len(registry.register_persons_outside(ctx, system, records, source=SOURCE).person_ids)
    return registered


def _villages(ctx: Context, within: str) -> list[str]:
    """A few villages of an area (the first district's), in code order."""
    district = wilayah.areas_at_level(ctx, AreaLevel.district, within)[0]
    return [area.code for area in wilayah.children(ctx, district.code)[:3]]
