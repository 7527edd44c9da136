"""The household page at a million persons: latency, and transactions, audit entries and engines per view.

    .venv/bin/python -m benchmarks.household_page_bench [--persons 1000000] [--views 300]
                                                        [--keep PATH] [--rank-households N]

A registry of ``--persons`` persons (3.5 per household) is loaded into SQLite through ``load_households`` (the
registry's bulk path) and ranked by welfare the way ``inklusi demo`` does (the national model trained on a
synthetic survey, ``rank_registry`` over every household). With ``--keep PATH`` the registry is kept there
and reused when it exists, so the same script can measure two versions of the code on the same database
(``PYTHONPATH=<other worktree>/src:<this worktree>``): it reaches the code only through HTTP.

Then the real app (``create_app``, in process through Starlette's ``TestClient``, logged in as the admin)
serves ``--views`` household pages of households drawn at random (seed 7: the same ones on every run): each
view is ``GET /households/{id}`` and the welfare section the page loads by HTMX, ``GET
/households/{id}/welfare``. Printed: p50 / p95 / p99 of the page, of the section and of both (what a browser
waits for), the p95 ratio to a floor measured in the same process (the hand-written SQL of the household's
current version and members, by its indexed id), and per view: transactions begun (an SQLAlchemy ``begin``
listener on the app's engine), audit entries written (the log's rows before and after) and analytics engines
opened (``Engine.open`` counted); and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from fastapi.testclient import TestClient
from sqlalchemy import event, text

from benchmarks.databases import SYSTEM, load_synthetic
from inklusi.analytics import engine as analytics_engine
from inklusi.app import create_app
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context

PASSWORD = "benchmark-password"


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def prepare(settings: Settings, persons: int) -> None:
    """Load the registry (several minutes at a million persons), then rank it as the demo does."""
    from inklusi.demo.welfare import train_and_rank_demo

    init(settings, admin_password=PASSWORD)
    ctx = Context.open(settings)
    seconds, loaded = load_synthetic(ctx, persons)
    print(f"  load: {loaded:,} persons in {seconds:.0f} s")
    started = time.perf_counter()
    ranking = train_and_rank_demo(ctx, SYSTEM)
    print(
        f"  ranked with {ranking.model.version} ({ranking.model.kind}): "
        f"{ranking.run.households:,} households in {time.perf_counter() - started:.0f} s"
    )
    ctx.close()


def sample_households(ctx: Context, views: int) -> list[UUID]:
    """Households drawn at random among the ranked ones; the same on every run of one database."""
    with ctx.engine.connect() as conn:
        ids = conn.execute(
            text(
                "SELECT r.household_id FROM household_rank r "
                "WHERE r.run_id = (SELECT id FROM welfare_run ORDER BY ranked_at DESC LIMIT 1) "
                "ORDER BY r.household_id"
            )
        ).scalars()
        ranked = [UUID(str(i)) for i in ids]
    return random.Random(7).sample(ranked, views)


def floor(ctx: Context, households: list[UUID]) -> list[float]:
    """Hand-written SQL: the household's current version and its current members, by indexed ids."""
    latencies = []
    with ctx.engine.connect() as conn:
        for household_id in households:
            started = time.perf_counter()
            conn.execute(
                text("SELECT * FROM household_version WHERE household_id = :id AND valid_to IS NULL"),
                {"id": household_id.hex},  # (SQLite keeps UUIDs as 32 hex digits)
            ).all()
            conn.execute(
                text(
                    "SELECT p.* FROM family_version f "
                    "JOIN family_member m ON m.family_id = f.family_id AND m.valid_to IS NULL "
                    "JOIN person_version p ON p.person_id = m.person_id AND p.valid_to IS NULL "
                    "WHERE f.household_id = :id AND f.valid_to IS NULL"
                ),
                {"id": household_id.hex},
            ).all()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


@contextmanager
def counting(ctx: Context) -> Iterator[dict[str, int]]:
    """Transactions begun on the app's engine and analytics engines opened while the block runs."""
    counts = {"transactions": 0, "engines": 0}

    def on_begin(_conn) -> None:
        counts["transactions"] += 1

    original = analytics_engine.Engine.open.__func__  # type: ignore[attr-defined]

    def counted_open(cls, *args, **kwargs):
        counts["engines"] += 1
        return original(cls, *args, **kwargs)

    event.listen(ctx.engine, "begin", on_begin)
    analytics_engine.Engine.open = classmethod(counted_open)  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        analytics_engine.Engine.open = classmethod(original)  # type: ignore[method-assign]
        event.remove(ctx.engine, "begin", on_begin)


def audit_entries(ctx: Context) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()


def login(client: TestClient) -> None:
    form = client.get("/login").text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form)
    assert token is not None, "no login form"
    done = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "login_csrf": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def timed_get(client: TestClient, path: str, expect: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200 and expect in response.text, (path, response.status_code)
    return elapsed


def run(settings: Settings, views: int) -> None:
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        ctx: Context = client.app.state.ctx  # type: ignore[attr-defined]
        households = sample_households(ctx, views)
        login(client)
        for household_id in households[:10]:  # warm up: templates, model cache, page cache
            client.get(f"/households/{household_id}")
            client.get(f"/households/{household_id}/welfare")
        floor_ms = floor(ctx, households)
        pages, sections = [], []
        before = audit_entries(ctx)
        with counting(ctx) as counts:
            for household_id in households:
                pages.append(timed_get(client, f"/households/{household_id}", 'id="welfare-slot"'))
                sections.append(timed_get(client, f"/households/{household_id}/welfare", "welfare-rank"))
        written = audit_entries(ctx) - before
        ranked = len(households)
    rows: list[tuple[str, list[float]]] = [
        ("floor: household + members by id (SQL)", floor_ms),
        ("GET /households/{id}", pages),
        ("GET /households/{id}/welfare (HTMX)", sections),
        ("page view: both", [a + b for a, b in zip(pages, sections, strict=True)]),
    ]
    floor_p95 = percentiles(floor_ms)[1]
    print(f"  {'request':<42} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95/floor':>10}")
    for label, samples in rows:
        p50, p95, p99 = percentiles(samples)
        print(f"  {label:<42} {len(samples):>5} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {p95 / floor_p95:>9.1f}×")
    per_view: Callable[[int], str] = lambda n: f"{n / ranked:.2f}"  # noqa: E731
    print(
        "  per page view (2 requests, each also reads the session):"
        f" transactions {per_view(counts['transactions'])}, audit entries {per_view(written)},"
        f" analytics engines opened {per_view(counts['engines'])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--views", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="Keep the registry here and reuse it when it exists")
    args = parser.parse_args()
    folder = args.keep or Path(f"/tmp/inklusi-household-page-{args.persons}")
    settings = Settings(data_dir=folder, _env_file=None)
    if not (folder / "secrets" / "audit.key").exists():
        print(f"loading {args.persons:,} persons into {folder}")
        prepare(settings, args.persons)
    import inklusi

    print(f"sqlite: {args.persons:,} persons, code from {Path(inklusi.__file__).parent}")
    run(settings, args.views)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"peak resident memory of this process: {peak:.2f} GiB")


if __name__ == "__main__":
    main()
