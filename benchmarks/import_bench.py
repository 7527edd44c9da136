"""Validated import of an enumeration round against the raw bulk load of the same rows, on SQLite and
PostgreSQL.

    .venv/bin/python -m benchmarks.import_bench [--persons 1000000] [--backend sqlite|postgresql|both]
                                                [--format jsonl|parquet] [--pg-url URL] [--work DIR]

A synthetic population (``inklusi synth``) is written as one round in the instrument's JSON Lines (or
Parquet). For each backend:

1. **validated import**: ``inklusi.instrument.service.import_file`` into a fresh registry — reading the
   file, every check (types, code lists, skip rules, constraints, NIKs, areas, family structure, ages),
   the quarantine, recognition of households, families and persons, the new versions, the name index,
   the batch's books and its audit entry, in one transaction;
2. **raw bulk load (baseline)**: every row that the import added to any table, read back, then written
   into a second fresh registry with ``db.bulk_insert`` (COPY on PostgreSQL, executemany on SQLite) in
   one transaction — the same rows, the same indexes and constraints, nothing checked or computed.

Printed: seconds and persons per second of both, the ratio raw time / import time (1.0 = as fast as the
raw load; the goal is ≥ 0.5), and the peak resident memory after the import.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.databases import DEFAULT_PG_URL, fresh_database
from inklusi.access.model import Principal
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.db import bulk_insert, metadata
from inklusi.instrument import service
from inklusi.instrument.model import load
from inklusi.instrument.synthetic import from_synthetic, write_jsonl, write_parquet
from inklusi.schema import import_all_tables
from inklusi.synth import SynthConfig, generate

PERSONS_PER_HOUSEHOLD = 3.05  # as the generator makes them, duplicates and all
SYSTEM = Principal.system("benchmark")


def round_file(work: Path, persons: int, file_format: str) -> Path:
    households = int(persons / PERSONS_PER_HOUSEHOLD)
    population = work / f"population-{households}"
    if not (population / "manifest.json").exists():
        print(f"  generating {households:,} households …", flush=True)
        generate(SynthConfig(households=households, seed=13, rounds=1), population)
    target = work / (f"round-{households}.jsonl" if file_format == "jsonl" else f"round-{households}-parquet")
    if not target.exists():
        submissions = from_synthetic(population, load(), 1)
        (write_jsonl if file_format == "jsonl" else write_parquet)(submissions, target)
    return target


def fresh_settings(folder: Path, backend: str, pg_url: str, name: str) -> Settings:
    settings = Settings(data_dir=folder, _env_file=None)
    if backend == "postgresql":
        settings = settings.model_copy(update={"database_url": fresh_database(pg_url, name)})
    init(settings, admin_password="benchmark-password")
    return settings


def row_counts(ctx: Context) -> dict[str, int]:
    with ctx.engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


def added_rows(ctx: Context, before: dict[str, int]) -> dict[str, list[dict]]:
    """Every row of every table that grew (reference data loaded by ``init`` is there on both sides; the
    audit log's one entry is left out: its chain starts differently in the other registry)."""
    after = row_counts(ctx)
    grown = [t for t in metadata.sorted_tables if after[t.name] > before[t.name] and t.name != "audit_log"]
    with ctx.engine.connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(select(t)).mappings()] for t in grown}


def run(backend: str, path: Path, work: Path, pg_url: str) -> None:
    settings = fresh_settings(work / f"{backend}-import", backend, pg_url, "inklusi_import_bench")
    ctx = Context.open(settings)
    before = row_counts(ctx)
    started = time.perf_counter()
    result = service.import_file(
        ctx,
        SYSTEM,
        path,
        source="benchmark",
        progress=lambda done, total: print(f"\r  import: {done:,}/{total:,} forms", end="", flush=True),
    )
    import_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print()
    rows = added_rows(ctx, before)
    persons = len(rows.get("person", []))
    ctx.close()

    baseline = Context.open(fresh_settings(work / f"{backend}-raw", backend, pg_url, "inklusi_import_raw"))
    started = time.perf_counter()
    with baseline.transaction() as conn:
        for table in metadata.sorted_tables:
            bulk_insert(conn, table, rows.get(table.name, []))
    raw_seconds = time.perf_counter() - started
    baseline.close()

    total_rows = sum(len(r) for r in rows.values())
    print(
        f"  {result.forms:,} forms: {result.accepted:,} accepted, {result.held:,} held; {persons:,} persons"
    )
    print(f"  rows written: {total_rows:,} in {len(rows)} tables")
    print(f"  {'path':<40} {'seconds':>9} {'persons/s':>11} {'rows/s':>11}")
    for label, seconds in (("raw bulk load (baseline)", raw_seconds), ("validated import", import_seconds)):
        print(f"  {label:<40} {seconds:>9.1f} {persons / seconds:>11,.0f} {total_rows / seconds:>11,.0f}")
    print(f"  ratio raw time / import time: {raw_seconds / import_seconds:.2f} (goal ≥ 0.5)")
    print(f"  peak resident memory after the import: {peak:.2f} GiB")


def main() -> None:
    import_all_tables()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--work", type=Path, help="Keep the population and round file here (reused)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="inklusi-import-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        path = round_file(work, args.persons, args.format)
        for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
            print(f"{backend}: {path.name}")
            with tempfile.TemporaryDirectory(prefix=f"inklusi-{backend}-", dir=work) as databases:
                run(backend, path, Path(databases), args.pg_url)


if __name__ == "__main__":
    main()
