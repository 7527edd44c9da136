"""Where benchmarks put their registries (a fresh PostgreSQL database per run, or one kept from before),
and how they fill one with a synthetic population."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, registry_data

PERSONS_PER_HOUSEHOLD = 3.5
SYSTEM = Principal.system("benchmark")

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def existing_database(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def fresh_database(server_url: str, name: str) -> str:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return existing_database(server_url, name)


def load_synthetic(ctx: Context, persons: int) -> tuple[float, int]:
    """About ``persons`` synthetic persons through the registry's bulk path, then fresh statistics;
    returns the load's seconds and the persons loaded (several minutes at a million)."""
    started = time.perf_counter()
    loaded = registry.load_households(
        ctx,
        SYSTEM,
        registry_data(SynthConfig(households=int(persons / PERSONS_PER_HOUSEHOLD), seed=11)),
        source="benchmark",
        chunk_size=2000,
        progress=lambda n: (
            print(f"\r  loaded {n:,} households", end="", flush=True) if n % 50_000 < 2000 else None
        ),
    )
    seconds = time.perf_counter() - started
    print()
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")
    return seconds, loaded.persons
