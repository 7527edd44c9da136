"""Who / where / what: counts of flagged people by category, sex, age group and decile for every area level,
as Ibis expressions (the same on DuckDB and Spark; :mod:`inklusi.analytics.engine` runs them).

Inputs (the registry snapshot's layout, which ``inklusi synth`` also writes):

- ``flags``: ``person_id``, ``category``, ``status`` (``candidate`` or ``verified``; the caller leaves
  rejected flags out). A person and category may repeat (one row per rule): they count once, verified if
  any row is. :func:`flags_from_candidates` makes them from :func:`inklusi.ppks.expr.candidates`.
- ``persons``: ``person_id``, ``household_id``, ``sex``, ``birth_date`` and, for people registered outside
  households (``household_id`` null), ``village_code`` (the layout of :func:`inklusi.ppks.expr.with_outside`).
- ``households``: ``household_id``, ``village_code``; ``deciles``: ``household_id``, ``national_decile``
  (or ``None``: every decile is ``unknown``).
- ``programmes``: ``person_id``, ``programme`` (codes of ``needs.yaml``; :func:`snapshot_programmes` makes
  them from the snapshot's lists) and ``services``: ``person_id``, ``service_type`` (ATENSI codes; case
  management will record them; empty or ``None`` today). Both may be ``None``.

:func:`person_rows` gives one row per flagged person and category; :func:`village_cube` counts them per
village; :func:`rollup` adds the district, regency, province and national levels from the village counts
(a union of group-bys over a table already small: one pass over the people). :data:`CUBE_SCHEMA` is the
result's schema.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from inklusi.ppks.expr import years_between
from inklusi.ppks.model import ServiceType
from inklusi.ppks.needs import NeedsProfile, category_masks, service_bit
from inklusi.registry.codelists import codelist

NATIONAL = "ID"
"""The area code of the national level."""

LEVELS: tuple[tuple[str, int], ...] = (
    ("national", 0),
    ("province", 2),
    ("regency", 5),
    ("district", 8),
    ("village", 13),
)
"""Each level and the length of its prefix of the village code ``PP.RR.DD.VVVV``."""

AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("0-5", 0, 5),
    ("6-17", 6, 17),
    ("18-59", 18, 59),
    ("60+", 60, None),
)
"""Age groups of Permensos 8/2012: under-fives (balita), children (6-17), adults, older persons (60+)."""

SEXES: tuple[tuple[int, str], ...] = ((1, "male"), (2, "female"))
DECILES: tuple[str, ...] = tuple(str(d) for d in range(1, 11))
UNKNOWN = "unknown"
MEASURES: tuple[str, ...] = ("flagged", "verified", "unmet_need", "unserved", "outside_households")
"""People flagged; of them verified; with a need nothing recorded meets; with no need met; registered
outside households."""

KEYS: tuple[str, ...] = ("category", "sex", "age_group", "decile")
CUBE_SCHEMA = pa.schema(
    [
        pa.field("level", pa.string(), nullable=False),
        pa.field("area_code", pa.string(), nullable=False),
        pa.field("parent_code", pa.string()),
        *(pa.field(key, pa.string(), nullable=False) for key in KEYS),
        *(pa.field(measure, pa.int64(), nullable=False) for measure in MEASURES),
    ]
)
"""One row per area and non-empty combination of category, sex, age group and decile."""


def flags_from_candidates(candidates: ir.Table) -> ir.Table:
    """Candidates (one row per rule) as flags: ``person_id``, ``category``, ``status`` = ``candidate``."""
    distinct = candidates.select("person_id", "category").distinct()
    return distinct.mutate(status=ibis.literal("candidate", "string"))


def snapshot_programmes(persons: ir.Table, families: ir.Table | None, profile: NeedsProfile) -> ir.Table:
    """``person_id``, ``programme``: the snapshot's person programmes (a list per person), the family
    programmes (a list per family, reaching every member) and the health insurance flags of the profile.
    Only programmes that meet a need are kept."""
    useful = list(profile.programme_masks())
    parts = []
    if "programmes" in persons.columns:
        own = persons.select(
            person_id=persons.person_id.cast("string"), programme=persons.programmes.unnest()
        )
        parts.append(own)
    if families is not None and "family_id" in persons.columns:
        listed = families.select("family_id", programme=families.programmes.unnest())
        listed = listed.filter(listed.programme.isin(useful))
        members = persons.filter(persons.family_id.notnull()).select("person_id", "family_id")
        joined = members.join(listed, "family_id")
        parts.append(joined.select(person_id=joined.person_id.cast("string"), programme=joined.programme))
    if "health_insurance" in persons.columns:
        for programme in profile.programmes:
            if programme.source == "health_insurance" and programme.flag is not None and programme.meets:
                answer = persons.health_insurance.cast("int64")
                # answers are sums of the codes (1 + 2 + 4 + 8 at most); larger ones are special (99: unknown)
                ceiling = sum(int(key) for key in codelist("health_insurance").codes)
                covered = (answer > 0) & (answer <= ceiling) & ((answer & programme.flag) != 0)
                chosen = persons.filter(covered.fill_null(False))
                parts.append(
                    chosen.select(
                        person_id=chosen.person_id.cast("string"),
                        programme=ibis.literal(programme.code, "string"),
                    )
                )
    if not parts:
        return ibis.memtable(
            pa.table({"person_id": pa.array([], pa.string()), "programme": pa.array([], pa.string())})
        )
    union = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    return union.filter(union.programme.isin(useful))


def _met(programmes: ir.Table | None, services: ir.Table | None, profile: NeedsProfile) -> ir.Table | None:
    """``person_id``, ``met``: the bit mask of the service types something recorded for the person meets.
    Each bit is a power of two: the distinct bits of a person summed (Ibis has no ``bit_or`` on Spark)."""
    parts = []
    if programmes is not None:
        pairs = [(code, bit) for code, mask in profile.programme_masks().items() for bit in _bits(mask)]
        lookup = ibis.memtable(
            pa.table({"programme": [p[0] for p in pairs], "bit": pa.array([p[1] for p in pairs], pa.int64())})
        )
        joined = programmes.join(lookup, "programme")
        parts.append(joined.select(person_id=joined.person_id.cast("string"), bit=joined.bit))
    if services is not None:
        bits = {s.value: service_bit(s) for s in ServiceType}
        lookup = ibis.memtable(
            pa.table({"service_type": list(bits), "bit": pa.array(list(bits.values()), pa.int64())})
        )
        joined = services.join(lookup, "service_type")
        parts.append(joined.select(person_id=joined.person_id.cast("string"), bit=joined.bit))
    if not parts:
        return None
    union = ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()
    return union.group_by("person_id").aggregate(met=union.bit.sum())


def _bits(mask: int) -> list[int]:
    return [1 << i for i in range(mask.bit_length()) if mask >> i & 1]


def _age_group(age: ir.IntegerValue) -> ir.StringValue:
    cases = []
    for label, low, high in AGE_GROUPS:
        test = age >= low if high is None else age.between(low, high)
        cases.append((test, label))
    return ibis.cases(*cases, else_=UNKNOWN)


def person_rows(
    flags: ir.Table,
    persons: ir.Table,
    households: ir.Table,
    deciles: ir.Table | None,
    profile: NeedsProfile,
    *,
    as_of: date,
    programmes: ir.Table | None = None,
    services: ir.Table | None = None,
) -> ir.Table:
    """One row per flagged person and category: ``village_code``, ``category``, ``sex``, ``age_group``,
    ``decile`` (labels; ``unknown`` when missing) and 0/1 columns ``verified``, ``unmet_need``,
    ``unserved``, ``outside_households``. A flag whose person is not in ``persons`` is left out."""
    verified = (flags.status == "verified").cast("int64")
    per_flag = flags.group_by(person_id=flags.person_id.cast("string"), category=flags.category).aggregate(
        verified=verified.max()
    )
    own_village = (
        persons.village_code.cast("string") if "village_code" in persons.columns else ibis.null("string")
    )
    people = persons.select(
        person_id=persons.person_id.cast("string"),
        household_id=persons.household_id.cast("string"),
        sex=persons.sex.cast("int64"),
        birth_date=persons.birth_date,
        own_village=own_village,
    )
    places = households.select(
        household_id=households.household_id.cast("string"), home=households.village_code
    )
    people = people.left_join(places, "household_id").drop("household_id_right")
    if deciles is not None:
        ranks = deciles.select(household_id=deciles.household_id.cast("string"), rank=deciles.national_decile)
        people = people.left_join(ranks, "household_id").drop("household_id_right")
    rows = per_flag.join(people, "person_id")
    masks = category_masks()
    needs = ibis.memtable(
        pa.table({"category": list(masks), "needed": pa.array(list(masks.values()), pa.int64())})
    )
    rows = rows.join(needs, "category")
    met = _met(programmes, services, profile)
    if met is not None:
        rows = rows.left_join(met, "person_id").drop("person_id_right")
        got = rows.met.fill_null(0)
    else:
        got = ibis.literal(0, "int64")
    covered = rows.needed & got
    sex = ibis.cases(*((rows.sex == code, label) for code, label in SEXES), else_=UNKNOWN)
    age = years_between(rows.birth_date, as_of)
    decile = rows["rank"].cast("string").fill_null(UNKNOWN) if deciles is not None else ibis.literal(UNKNOWN)
    return rows.select(
        village_code=rows.own_village.fill_null(rows.home),
        category=rows.category,
        sex=sex,
        age_group=_age_group(age).fill_null(UNKNOWN),
        decile=decile,
        verified=rows.verified,
        unmet_need=(covered != rows.needed).cast("int64"),
        unserved=(covered == 0).cast("int64"),
        outside_households=rows.household_id.isnull().cast("int64"),
    )


def village_cube(rows: ir.Table) -> ir.Table:
    """The counts of :func:`person_rows` per village and combination of the keys (people without a
    village are counted in the national figures only, under the village code ``unknown``)."""
    rows = rows.mutate(village_code=rows.village_code.fill_null(UNKNOWN))
    return rows.group_by("village_code", *KEYS).aggregate(
        flagged=rows.count(),
        verified=rows.verified.sum(),
        unmet_need=rows.unmet_need.sum(),
        unserved=rows.unserved.sum(),
        outside_households=rows.outside_households.sum(),
    )


def rollup(villages: ir.Table) -> ir.Table:
    """Every level from the village counts: ``level``, ``area_code``, ``parent_code`` (null for the
    nation), the keys and the measures (:data:`CUBE_SCHEMA`). A person registered outside households with
    a district code (no village known) counts in that district and above, not in any village."""
    known = villages.filter(villages.village_code != UNKNOWN)
    parts = []
    for index, (level, width) in enumerate(LEVELS):
        source = villages if width == 0 else known.filter(known.village_code.length() >= width)
        area = ibis.literal(NATIONAL, "string") if width == 0 else source.village_code.substr(0, width)
        if index == 0:
            parent = ibis.null("string")
        elif LEVELS[index - 1][1] == 0:
            parent = ibis.literal(NATIONAL, "string")
        else:
            parent = source.village_code.substr(0, LEVELS[index - 1][1])
        grouped = source.group_by(
            area_code=area, parent_code=parent, **{k: source[k] for k in KEYS}
        ).aggregate(**{m: source[m].sum().cast("int64") for m in MEASURES})
        parts.append(grouped.mutate(level=ibis.literal(level, "string")))
    union = ibis.union(*parts, distinct=False)
    return union.select(*CUBE_SCHEMA.names)


def cube(
    flags: ir.Table,
    persons: ir.Table,
    households: ir.Table,
    deciles: ir.Table | None,
    profile: NeedsProfile,
    *,
    as_of: date,
    programmes: ir.Table | None = None,
    services: ir.Table | None = None,
) -> ir.Table:
    """The whole cube in one expression (:func:`person_rows`, :func:`village_cube`, :func:`rollup`). At
    scale, materialise the village counts first (``Engine.materialise``) and roll them up."""
    rows = person_rows(
        flags, persons, households, deciles, profile, as_of=as_of, programmes=programmes, services=services
    )
    return rollup(village_cube(rows))
