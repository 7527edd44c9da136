"""Scoring a population with a trained model and ranking it, inside the analytics engine.

Linear models score as one Ibis expression (a sum of coefficients, ``CASE`` lookups for answers and areas),
so features, score and ranks are one query on DuckDB or Spark. Tree models score in NumPy batches streamed
out of the engine (LightGBM cannot be written as SQL of sensible size); the scores go back in as Parquet and
are ranked by the same Ibis expressions.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.analytics.engine import Engine
from inklusi.welfare.ranking import RANK_COLUMNS, rank
from inklusi.welfare.spec import Spec, features
from inklusi.welfare.training import Fitted, score_expression

OUTPUT_COLUMNS = ("household_id", "village_code", "province_code", "regency_code", "people", "score")


@dataclass(frozen=True)
class Ranked:
    path: Path  # Parquet: OUTPUT_COLUMNS + RANK_COLUMNS
    households: int
    persons: int


def scored_table(
    engine: Engine,
    spec: Spec,
    model: Fitted,
    households: ir.Table,
    persons: ir.Table | None,
    reference_date: date,
    scratch: Path,
) -> ir.Table:
    """household_id, areas, people and score for every household."""
    table = features(spec, households, persons, reference_date)
    expression = score_expression(model, table)
    if expression is not None:
        return table.mutate(score=expression).select(*OUTPUT_COLUMNS)
    return _score_in_batches(engine, model, table, scratch)


def _score_in_batches(engine: Engine, model: Fitted, table: ir.Table, scratch: Path) -> ir.Table:
    path = scratch / "tree_scores.parquet"
    writer = None
    try:
        for batch in engine.batches(table):
            frame = {name: batch.column(name).to_numpy(zero_copy_only=False) for name in batch.schema.names}
            scores = model.predict(frame)
            out = pa.table(
                {name: batch.column(name) for name in OUTPUT_COLUMNS if name != "score"}
                | {"score": pa.array(scores, pa.float64())}
            )
            writer = writer or pq.ParquetWriter(path, out.schema, compression="zstd")
            writer.write_table(out)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        empty = pa.table({n: pa.array([], pa.string()) for n in OUTPUT_COLUMNS[:4]})
        empty = empty.append_column("people", pa.array([], pa.int64())).append_column(
            "score", pa.array([], pa.float64())
        )
        pq.write_table(empty, path)
    return engine.read_parquet(path)


def score_and_rank(
    engine: Engine,
    spec: Spec,
    model: Fitted,
    households_file: Path,
    persons_file: Path | None,
    reference_date: date,
    output: Path,
    *,
    approximate: bool | None = None,
) -> Ranked:
    """Score and rank every household of a snapshot; write the result to ``output`` (Parquet)."""
    with tempfile.TemporaryDirectory(prefix="inklusi-scores-") as scratch:
        households = engine.read_parquet(households_file)
        persons = engine.read_parquet(persons_file) if persons_file else None
        scored = scored_table(engine, spec, model, households, persons, reference_date, Path(scratch))
        if not engine.global_windows:
            # Spark ranks in several passes (cut-offs, then buckets): compute features and scores once
            scored = engine.materialise(scored, "scored")
        ranked = rank(engine, scored, approximate=approximate)
        engine.write_parquet(ranked.select(*OUTPUT_COLUMNS, *RANK_COLUMNS), output)
    summary = engine.to_arrow(
        engine.read_parquet(output).aggregate(
            households=lambda t: t.count(), persons=lambda t: t.people.sum()
        )
    )
    return Ranked(
        output,
        int(summary["households"][0].as_py() or 0),
        int(summary["persons"][0].as_py() or 0),
    )


def frame_of(table: pa.Table) -> dict[str, np.ndarray]:
    """An Arrow features table as NumPy columns (strings stay strings)."""
    return {
        name: table[name].to_numpy(zero_copy_only=False)
        if not pa.types.is_string(table[name].type)
        else table[name].fill_null("").to_numpy(zero_copy_only=False).astype(str)
        for name in table.column_names
    }
