"""Done when (issue 17): after the demo registry is loaded, neither the SQLite file's bytes nor a plain
``pg_dump`` of the PostgreSQL database hold a NIK or KK number of the demo population, nor any sealed free
text (quarantined forms, linkage and PPKS evidence, case notes); the log (DEBUG, SQL echo off) neither."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.engine import make_url

from inklusi import demo, vault
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.registry import service as registry
from inklusi.schema import import_all_tables
from tests.factories import SYSTEM

HOUSEHOLDS = 60  # the fewest the generator splits and moves households with (tests/demo uses as many)


def population_numbers(population: Path) -> set[str]:
    """Every NIK and KK number the generator made, in every round and listing."""
    numbers: set[str] = set()
    for path in population.rglob("*.parquet"):
        for name in pq.read_schema(path).names:
            if "nik" in name or "kk" in name:
                values = pq.read_table(path, columns=[name])[name].to_pylist()
                numbers |= {v for v in values if isinstance(v, str) and len(v) == 16 and v.isdigit()}
    return numbers


def sealed_texts(ctx: Context) -> set[str]:
    """Every value of every sealed column, opened (long enough not to turn up by chance)."""
    import_all_tables()
    found: set[str] = set()
    with ctx.engine.connect() as conn:
        for sealed in vault.sealed_columns():
            column = sealed.table.c[sealed.column]
            found |= {v for v in conn.scalars(select(column).where(column.is_not(None))) if len(v) >= 12}
    return found


def stored_bytes(settings: Settings) -> bytes:
    if settings.database_url is None:
        files = sorted(settings.data_dir.glob("inklusi.db*"))  # the database, its WAL and shared memory
        return b"".join(path.read_bytes() for path in files)
    url = make_url(settings.database_url).set(drivername="postgresql")
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--dbname", url.render_as_string(hide_password=False)],
        capture_output=True,
        check=True,
    )
    return dump.stdout


def test_no_plaintext_number_or_sealed_text_at_rest_or_in_the_log(settings, caplog):
    with caplog.at_level(logging.DEBUG):
        demo.prepare(settings, households=HOUSEHOLDS)
        ctx = Context.open(settings)
        try:
            numbers = population_numbers(settings.data_dir / "demo-rounds" / "population")
            some = sorted(numbers)[:20]
            assert any(registry.find_persons(ctx, SYSTEM, nik) for nik in some)  # still found by number
            texts = sealed_texts(ctx)
        finally:
            ctx.close()
    assert len(numbers) > 100
    assert len(texts) > 20  # quarantined forms, evidence, notes: there is something to look for
    stored = stored_bytes(settings)
    assert b"person_version" in stored  # the dump (or file) is the registry's
    leaked = sorted(n for n in numbers if n.encode() in stored)
    assert not leaked, f"{len(leaked)} NIK/KK numbers in plain text at rest, e.g. {leaked[:3]}"
    leaked_texts = [t[:60] for t in texts if t.encode() in stored]
    assert not leaked_texts, f"sealed texts in plain text at rest: {leaked_texts[:3]}"
    logged = caplog.text
    assert not [n for n in numbers if n in logged]
