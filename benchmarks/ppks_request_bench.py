"""PPKS dashboard: a request for any area, any level, from the stored publication, against a plain SELECT.

    .venv/bin/python -m benchmarks.ppks_aggregates_bench /tmp/synth10m --save-cube /tmp/cube10m.parquet
    .venv/bin/python -m benchmarks.ppks_request_bench --cube /tmp/cube10m.parquet --save /tmp/pub10m.parquet
    .venv/bin/python -m benchmarks.ppks_request_bench --published /tmp/pub10m.parquet \\
        [--databases sqlite postgresql] [--postgres-url URL] [--samples 100]

The issue's goal: a dashboard request (any area, any level) answered with p95 < 300 ms from the stored
aggregates. For each database (SQLite in a temporary folder; a fresh PostgreSQL database):

1. **store**: the publication (``--published``, or ``publish`` on ``--cube``) written through the ppks store
   as ``identify`` writes it (``benchmarks.ppks_summary_bench.store_publication``), then ``ANALYZE``;
2. **requests**: :func:`inklusi.ppks.service.summary` as the system (every category), all measures, for the
   nation, every province and ``--samples`` random regencies, districts and villages; and with ``level``
   (a dashboard's map and its drill-down), all measures and one: the nation's provinces and regencies,
   sampled provinces' districts and sampled regencies' villages;
3. **baseline**: for each request, the SELECTs the service sent (its calls of the store, recorded) run
   again on their own in one read-only transaction: the same rows by the same index, without the
   permission checks and without building the tables.

Each request is timed once, warm (a first request fills the connection pool and the imports). Printed per
kind: p50 / p95 / max of the service and of the baseline, p95 service / p95 baseline, the most cells.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.databases import DEFAULT_PG_URL, SYSTEM, fresh_database
from benchmarks.ppks_summary_bench import store_publication
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.ppks import service, store
from inklusi.ppks.publication import publish
from inklusi.ppks.taxonomy import categories

GOAL_MS = 300.0
READS = ("publications", "cells", "child_codes")  # the store's functions a summary calls


@contextmanager
def recorded() -> Iterator[list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]]:
    """The store's reads called inside the block (function, arguments without the connection)."""
    calls: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
    originals = {name: getattr(store, name) for name in READS}

    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        def call(conn: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append((function, args, kwargs))
            return function(conn, *args, **kwargs)

        return call

    for name, function in originals.items():
        setattr(store, name, wrap(function))
    try:
        yield calls
    finally:
        for name, function in originals.items():
            setattr(store, name, function)


def request(
    ctx: Context, area: str | None, level: str | None, measures: list[str] | None
) -> tuple[float, ...]:
    """Seconds of the service's answer, seconds of the same SELECTs alone, cells answered."""
    with recorded() as calls:
        started = time.perf_counter()
        found = service.summary(ctx, SYSTEM, area, level=level, measures=measures)
        served = time.perf_counter() - started
    started = time.perf_counter()
    with ctx.transaction(readonly=True) as conn:
        for function, args, kwargs in calls:
            function(conn, *args, **kwargs)
    plain = time.perf_counter() - started
    return served, plain, sum(len(t.cells) for t in found.tables)


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    ms = sorted(1000 * s for s in seconds)
    return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))], ms[-1]


def report(kind: str, results: list[tuple[float, ...]]) -> float:
    """Print one kind's figures; its p95 (ms)."""
    served = percentiles([r[0] for r in results])
    plain = percentiles([r[1] for r in results])
    cells = max(int(r[2]) for r in results)
    print(
        f"  {kind:<36} n={len(results):>4}  service p50 {served[0]:6.1f} p95 {served[1]:6.1f} max "
        f"{served[2]:6.1f} ms | SELECT p50 {plain[0]:6.1f} p95 {plain[1]:6.1f} max {plain[2]:6.1f} ms | "
        f"p95 ratio {served[1] / max(plain[1], 1e-3):5.2f}x | cells max {cells:,}",
        flush=True,
    )
    return served[1]


def areas_by_level(published: pa.Table) -> dict[int, list[str]]:
    """Every area code with someone flagged, by length (villages only as keys of their district's table)."""
    keys = published.filter(pc.equal(published["slice"], "child_area"))["key"].unique().to_pylist()
    codes = {*published.column("area_code").unique().to_pylist(), *keys}
    by_length: dict[int, list[str]] = {}
    for code in sorted(c for c in codes if c[:1].isdigit()):
        by_length.setdefault(len(code), []).append(code)
    return by_length


def run(database: str, url: str | None, published: pa.Table, samples: int, scratch: Path) -> float:
    """Store and request on one database; the worst p95 (ms)."""
    target = fresh_database(url, "ppks_request_bench") if url else None
    settings = Settings(data_dir=scratch / database, database_url=target, _env_file=None)
    init(settings, admin_password="benchmark-password")
    ctx = Context.open(settings)
    seconds = store_publication(ctx, published)
    print(
        f"{database}: stored {published.num_rows:,} cells in {seconds:.1f} s "
        f"({published.num_rows / seconds:,.0f} cells/s)",
        flush=True,
    )
    by_length = areas_by_level(published)
    pick = random.Random(14)

    def sample(length: int, n: int = samples) -> list[str]:
        codes = by_length.get(length, [])
        return pick.sample(codes, min(n, len(codes)))

    provinces = by_length.get(2, [])
    regencies, districts, villages = sample(5), sample(8), sample(13)
    request(ctx, None, None, None)  # warm: imports, the connection pool
    worst = 0.0
    one_area: dict[str, list[str | None]] = {
        "nation": [None],
        "province": list(provinces),
        "regency": list(regencies),
        "district": list(districts),
        "village": list(villages),
    }
    for kind, codes in one_area.items():
        worst = max(worst, report(f"{kind}, all measures", [request(ctx, c, None, None) for c in codes]))
    listings: dict[str, list[tuple[str | None, str]]] = {
        "nation -> provinces": [(None, "province")],
        "nation -> regencies": [(None, "regency")],
        "province -> districts": [(c, "district") for c in sample(2, min(samples, 20))],
        "regency -> villages": [(c, "village") for c in regencies],
    }
    for kind, asked in listings.items():
        for measures, label in ((None, "all measures"), (["flagged"], "one measure")):
            results = [request(ctx, area, level, measures) for area, level in asked]
            worst = max(worst, report(f"{kind}, {label}", results))
    ctx.close()
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--published", type=Path, help="a publication written with --save")
    parser.add_argument("--cube", type=Path, help="a cube (ppks_aggregates_bench --save-cube) to publish")
    parser.add_argument("--save", type=Path, help="write the publication to this Parquet file")
    parser.add_argument("--databases", nargs="*", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="a server (a fresh database is made)")
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    if args.published:
        published = pq.read_table(args.published)
    elif args.cube:
        started = time.perf_counter()
        published = publish(pq.read_table(args.cube), categories())
        print(f"protection: {published.num_rows:,} cells in {time.perf_counter() - started:.1f} s")
    else:
        parser.error("give --published or --cube")
    if args.save:
        pq.write_table(published, args.save)
    with tempfile.TemporaryDirectory(prefix="ppks-dashboard-") as scratch:
        for database in args.databases:
            url = args.postgres_url if database == "postgresql" else None
            worst = run(database, url, published, args.samples, Path(scratch))
            verdict = "meets" if worst < GOAL_MS else "misses"
            print(
                f"{database}: worst p95 {worst:.1f} ms: {verdict} the goal (p95 < {GOAL_MS:.0f} ms)",
                flush=True,
            )


if __name__ == "__main__":
    main()
