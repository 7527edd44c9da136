"""Ranking the registry: snapshot, score and rank in the engine, write back as a new run; the demo."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.access.model import Permission, Principal
from inklusi.analytics.engine import Backend, read_arrow
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import Text, msg
from inklusi.ids import new_id
from inklusi.registry import service as registry
from inklusi.welfare import store
from inklusi.welfare.model import (
    RunInfo,
)
from inklusi.welfare.scoring import score_and_rank
from inklusi.welfare.service.models import (
    engine_for,
    load_model,
    require_ranking,
    run_info,
)
from inklusi.welfare.spec import Spec
from inklusi.welfare.training import Sample, Trained, oof_poverty_curve

RANK_BATCH_ROWS = 50_000

# --- Ranking ---------------------------------------------------------------------------------------


def rank_registry(
    ctx: Context,
    principal: Principal,
    *,
    model_version: str | None = None,
    backend: Backend | None = None,
    reference_date: date | None = None,
    progress: Callable[..., None] = lambda _step, _done=0, _total=None: None,
) -> RunInfo:
    """Score and rank every current household with a model (default: the newest) as a new run.

    ``progress(step, done, total)`` hears what it is doing (a message; households written so far)."""
    require_ranking(principal)
    with ctx.transaction(readonly=True) as conn:
        model_row, spec, model = load_model(conn, model_version)
        previous = store.latest_run(conn)
    run_id, ranked_at = new_id(), utcnow()
    work = ctx.settings.data_dir / "welfare"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rank-", dir=work) as folder:
        progress(msg("Taking a snapshot of the registry"))
        snapshot = registry.export_snapshot(ctx, principal, Path(folder) / "snapshot")
        reference = reference_date or snapshot.taken_at.date()
        engine = engine_for(ctx, backend)
        progress(msg("Scoring and ranking the households ({backend})", backend=engine.backend))
        try:
            ranked = score_and_rank(
                engine, spec, model, snapshot.households, snapshot.persons, reference, Path(folder) / "ranked"
            )
            chosen_backend = engine.backend
        finally:
            engine.close()
        run = store.run_row(
            run_id,
            model_row["id"],
            ranked_at,
            reference,
            snapshot.taken_at,
            chosen_backend,
            previous["id"] if previous else None,
            principal.user_id,
        )
        with ctx.transaction() as conn:
            store.insert_run(conn, run)
            step = msg("Writing the ranks")
            progress(step, 0, ranked.households)
            batches = _counted(
                read_arrow(ranked.path).to_batches(RANK_BATCH_ROWS), step, ranked.households, progress
            )
            written = store.insert_ranks(conn, run_id, batches)
            store.set_run_counts(conn, run_id, written, ranked.persons)
            detail = {"model": model_row["version"], "households": written, "backend": chosen_backend}
            event = Event(
                kind=events.WELFARE_RANK,
                actor=principal.actor,
                purpose=Purpose.programme_targeting,
                object_id=str(run_id),
                detail=detail,
            )
            audit.record(ctx, conn, event)
    return get_run(ctx, run_id)


def _counted(batches: Iterable, step: Text, total: int, progress: Callable[..., None]) -> Iterator:
    done = 0
    for batch in batches:
        yield batch
        done += batch.num_rows
        progress(step, done, total)


@dataclass(frozen=True)
class DecileFile:
    run: RunInfo
    path: Path  # Parquet: household_id (text), national_decile (+ the columns asked for)


EXTRA_COLUMNS = {
    "score": pa.float64(),
    "national_percentile": pa.int16(),
    "province_decile": pa.int16(),
    "regency_decile": pa.int16(),
    "people": pa.int16(),
    "village_code": pa.string(),
}


def export_deciles(
    ctx: Context, principal: Principal, path: Path, *, columns: Sequence[str] = ()
) -> DecileFile | None:
    """The latest run's national decile of every household ranked, as Parquet (``None``: no run yet), for
    analytics over the registry snapshot (PPKS identification, programme simulation). ``columns`` adds
    more of the rank (``score``, ``national_percentile``, ``province_decile``, ``regency_decile``,
    ``people``, ``village_code``). Needs ``registry:read`` nationwide; the caller's own audit entry names
    the run it read."""
    if not principal.can(Permission.registry_read, None):
        raise Forbidden(msg("Exporting the welfare deciles needs nationwide read access"))
    unknown = [c for c in columns if c not in EXTRA_COLUMNS]
    if unknown:
        raise Invalid(msg("No such rank column: {names}", names=", ".join(unknown)))
    extra = tuple(dict.fromkeys(columns))
    fields = [("household_id", pa.string()), ("national_decile", pa.int16())]
    schema = pa.schema(fields + [(c, EXTRA_COLUMNS[c]) for c in extra])
    with ctx.transaction(readonly=True) as conn:
        row = store.latest_run(conn)
        if row is None:
            return None
        with pq.ParquetWriter(path, schema) as writer:
            for part in store.national_deciles(conn, row["id"], RANK_BATCH_ROWS, extra):
                data = {"household_id": [str(r[0]) for r in part], "national_decile": [r[1] for r in part]}
                data |= {c: [r[2 + i] for r in part] for i, c in enumerate(extra)}
                writer.write_table(pa.table(data, schema=schema))
    return DecileFile(run_info(row), path)


def poverty_curve_of(trained: Trained, sample: Sample, spec: Spec) -> pa.Table:
    """The chosen model's out-of-fold poverty curve on its survey (national_percentile int16,
    poor_probability float64), for a simulation outside the registry (``inklusi programmes evaluate``)."""
    curve = oof_poverty_curve(trained, sample)
    if curve is None:
        text = msg("The survey of {spec} has no village codes: no poverty line to apply", spec=spec.key)
        raise Invalid(text, [Issue("village_code", "column.missing", text)])
    return _curve_table([float(p) for p in curve])


def poverty_curve(ctx: Context, run_id: UUID | None = None) -> pa.Table | None:
    """The poverty curve of the model a run (default: the latest) was ranked with, or None when that
    model was trained before models kept one. Not personal data: survey-level probabilities."""
    with ctx.transaction(readonly=True) as conn:
        run = store.run_by_id(conn, run_id) if run_id else store.latest_run(conn)
        if run is None:
            raise NotFound(msg("No welfare ranking has been run yet"))
        model = store.model_by_id(conn, run["model_id"])
    points = json.loads(model["metrics"]).get("poverty") if model is not None else None
    if not points:
        return None
    ordered = sorted(points, key=lambda p: int(p["percentile"]))
    return _curve_table([float(p["poor_probability"]) for p in ordered])


def _curve_table(probabilities: list[float]) -> pa.Table:
    return pa.table(
        {
            "national_percentile": pa.array(range(1, len(probabilities) + 1), pa.int16()),
            "poor_probability": pa.array(probabilities, pa.float64()),
        }
    )


def get_run(ctx: Context, run_id: UUID | None = None) -> RunInfo:
    with ctx.transaction(readonly=True) as conn:
        row = store.run_by_id(conn, run_id) if run_id else store.latest_run(conn)
    if row is None:
        raise NotFound(msg("No welfare ranking has been run yet"))
    return run_info(row)


def list_runs(ctx: Context) -> list[RunInfo]:
    with ctx.transaction(readonly=True) as conn:
        return [run_info(row) for row in store.list_runs(conn)]
