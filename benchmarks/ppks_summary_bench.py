"""PPKS summary: storing a run's publication and answering requests from it (issue 14: p95 < 300 ms).

    inklusi synth -n 100000 -o /tmp/sum100k
    .venv/bin/python -m benchmarks.ppks_summary_bench /tmp/sum100k [--database-url URL] [--cube CUBE.parquet]
        [--published PUBLISHED.parquet] [--save PUBLISHED.parquet] [--samples 200]

1. **cube**: the national rules and the cube on the synthetic folder (as ``ppks_aggregates_bench``, a
   stand-in decile per household), or ``--cube`` (a cube written before, e.g. at 10 M households);
2. **protection**: :func:`inklusi.ppks.publication.publish`, unless ``--published`` gives its output;
3. **store**: a fresh registry (SQLite in a temporary folder, or a fresh PostgreSQL database with
   ``--database-url``), a run row, and the publication written through the store (``COPY`` on
   PostgreSQL), as ``identify`` writes it;
4. **requests**: :func:`inklusi.ppks.service.summary` (all measures) for the nation, every province and
   ``--samples`` random regencies, districts and villages with someone flagged, as the system and as a
   planner without ``ppks:sensitive``; and the listings a dashboard asks for (``level``, all measures and
   one): the nation's provinces and regencies, each province's districts, the sampled regencies'
   villages. Each is timed once warm; printed: p50 / p95 / max per kind and the most cells returned.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.databases import SYSTEM, fresh_database
from inklusi.access.model import Grant, Permission, Principal
from inklusi.analytics.engine import Engine
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.ids import new_id
from inklusi.ppks import service, store
from inklusi.ppks.aggregates import (
    MEASURES,
    flags_from_candidates,
    person_rows,
    rollup,
    snapshot_programmes,
    village_cube,
)
from inklusi.ppks.expr import candidates, with_outside
from inklusi.ppks.needs import needs_profile
from inklusi.ppks.publication import BREAKDOWN_LEVELS, publish
from inklusi.ppks.spec import load_rules
from inklusi.ppks.taxonomy import categories

AS_OF = date(2025, 6, 30)
PLANNER = Principal(
    None, "planner", "planner", None, (Grant("planner", frozenset({Permission.ppks_read}), None),)
)


def make_cube(folder: Path, scratch: Path) -> pa.Table:
    engine = Engine.open("duckdb", temp_directory=scratch / "spill")
    deciles = scratch / "deciles.parquet"
    engine.execute_sql(
        "COPY (SELECT household_id, CAST(1 + hash(household_id) % 10 AS SMALLINT) AS national_decile "
        f"FROM read_parquet('{folder}/households.parquet')) TO '{deciles}' (FORMAT parquet)"
    )
    persons = engine.read_parquet(folder / "persons.parquet")
    households = engine.read_parquet(folder / "households.parquet")
    everyone = with_outside(persons, engine.read_parquet(folder / "outside_households.parquet"))
    ranks = engine.read_parquet(deciles)
    found = candidates(everyone, households, ranks, load_rules("national"), as_of=AS_OF,
                       keep=lambda members: engine.materialise(members, "ppks_members"))  # fmt: skip
    flags = engine.read_parquet(engine.write_parquet(flags_from_candidates(found), scratch / "flags.parquet"))
    profile = needs_profile()
    programmes = snapshot_programmes(everyone, engine.read_parquet(folder / "families.parquet"), profile)
    rows = person_rows(flags, everyone, households, ranks, profile, as_of=AS_OF, programmes=programmes)
    cube = engine.to_arrow(rollup(engine.materialise(village_cube(rows), "ppks_villages")))
    engine.close()
    return cube


def store_publication(ctx: Context, published: pa.Table) -> float:
    started = time.perf_counter()
    run_id = new_id()
    with ctx.transaction() as conn:
        store.insert_run(conn, {
            "id": run_id, "rules": "national", "rules_version": "national-1", "reference_date": AS_OF,
            "registry_at": utcnow(), "welfare_run_id": None, "skipped_rules": "[]", "started_at": utcnow(),
            "actor_id": None, "candidates": 0, "new_flags": 0, "changed": 0, "retired": 0,
        })  # fmt: skip
        store.insert_publication(conn, {
            "run_id": run_id, "computed_at": utcnow(), "threshold_sensitive": 10, "threshold_personal": 5,
            "measures": json.dumps(list(MEASURES)), "breakdowns": json.dumps(list(BREAKDOWN_LEVELS)),
            "cells": published.num_rows,
        })  # fmt: skip
        for batch in published.to_batches(50_000):
            store.insert_cells(conn, {"run_id": [run_id] * batch.num_rows, **batch.to_pydict()})
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE ppks_cell" if conn.dialect.name == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def timed(
    ctx: Context, who: Principal, area: str | None, level: str | None = None, measures: list | None = None
) -> tuple[float, int]:
    started = time.perf_counter()
    found = service.summary(ctx, who, area, level=level, measures=measures)
    return time.perf_counter() - started, sum(len(t.cells) for t in found.tables)


def report(kind: str, results: list[tuple[float, int]]) -> None:
    if not results:
        return
    ms = sorted(1000 * s for s, _ in results)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    cells = [n for _, n in results]
    print(f"  {kind:<34} n={len(ms):>4}  p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {ms[-1]:7.1f} ms  cells max {max(cells):,}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--cube", type=Path)
    parser.add_argument("--published", type=Path)
    parser.add_argument("--save", type=Path, help="write the publication to this Parquet file")
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a fresh database is made)")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ppks-summary-") as scratch:
        if args.published:
            published = pq.read_table(args.published)
        else:
            started = time.perf_counter()
            cube = pq.read_table(args.cube) if args.cube else make_cube(args.folder, Path(scratch))
            print(f"cube: {cube.num_rows:,} rows in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            published = publish(cube, categories())
            print(f"protection: {published.num_rows:,} cells in {time.perf_counter() - started:.1f} s")
        if args.save:
            pq.write_table(published, args.save)
        url = fresh_database(args.database_url, "ppks_summary_bench") if args.database_url else None
        settings = Settings(data_dir=Path(scratch) / "data", database_url=url, _env_file=None)
        init(settings, admin_password="benchmark-password")
        ctx = Context.open(settings)
        seconds = store_publication(ctx, published)
        print(f"store ({ctx.engine.dialect.name}): {published.num_rows:,} cells in {seconds:.1f} s "
              f"({published.num_rows / seconds:,.0f} cells/s)")  # fmt: skip
        # villages have no tables of their own (their column in the district's): listed from the keys
        keys = published.filter(pc.equal(published["slice"], "child_area"))["key"].to_pylist()
        areas = sorted({a for a in (*published.column("area_code").to_pylist(), *keys) if a[:1].isdigit()})
        by_level: dict[int, list[str]] = {}
        for code in areas:
            by_level.setdefault(len(code), []).append(code)
        pick = random.Random(7)
        chosen = {
            "nation": [None],
            "province": by_level.get(2, []),
            **{name: pick.sample(by_level.get(n, []), min(args.samples, len(by_level.get(n, []))))
               for name, n in (("regency", 5), ("district", 8), ("village", 13))},
        }  # fmt: skip
        timed(ctx, SYSTEM, None)  # warm: imports, the connection pool
        for name, codes in chosen.items():
            for who, label in ((SYSTEM, "all categories"), (PLANNER, "no sensitive")):
                report(f"{name} ({label})", [timed(ctx, who, code) for code in codes])
        listings = {
            "nation -> every province": [(None, "province")],
            "nation -> every regency": [(None, "regency")],
            "province -> every district": [(code, "district") for code in chosen["province"]],
            "regency -> every village": [(code, "village") for code in chosen["regency"]],
        }
        for kind, asked in listings.items():
            for measures, label in ((None, "all measures"), (["flagged"], "one measure")):
                report(f"{kind} ({label})", [timed(ctx, SYSTEM, a, level, measures) for a, level in asked])
        ctx.close()


if __name__ == "__main__":
    main()
