"""A crafted welfare ranking for the planner pages' tests: households in four regencies of three provinces,
a stored model (metrics as training stores them) and two runs whose deciles are chosen, so that every count
a page shows is known. No survey, no training: the pages read what is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pyarrow as pa

from inklusi.ids import new_id
from inklusi.registry import service as registry
from inklusi.welfare import store
from inklusi.welfare.spec import load_spec
from inklusi.welfare.training import dumps
from tests.factories import ACEH_VILLAGE, BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household

BOGOR_VILLAGE = "32.71.01.1001"
VILLAGES = {BANDUNG_VILLAGE: 6, BOGOR_VILLAGE: 4, JAKARTA_VILLAGE: 3, ACEH_VILLAGE: 2}
MEMBERS = 3


def _coverage(errors: tuple[float, float, float]) -> list[dict[str, float]]:
    return [
        {"coverage": c, "exclusion_error": e, "inclusion_error": e - 0.02}
        for c, e in zip((0.1, 0.2, 0.4), errors, strict=True)
    ]


METRICS = {
    "chosen": "gbm",
    "selection_coverage": 0.4,
    "folds": 3,
    "candidates": {
        "gbm": {
            "r2": 0.612,
            "spearman": 0.781,
            "households": 2400,
            "coverage": _coverage((0.45, 0.38, 0.27)),
        },
        "ols": {"r2": 0.553, "spearman": 0.742, "households": 2400, "coverage": _coverage((0.5, 0.41, 0.3))},
    },
}


@dataclass(frozen=True)
class Ranked:
    model_version: str
    first: UUID
    second: UUID
    deciles: dict[UUID, tuple[int, int]]  # household: (decile in the first run, in the second)
    villages: dict[UUID, str]


def first_decile(village: str, index: int) -> int:
    """Bandung's households are the poorest (deciles 1, 2, 3, 1, 2, 3), Aceh's the richest."""
    base = {BANDUNG_VILLAGE: 1, BOGOR_VILLAGE: 4, JAKARTA_VILLAGE: 6, ACEH_VILLAGE: 9}[village]
    return min(10, base + index % 3)


def second_decile(village: str, index: int) -> int:
    """In the second run Bandung's households each move one decile richer, Bogor's first two one poorer."""
    decile = first_decile(village, index)
    if village == BANDUNG_VILLAGE:
        return decile + 1
    if village == BOGOR_VILLAGE and index < 2:
        return decile - 1
    return decile


def rank(ctx) -> Ranked:
    for village, count in VILLAGES.items():
        registry.load_households(
            ctx, SYSTEM, [household(village, members=MEMBERS) for _ in range(count)], source="test"
        )
    villages: dict[UUID, str] = {}
    for village in VILLAGES:
        for hit in registry.browse_area(ctx, SYSTEM, village, limit=100):
            villages[hit.household_id] = village
    ordered = sorted(villages, key=str)
    position = {
        h: i for village in VILLAGES for i, h in enumerate(x for x in ordered if villages[x] == village)
    }
    deciles = {
        h: (first_decile(villages[h], position[h]), second_decile(villages[h], position[h])) for h in ordered
    }
    model_id, version = new_id(), "national-1-gbm-20260101T000000Z-abcdef"
    now = datetime.now(UTC)
    row = {
        "id": model_id,
        "version": version,
        "spec_name": "national",
        "spec_version": 1,
        "kind": "gbm",
        "created_at": now - timedelta(days=30),
        "actor_id": None,
        "training_file": "/nowhere/survey_households.parquet",
        "training_fingerprint": "0" * 64,
        "training_households": 2400,
        "spec": load_spec("national").model_dump_json(by_alias=True),
        "metrics": dumps(METRICS),
        "artifact": json.dumps({}),
    }
    runs = []
    with ctx.transaction() as conn:
        store.insert_model(conn, row)
        previous = None
        for which, days in ((0, 20), (1, 2)):
            run_id = new_id()
            at = now - timedelta(days=days)
            run = store.run_row(run_id, model_id, at, date.today(), at, "duckdb", previous, None)
            store.insert_run(conn, run)
            batch = pa.RecordBatch.from_pylist(
                [
                    {
                        "household_id": str(h),
                        "village_code": villages[h],
                        "people": MEMBERS,
                        "score": 10.0 + deciles[h][which] + position[h] / 100,
                        "national_percentile": deciles[h][which] * 10 - 5,
                        "national_decile": deciles[h][which],
                        "household_decile": deciles[h][which],
                        "province_decile": deciles[h][which],
                        "regency_decile": deciles[h][which],
                    }
                    for h in ordered
                ]
            )
            written = store.insert_ranks(conn, run_id, [batch])
            store.set_run_counts(conn, run_id, written, written * MEMBERS)
            runs.append(run_id)
            previous = run_id
    return Ranked(version, runs[0], runs[1], deciles, villages)
