"""Bulk export of the current registry to Parquet, for analytics (store level: the SQL of the export).

Three files, in the layout the synthetic generator also writes (``docs/synthetic-data.md``), so analytics code
reads a registry snapshot and a synthetic population the same way:

- ``households.parquet``: ``household_id``, the dwelling fields, one ``asset_<key>`` column per key of the
  ``asset`` code list (0 = none);
- ``persons.parquet``: ``person_id, household_id, family_id, relationship`` and the person's coded answers
  (health insurance 431a included) and birth date, ``programmes`` (a list of ``person_programme`` keys,
  Regsosek 431b–e; empty when none), then ``area_code, living_situation``: persons registered outside any
  household have no household, family or relationship (nulls) but an area (village or district code) and a
  living situation; members have those two null (their area is their household's ``village_code``). Names,
  NIK and place of birth are left out: ranking does not need them (and joins persons to households, so it
  never sees the persons outside households).
- ``families.parquet``: ``family_id, household_id, programmes`` (a list of ``family_programme`` keys,
  Regsosek 501a–g, reaching every member of the family). The KK number is left out like the NIK.

Each household and person counts once: records resolved into another by entity resolution
(``registry.service.resolution``) are left out, so rankings, deciles and counts see no duplicates.

PostgreSQL streams each query with ``COPY (…) TO STDOUT`` (CSV) into pyarrow's CSV reader; SQLite is read
with a server-side cursor in chunks. Either way memory stays bounded by a chunk, and the types come from the
tables (small integers stay ``int16``, ids become text). A list of keys (:class:`KeyList`) travels as one
text of comma-separated keys (``string_agg`` / ``group_concat`` of the programme table, grouped by version)
and becomes a sorted ``list<string>`` per batch, in Arrow.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy import (
    CompoundSelect,
    Date,
    Float,
    Integer,
    Select,
    SmallInteger,
    String,
    Subquery,
    Table,
    TypeDecorator,
    Uuid,
    case,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import Connection

from inklusi.registry.codelists import codelist
from inklusi.registry.model import Dwelling, PersonData, field_names
from inklusi.registry.store.resolution import is_resolved
from inklusi.registry.tables import (
    family_member,
    family_programme,
    family_version,
    household_asset,
    household_version,
    person_outside,
    person_programme,
    person_version,
)

Query = Select | CompoundSelect
CHUNK_ROWS = 100_000
LEFT_OUT = ("name", "nik", "birth_place", "programmes")  # programmes: a list, from their own table
DWELLING_COLUMNS = field_names(Dwelling)
PERSON_COLUMNS = tuple(name for name in field_names(PersonData) if name not in LEFT_OUT)
SEPARATOR = ","  # programme keys are snake_case codes (``registry/codelists.yaml``): never a comma


class KeyList(TypeDecorator[str]):
    """A column the database gives as comma-separated keys and the snapshot writes as ``list<string>``."""

    impl = String
    cache_ok = True


def programme_lists(table: Table) -> Subquery:
    """``version_id``, ``programmes``: each version's programme keys as one text (versions without any
    programme have no row)."""
    keys = func.aggregate_strings(table.c.programme, SEPARATOR)
    return select(table.c.version_id, keys.label("programmes")).group_by(table.c.version_id).subquery()


def _programmes_of(lists: Subquery):
    return type_coerce(lists.c.programmes, KeyList()).label("programmes")


def asset_keys() -> tuple[str, ...]:
    return tuple(str(key) for key in codelist("asset").codes)


def households_query() -> Select:
    """Current households with their dwelling and assets (one column per asset); one per household entity:
    a household resolved into another (a duplicate listing) is left out."""
    a = household_asset
    keys = asset_keys()
    per_version = (
        select(
            a.c.version_id,
            *(
                func.sum(case((a.c.asset == literal(key), a.c.quantity), else_=0.0)).label(key)
                for key in keys
            ),
        )
        .group_by(a.c.version_id)
        .subquery("assets")
    )
    h = household_version
    return (
        select(
            h.c.household_id,
            *(h.c[name] for name in DWELLING_COLUMNS),
            *(func.coalesce(per_version.c[key], 0.0).label(f"asset_{key}") for key in keys),
        )
        .select_from(h.outerjoin(per_version, per_version.c.version_id == h.c.version_id))
        .where(h.c.valid_to.is_(None), ~is_resolved("household", h.c.household_id))
    )


def persons_query() -> CompoundSelect:
    """Current persons: each member in the family they belong to now, and that family's household, then
    each person registered outside any household (no household or family; their ``area_code`` and
    ``living_situation``, which are null for members). One record per person and household entity:
    persons resolved into another record, and the members of a household resolved into another, are left
    out (the survivor household is counted with its own members)."""
    p, m, f, o = person_version, family_member, family_version, person_outside
    lists = programme_lists(person_programme)
    members = (
        select(
            p.c.person_id,
            f.c.household_id,
            m.c.family_id,
            m.c.relationship,
            *(p.c[name] for name in PERSON_COLUMNS),
            _programmes_of(lists),
            cast(null(), String(13)).label("area_code"),
            cast(null(), SmallInteger).label("living_situation"),
        )
        .select_from(
            p.join(m, (m.c.person_id == p.c.person_id) & m.c.valid_to.is_(None))
            .join(f, (f.c.family_id == m.c.family_id) & f.c.valid_to.is_(None))
            .outerjoin(lists, lists.c.version_id == p.c.version_id)
        )
        .where(
            p.c.valid_to.is_(None),
            ~is_resolved("person", p.c.person_id),
            ~is_resolved("household", f.c.household_id),
        )
    )
    outside = (
        select(
            p.c.person_id,
            cast(null(), Uuid).label("household_id"),
            cast(null(), Uuid).label("family_id"),
            cast(null(), SmallInteger).label("relationship"),
            *(p.c[name] for name in PERSON_COLUMNS),
            _programmes_of(lists),
            o.c.area_code,
            o.c.living_situation,
        )
        .select_from(
            p.join(o, (o.c.person_id == p.c.person_id) & o.c.valid_to.is_(None)).outerjoin(
                lists, lists.c.version_id == p.c.version_id
            )
        )
        .where(p.c.valid_to.is_(None), ~is_resolved("person", p.c.person_id))
    )
    return union_all(members, outside)


def families_query() -> Select:
    """Current families with their household and programmes; the families of a household resolved into
    another are left out, like its members."""
    f = family_version
    lists = programme_lists(family_programme)
    return (
        select(f.c.family_id, f.c.household_id, _programmes_of(lists))
        .select_from(f.outerjoin(lists, lists.c.version_id == f.c.version_id))
        .where(f.c.valid_to.is_(None), ~is_resolved("household", f.c.household_id))
    )


def arrow_schema(query: Query) -> pa.Schema:
    """The schema the rows are read in (a :class:`KeyList` as text: see :func:`written_schema`)."""
    fields = []
    for column in query.selected_columns:
        kind = column.type
        if isinstance(kind, SmallInteger):
            arrow = pa.int16()
        elif isinstance(kind, Integer):
            arrow = pa.int32()
        elif isinstance(kind, Float):
            arrow = pa.float64()
        elif isinstance(kind, Date):
            arrow = pa.date32()
        else:
            arrow = pa.string()  # ids (UUID), codes, text
        fields.append(pa.field(column.name, arrow))
    return pa.schema(fields)


def _lists(query: Query) -> list[int]:
    return [i for i, column in enumerate(query.selected_columns) if isinstance(column.type, KeyList)]


def written_schema(query: Query) -> pa.Schema:
    """The schema of the file: :func:`arrow_schema` with every :class:`KeyList` a ``list<string>``."""
    schema = arrow_schema(query)
    for index in _lists(query):
        schema = schema.set(index, pa.field(schema.field(index).name, pa.list_(pa.string())))
    return schema


def key_list(texts: pa.Array) -> pa.Array:
    """Comma-separated keys (null: none) as a list of keys per row, sorted; never null (empty instead)."""
    split = pc.split_pattern(texts, SEPARATOR)
    keys, parents = pc.list_flatten(split), pc.list_parent_indices(split)
    order = pc.sort_indices(
        pa.table({"row": parents, "key": keys}), [("row", "ascending"), ("key", "ascending")]
    )
    lengths = pc.fill_null(pc.list_value_length(split), 0).to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pc.take(keys, order).cast(pa.string()))


def export(conn: Connection, query: Query, path: Path) -> int:
    """Write the rows of ``query`` to ``path`` (Parquet); returns how many."""
    schema, written, lists = arrow_schema(query), written_schema(query), _lists(query)
    path.parent.mkdir(parents=True, exist_ok=True)
    if conn.dialect.name == "postgresql":
        batches = _copy_batches(conn, query, schema)
    else:
        batches = _cursor_batches(conn, query, schema)
    rows = 0
    with pq.ParquetWriter(path, written, compression="zstd") as writer:
        for batch in batches:
            if lists:
                columns = list(batch.columns)
                for index in lists:
                    columns[index] = key_list(columns[index])
                batch = pa.RecordBatch.from_arrays(columns, schema=written)
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def _cursor_batches(conn: Connection, query: Query, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    uuids = [i for i, c in enumerate(query.selected_columns) if isinstance(c.type, Uuid)]
    result = conn.execution_options(yield_per=CHUNK_ROWS).execute(query)
    for rows in result.partitions():
        columns = [list(values) for values in zip(*rows, strict=True)]
        for index in uuids:
            columns[index] = [str(value) if value is not None else None for value in columns[index]]
        yield pa.RecordBatch.from_arrays(
            [pa.array(values, type=field.type) for values, field in zip(columns, schema, strict=True)],
            schema=schema,
        )


def _copy_batches(conn: Connection, query: Query, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    with tempfile.TemporaryDirectory(prefix="inklusi-copy-") as folder:
        csv_path = Path(folder) / "rows.csv"
        driver = conn.connection.driver_connection
        assert driver is not None  # an open connection has its psycopg connection
        cursor = driver.cursor()
        with csv_path.open("wb") as sink, cursor.copy(statement) as copy:
            for block in copy:
                sink.write(block)
        reader = pacsv.open_csv(
            csv_path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            convert_options=pacsv.ConvertOptions(
                column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False
            ),
        )
        yield from reader


def begin_consistent_read(conn: Connection) -> None:
    """On PostgreSQL, see one snapshot of the database across the queries (SQLite's read transaction
    already does), and plan them as the bulk reads they are: no nested loops. Right after a load, before
    autovacuum has analysed the tables, the planner believes them nearly empty and joins the programme
    lists (a grouped subquery) by a nested loop that rescans them once per person: 36 s instead of 0.4 s
    for 71,000 persons, quadratic beyond. Every query here reads whole tables, where hash joins are right
    whatever the statistics say."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.exec_driver_sql("SET LOCAL enable_nestloop = off")
