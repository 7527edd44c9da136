"""PPKS planner dashboard: whole page requests over a stored publication (issue 14: a dashboard request, any
area and level, p95 < 300 ms from the stored aggregates).

    .venv/bin/python -m benchmarks.ppks_summary_bench DIR --save PUBLISHED.parquet   # once, e.g. at 10 M
    .venv/bin/python -m benchmarks.ppks_dashboard_bench PUBLISHED.parquet [--database-url URL] [--samples 50]

A fresh registry (SQLite in a temporary folder, or a fresh PostgreSQL database) gets the publication as
``identify`` stores it (``ppks_summary_bench.store_publication``), a nationwide planner (no
``ppks:sensitive``) and a nationwide administrator. Through the application in process (``TestClient``,
logged in through the form, so sessions, CSRF, templates and the page's own reads are all counted), each
page is asked once cold and then timed warm: the nation, every province (its regency map), ``--samples``
regencies, districts and villages with someone flagged (the default category, and ``poor``), and the CSV
and XLSX exports of provinces. Printed: p50 / p95 / max per kind and the largest page.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from fastapi.testclient import TestClient

from benchmarks.databases import SYSTEM, fresh_database
from benchmarks.ppks_summary_bench import store_publication
from inklusi.access import service as access
from inklusi.access.model import OrganisationKind
from inklusi.app import create_app
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context

PASSWORD = "benchmark-password-1"


def log_in(client: TestClient, username: str) -> None:
    form = client.get("/login").text
    token = form.split('name="login_csrf" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "login_csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def timed(client: TestClient, path: str, params: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    answer = client.get(path, params=params)
    seconds = time.perf_counter() - started
    assert answer.status_code == 200, (path, params, answer.status_code)
    return seconds, len(answer.content)


def report(kind: str, results: list[tuple[float, int]]) -> None:
    if not results:
        return
    ms = sorted(1000 * s for s, _ in results)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    size = max(n for _, n in results)
    print(f"  {kind:<36} n={len(ms):>4}  p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {ms[-1]:7.1f} ms  largest {size / 1024:,.0f} KiB")  # fmt: skip


def pages(client: TestClient, chosen: dict[str, list[str]], label: str) -> None:
    """Every chosen area's page, the default category and ``poor``, each asked once before it is timed;
    then the provinces' exports."""
    for kind, codes in chosen.items():
        for category in ("", "poor"):
            asked = [{"area": code} | ({"category": category} if category else {}) for code in codes]
            for params in asked:
                timed(client, "/ppks/dashboard", params)  # warm: this page's boundaries, its statements
            name = f"{kind}{', poor' if category else ''} ({label})"
            report(name, [timed(client, "/ppks/dashboard", params) for params in asked])
    provinces = [{"area": code, "category": "poor"} for code in chosen["province (regency map)"]]
    for fmt in ("csv", "xlsx"):
        path = f"/ppks/dashboard/export.{fmt}"
        report(f"export.{fmt}, province ({label})", [timed(client, path, params) for params in provinces])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("published", type=Path)
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a fresh database is made)")
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    published = pq.read_table(args.published)
    with tempfile.TemporaryDirectory(prefix="ppks-dashboard-") as scratch:
        url = fresh_database(args.database_url, "ppks_dashboard_bench") if args.database_url else None
        settings = Settings(data_dir=Path(scratch) / "data", database_url=url, _env_file=None)
        init(settings, admin_password=PASSWORD)
        ctx = Context.open(settings)
        seconds = store_publication(ctx, published)
        print(f"store ({ctx.engine.dialect.name}): {published.num_rows:,} cells in {seconds:.1f} s")
        organisation = access.create_organisation(ctx, SYSTEM, "Bappenas", OrganisationKind.central)
        for username, role in (("perencana", "planner"), ("pengelola", "admin")):
            access.create_user(ctx, SYSTEM, username=username, password=PASSWORD,
                               organisation_id=organisation, grants=[(role, None)])  # fmt: skip
        ctx.close()
        keys = published.filter(pc.equal(published["slice"], "child_area"))["key"].to_pylist()
        areas = sorted({a for a in (*published.column("area_code").to_pylist(), *keys) if a[:1].isdigit()})
        by_length: dict[int, list[str]] = {}
        for code in areas:
            by_length.setdefault(len(code), []).append(code)
        pick = random.Random(7)
        chosen = {
            "nation": ["ID"],
            "province (regency map)": by_length.get(2, []),
            **{name: pick.sample(by_length.get(n, []), min(args.samples, len(by_length.get(n, []))))
               for name, n in (("regency", 5), ("district", 8), ("village", 13))},
        }  # fmt: skip
        with TestClient(create_app(settings), base_url="https://testserver") as client:
            for username, label in (("perencana", "planner"), ("pengelola", "admin")):
                client.cookies.clear()
                log_in(client, username)
                started = time.perf_counter()
                timed(client, "/ppks/dashboard", {"area": "ID"})
                timed(client, "/ppks/dashboard", {"area": "32"})
                print(f"{label}: first pages (boundaries read, paths projected): "
                      f"{time.perf_counter() - started:.2f} s")  # fmt: skip
                pages(client, chosen, label)


if __name__ == "__main__":
    main()
