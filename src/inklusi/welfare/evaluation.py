"""Evaluating proxy-means models on any household survey file (CSV or Parquet), out of fold.

``inklusi welfare evaluate FILE --welfare COL …`` lands here: the file is read through the analytics engine,
proxies are taken as they are (numbers as numbers; text, booleans-as-text and other non-numeric columns as
categories), the welfare column is made log per-capita if needed, and every requested model is
cross-validated. Results are, per model, R², Spearman correlation and the exclusion and inclusion errors when
the poorest 10 %, 20 % and 40 % (of people, if a household-size column is known) are targeted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.analytics.engine import Engine
from inklusi.errors import Invalid, Issue
from inklusi.i18n import Text, msg
from inklusi.welfare.model import Metrics, ModelKind
from inklusi.welfare.spec import Boosting
from inklusi.welfare.training import (
    CandidateResult,
    Design,
    Sample,
    cross_validate,
    leak_warnings,
    log_per_capita,
)

AUTO = "auto"
AREA = "_area"
MAX_AUTO_CATEGORIES = 100


@dataclass(frozen=True)
class Evaluation:
    file: str
    households: int
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    results: tuple[CandidateResult, ...]
    chosen: ModelKind
    sample: Sample

    @property
    def warnings(self) -> tuple[Text, ...]:
        return leak_warnings({r.kind.value: r.metrics.r2 for r in self.results})

    def metrics(self, kind: ModelKind) -> Metrics:
        return next(r.metrics for r in self.results if r.kind == kind)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "households": self.households,
            "numeric_proxies": list(self.numeric),
            "categorical_proxies": list(self.categorical),
            "chosen": self.chosen.value,
            "models": {r.kind.value: r.metrics.as_dict() for r in self.results},
            "warnings": [warning.both() for warning in self.warnings],
        }


def _is_numeric(kind: pa.DataType) -> bool:
    return (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_boolean(kind)
    )


def _numbers(column: pa.ChunkedArray) -> np.ndarray:
    values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype(float)
    missing = ~np.isfinite(values)
    if missing.any():
        values[missing] = np.nanmedian(values) if (~missing).any() else 0.0
    return values


def _categories(column: pa.ChunkedArray) -> np.ndarray:
    """Text values as integer codes (dictionary order); missing is a category of its own."""
    text = pc.cast(column, pa.string()).fill_null("\u2205").to_numpy(zero_copy_only=False).astype(str)
    _distinct, codes = np.unique(text, return_inverse=True)
    return codes.astype(np.int64)


def choose_proxies(table: pa.Table, exclude: set[str]) -> list[str]:
    """Every column except the excluded ones and identifiers (text columns with a value per row)."""
    chosen = []
    for name in table.column_names:
        if name in exclude:
            continue
        column = table[name]
        if not _is_numeric(column.type) and pc.count_distinct(column).as_py() > min(
            MAX_AUTO_CATEGORIES, 0.5 * max(table.num_rows, 1)
        ):
            continue  # an id, a name, an address, a fine area code: not a proxy unless asked for
        chosen.append(name)
    return chosen


def evaluate_file(
    path: Path,
    welfare: str,
    *,
    welfare_is_log: bool = False,
    per_capita_by: str | None = None,
    area: str | None = None,
    proxies: Sequence[str] | None = None,
    model: str = AUTO,
    folds: int = 5,
    weight: str | None = None,
    size: str | None = None,
    seed: int = 20261127,
    engine: Engine | None = None,
) -> Evaluation:
    own = engine is None
    engine = engine or Engine.open()
    try:
        table = engine.to_arrow(engine.read_file(path))
    finally:
        if own:
            engine.close()
    missing = [
        c
        for c in (welfare, per_capita_by, area, weight, size, *(proxies or ()))
        if c and c not in table.column_names
    ]
    if missing:
        issues = [
            Issue(name, "column.missing", msg("No column {name} in the file", name=name)) for name in missing
        ]
        raise Invalid(msg("The file {file} lacks columns", file=str(path)), issues)
    size = size or per_capita_by
    exclude = {c for c in (welfare, per_capita_by, area, weight, size) if c}
    names = list(proxies) if proxies else choose_proxies(table, exclude)
    numeric = tuple(n for n in names if _is_numeric(table[n].type))
    categorical = tuple(n for n in names if not _is_numeric(table[n].type))
    frame = {n: _numbers(table[n]) for n in numeric} | {n: _categories(table[n]) for n in categorical}
    if area:
        frame[AREA] = _categories(table[area]).astype(str)

    y, keep = log_per_capita(
        _numbers_raw(table[welfare]),
        _numbers_raw(table[per_capita_by]) if per_capita_by else None,
        is_log=welfare_is_log,
    )
    weights = _numbers_raw(table[weight]) if weight else np.ones(table.num_rows)
    members = _numbers_raw(table[size]) if size else np.ones(table.num_rows)
    keep &= np.isfinite(weights) & (weights > 0)
    rows = np.flatnonzero(keep)
    if len(rows) < max(4 * folds, 20):
        raise Invalid(msg("Too few households with a welfare value to evaluate: {n}", n=len(rows)))
    ids = np.arange(table.num_rows).astype(str)
    sample = Sample(frame, y, weights, weights * np.maximum(np.nan_to_num(members, nan=1.0), 1), ids).subset(
        rows
    )

    boosting = Boosting().model_dump()
    design = Design(numeric, categorical, AREA if area else None, boosting=boosting, folds=folds, seed=seed)
    kinds = _kinds(model, area is not None)
    results = tuple(cross_validate(kind, sample, design) for kind in kinds)
    chosen = min(results, key=lambda r: (r.metrics.at(design.coverage).exclusion_error, -r.metrics.r2)).kind
    return Evaluation(str(path), len(rows), numeric, categorical, results, chosen, sample)


def _numbers_raw(column: pa.ChunkedArray) -> np.ndarray:
    return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype(float)


def _kinds(model: str, has_area: bool) -> tuple[ModelKind, ...]:
    if model == AUTO:
        return (
            (ModelKind.ols, ModelKind.ols_area, ModelKind.gbm) if has_area else (ModelKind.ols, ModelKind.gbm)
        )
    try:
        kind = ModelKind(model)
    except ValueError:
        raise Invalid(msg("Unknown model {model}; use ols, ols-area, gbm or auto", model=model)) from None
    if kind in (ModelKind.ols_area, ModelKind.separate) and not has_area:
        raise Invalid(msg("Model {model} needs an area column (--area)", model=model))
    return (kind,)
