"""Registry search latency at a million persons, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.search_bench [--persons 1000000] [--backend sqlite|postgresql|both]
                                                [--queries 300] [--pg-url URL]

For each backend: a fresh registry is loaded with synthetic households (``load_households``, the registry's
bulk path: its rate is printed too), ``ANALYZE`` runs, then queries go through ``registry.find_persons`` —
the service the web page calls, scope filter and audit entry included — as a national user and as a user
scoped to one province. Query sets: exact names, names with one typo (two letters swapped), NIKs.
Baselines in the same process: the floor, an indexed exact NIK lookup in hand-written SQL (on the NIK's blind
index, computed beforehand: the NIK itself is stored sealed, docs/encryption.md); and the naive
way, ``name LIKE '%…%'`` over current persons. Printed: p50 / p95 / p99 latency, the p95 ratio to the
floor, and peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import and_, func, select, text

from benchmarks.databases import DEFAULT_PG_URL, SYSTEM, existing_database, fresh_database, load_synthetic
from inklusi.access.model import Grant, Permission, Principal
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.registry import service as registry
from inklusi.registry.names import name_tokens
from inklusi.registry.tables import family_member, family_version, household_version, person_version


def province_reader(code: str) -> Principal:
    grant = Grant("planner", frozenset({Permission.registry_read}), code)
    return Principal(None, f"reader-{code}", "Reader", None, (grant,))


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def timed(call: Callable[[], object], inputs: list) -> list[float]:
    latencies = []
    for value in inputs:
        started = time.perf_counter()
        call(value)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def typo(name: str, rng: random.Random) -> str:
    """Swap two adjacent letters inside the longest word (a common keying error)."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 5:
        i = rng.randrange(1, len(word) - 2)
        words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


def prepare(settings: Settings, persons: int) -> tuple[float, int]:
    init(settings, admin_password="benchmark-password")
    ctx = Context.open(settings)
    seconds, loaded = load_synthetic(ctx, persons)
    ctx.close()
    return seconds, loaded


def run(settings: Settings, persons: int, queries: int, *, load: bool = True) -> None:
    if load:
        load_seconds, loaded = prepare(settings, persons)
        print(f"  load: {loaded:,} persons in {load_seconds:.0f} s ({loaded / load_seconds:,.0f} persons/s)")
    ctx = Context.open(settings)
    rng = random.Random(5)
    p, m, f, h = person_version, family_member, family_version, household_version
    with ctx.engine.connect() as conn:  # through the tables: the NIK is sealed, its type opens it
        sample = conn.execute(
            select(p.c.name, p.c.nik, h.c.village_code)
            .join(m, and_(m.c.person_id == p.c.person_id, m.c.valid_to.is_(None)))
            .join(f, and_(f.c.family_id == m.c.family_id, f.c.valid_to.is_(None)))
            .join(h, and_(h.c.household_id == f.c.household_id, h.c.valid_to.is_(None)))
            .where(p.c.valid_to.is_(None), p.c.nik.is_not(None))
            .order_by(func.random())
            .limit(queries)
        ).all()
    names = [row.name for row in sample]
    misspelt = [typo(name, rng) for name in names]
    niks = [row.nik for row in sample]
    provinces = [row.village_code[:2] for row in sample]
    province = max(set(provinces), key=provinces.count)  # the most frequent: enough local queries
    local_names = [row.name for row in sample if row.village_code.startswith(province + ".")]
    scoped = province_reader(province)

    def find(principal: Principal) -> Callable[[str], object]:
        return lambda query: registry.find_persons(ctx, principal, query, limit=20)

    with ctx.engine.connect() as conn:
        indexes = [ctx.keyring.index("nik", nik) for nik in niks]  # the blind index, computed beforehand
        floor = timed(
            lambda index: conn.execute(
                text("SELECT person_id, name FROM person_version WHERE nik_index = :i AND valid_to IS NULL"),
                {"i": index},
            ).all(),
            indexes,
        )
        naive = timed(
            lambda name: conn.execute(
                text("SELECT person_id FROM person_version WHERE valid_to IS NULL AND name LIKE :q LIMIT 20"),
                {"q": f"%{name}%"},
            ).all(),
            names[:20],
        )
    found_with_typo = sum(  # a person of that name (titles aside) among the first ten
        any(
            name_tokens(hit.name) == name_tokens(name)
            for hit in registry.find_persons(ctx, SYSTEM, query, limit=10)
        )
        for name, query in zip(names, misspelt, strict=True)
    )
    rows = [
        ("floor: indexed NIK lookup (SQL)", floor),
        ("naive: name LIKE '%…%' (SQL)", naive),
        ("find_persons: exact name", timed(find(SYSTEM), names)),
        ("find_persons: name with a typo", timed(find(SYSTEM), misspelt)),
        ("find_persons: NIK", timed(find(SYSTEM), niks)),
        (f"find_persons: name, scoped to province {province}", timed(find(scoped), local_names)),
    ]
    floor_p95 = percentiles(floor)[1]
    print(f"  {'query':<48} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95/floor':>10}")
    for label, samples in rows:
        p50, p95, p99 = percentiles(samples)
        print(f"  {label:<48} {len(samples):>5} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {p95 / floor_p95:>9.1f}×")
    print(f"  typo queries whose person is in the top 10: {found_with_typo}/{len(names)}")
    ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument(
        "--keep", type=Path, help="Keep the loaded registries here and reuse them when they exist"
    )
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        print(f"{backend}: {args.persons:,} persons")
        with tempfile.TemporaryDirectory(prefix="inklusi-search-") as scratch:
            folder = args.keep / backend if args.keep else Path(scratch)
            reuse = (folder / "secrets" / "audit.key").exists()
            settings = Settings(data_dir=folder, _env_file=None)
            if backend == "postgresql":
                name = f"inklusi_search_bench_{args.persons}"
                url = existing_database(args.pg_url, name) if reuse else fresh_database(args.pg_url, name)
                settings = settings.model_copy(update={"database_url": url})
            run(settings, args.persons, args.queries, load=not reuse)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"peak resident memory of this process: {peak:.2f} GiB")


if __name__ == "__main__":
    main()
