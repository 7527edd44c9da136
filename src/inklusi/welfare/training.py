"""Training proxy-means models: candidates, k-fold cross-validation, choice by targeting, versioned artifacts.

Every candidate (``ols``, ``ols-area``, ``separate``, ``gbm``) is fitted k times on k−1 folds and predicts the
fold it did not see; the out-of-fold predictions give each candidate's R², Spearman correlation and
exclusion/inclusion errors at 10/20/40 % coverage. The chosen model has the lowest out-of-fold exclusion error
at the selection coverage (R² breaks ties): targeting is what the ranking is for. The chosen candidate is then
refitted on the whole sample and packed as an :class:`Artifact` — the coefficients (or the LightGBM model),
the specification, the metrics and a fingerprint of the training data — which the store keeps versioned.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from inklusi.errors import Invalid
from inklusi.i18n import Text, msg
from inklusi.welfare.linear import GroupedModel, LinearModel
from inklusi.welfare.model import COVERAGES, LEAK_R2, Metrics, ModelKind, measure, poverty_curve
from inklusi.welfare.trees import TreeModel

Frame = dict[str, np.ndarray]
Fitted = LinearModel | GroupedModel | TreeModel


@dataclass(frozen=True)
class Design:
    """What a model is fitted on: proxy columns, the area column and the settings of each candidate."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    area_column: str | None = "province_code"
    shrinkage: float = 5.0
    groups: Mapping[str, Sequence[str]] | None = None  # group → area codes (separate models)
    min_group_households: int = 300
    boosting: Mapping[str, Any] = field(default_factory=dict)  # TreeModel.fit's keyword arguments
    folds: int = 5
    seed: int = 20261127
    coverage: float = 0.4


@dataclass(frozen=True)
class Sample:
    """A survey as arrays: proxies, target (log per-capita welfare), fitting weights, people weights."""

    frame: Frame
    target: np.ndarray
    weights: np.ndarray  # survey weights (fitting)
    people: np.ndarray  # survey weight × members (measuring: deciles are of people)
    ids: np.ndarray
    poverty_line: np.ndarray | None = None  # log poverty line of each household (urban or rural)

    def __len__(self) -> int:
        return len(self.target)

    def subset(self, rows: np.ndarray) -> Sample:
        return Sample(
            {k: v[rows] for k, v in self.frame.items()},
            self.target[rows],
            self.weights[rows],
            self.people[rows],
            self.ids[rows],
            None if self.poverty_line is None else self.poverty_line[rows],
        )


@dataclass(frozen=True)
class CandidateResult:
    kind: ModelKind
    metrics: Metrics
    out_of_fold: np.ndarray


@dataclass(frozen=True)
class Trained:
    chosen: ModelKind
    model: Fitted
    candidates: tuple[CandidateResult, ...]

    def result(self, kind: ModelKind) -> CandidateResult:
        return next(c for c in self.candidates if c.kind == kind)


def log_per_capita(
    welfare: np.ndarray, members: np.ndarray | None = None, *, is_log: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(log per-capita welfare, which rows have one) from a welfare column in levels or already a log,
    divided by ``members`` if given (household totals). Division happens in levels: for a log column that
    is ``log(exp(y) / members) = y − log(members)``, never ``y / members`` (which puts household size, and
    with it most of the variation, into the target)."""
    if is_log:
        y = welfare if members is None else welfare - np.log(np.maximum(members, 1))
        keep = np.isfinite(y)
    else:
        levels = welfare if members is None else welfare / np.maximum(members, 1)
        keep = np.isfinite(levels) & (levels > 0)
        y = np.log(np.where(keep, levels, 1.0))
    return y, keep


def leak_warnings(r2: Mapping[str, float]) -> tuple[Text, ...]:
    """A warning when a model (name → out-of-fold R²) predicts welfare better than any proxy-means test
    can: published PMTs reach an R² of 0.5–0.8, so above :data:`LEAK_R2` a leak of the welfare measure (or
    of a transform of it) into the proxies is far likelier than a perfect proxy."""
    leaky = {name: value for name, value in r2.items() if value > LEAK_R2}
    if not leaky:
        return ()
    models = ", ".join(f"{name} {value:.3f}" for name, value in leaky.items())
    return (
        msg(
            "Out-of-fold R² is above {limit} ({models}): a leak of the welfare measure into the proxies is "
            "far likelier than a perfect proxy. Check the proxies.",
            limit=LEAK_R2,
            models=models,
        ),
    )


def sample_from_arrow(
    table: pa.Table,
    design: Design,
    target: str,
    *,
    target_is_log: bool = False,
    per_capita_by: str | None = None,
    weight: str | None = None,
    people: str | None = "people",
    id_column: str | None = "household_id",
    poverty_lines: tuple[float, float] | None = None,
) -> Sample:
    """Arrays for fitting, with rows lacking a positive welfare value dropped."""
    y, keep = log_per_capita(
        table[target].to_numpy(zero_copy_only=False).astype(float),
        table[per_capita_by].to_numpy(zero_copy_only=False).astype(float) if per_capita_by else None,
        is_log=target_is_log,
    )
    areas = {design.area_column} if design.area_column is not None else set()
    columns = set(design.numeric) | set(design.categorical) | areas
    frame = {name: _array(table[name]) for name in columns}
    n = table.num_rows
    w = table[weight].to_numpy(zero_copy_only=False).astype(float) if weight else np.ones(n)
    size = people or per_capita_by
    members = (
        table[size].to_numpy(zero_copy_only=False).astype(float)
        if size and size in table.column_names
        else np.ones(n)
    )
    ids = (
        table[id_column].to_numpy(zero_copy_only=False).astype(str)
        if id_column and id_column in table.column_names
        else np.arange(n).astype(str)
    )
    keep &= np.isfinite(w) & (w > 0)
    if keep.sum() < max(2 * design.folds, 20):
        raise Invalid(msg("Too few households with a welfare value to train on: {n}", n=int(keep.sum())))
    lines = None
    if poverty_lines is not None and "village_code" in table.column_names:
        villages = table["village_code"].fill_null("").to_pylist()
        urban = np.array([len(v) > 9 and v[9] == "1" for v in villages], dtype=bool)
        lines = np.log(np.where(urban, poverty_lines[0], poverty_lines[1]))
    sample = Sample(frame, y, w, w * np.maximum(members, 1), ids, lines)
    return sample.subset(np.flatnonzero(keep))


def _array(column: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.fill_null("").to_numpy(zero_copy_only=False).astype(str)
    return column.to_numpy(zero_copy_only=False).astype(float)


# --- Fitting one candidate -------------------------------------------------------------------------


def fit(kind: ModelKind, sample: Sample, design: Design) -> Fitted:
    numeric, categorical = design.numeric, design.categorical
    if kind == ModelKind.ols:
        return LinearModel.fit(sample.frame, sample.target, sample.weights, numeric, categorical)
    if kind == ModelKind.ols_area:
        return LinearModel.fit(
            sample.frame,
            sample.target,
            sample.weights,
            numeric,
            categorical,
            design.area_column,
            design.shrinkage,
        )
    if kind == ModelKind.separate:
        return _fit_grouped(sample, design)
    if kind == ModelKind.gbm:
        return TreeModel.fit(
            sample.frame,
            sample.target,
            sample.weights,
            numeric,
            categorical,
            design.area_column,
            seed=design.seed,
            **design.boosting,
        )
    raise ValueError(kind)


def _fit_grouped(sample: Sample, design: Design) -> GroupedModel:
    if not design.area_column:
        raise Invalid(msg("Separate models need an area column"))
    areas = sample.frame[design.area_column].astype(str)
    groups = design.groups or {area: (area,) for area in np.unique(areas)}
    group_of = {str(area): name for name, members in groups.items() for area in members}
    national = LinearModel.fit(
        sample.frame, sample.target, sample.weights, design.numeric, design.categorical
    )
    models = {}
    for name in groups:
        rows = np.flatnonzero(np.array([group_of.get(a) == name for a in areas]))
        if len(rows) >= design.min_group_households:
            part = sample.subset(rows)
            models[name] = LinearModel.fit(
                part.frame, part.target, part.weights, design.numeric, design.categorical
            )
    return GroupedModel(design.area_column, group_of, models, national)


# --- Cross-validation and the choice ---------------------------------------------------------------


def fold_of(n: int, folds: int, seed: int) -> np.ndarray:
    """A fold number per row, balanced and reproducible."""
    return np.random.default_rng(seed).permutation(n) % folds


def cross_validate(kind: ModelKind, sample: Sample, design: Design) -> CandidateResult:
    folds = fold_of(len(sample), design.folds, design.seed)
    predicted = np.empty(len(sample))
    for k in range(design.folds):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        model = fit(kind, sample.subset(train), design)
        predicted[test] = model.predict(sample.subset(test).frame)
    metrics = measure(sample.target, predicted, sample.people, COVERAGES, sample.ids)
    return CandidateResult(kind, metrics, predicted)


def train(sample: Sample, design: Design, candidates: Sequence[ModelKind]) -> Trained:
    """Cross-validate every candidate, choose by out-of-fold exclusion error, refit the choice on all."""
    results = tuple(cross_validate(kind, sample, design) for kind in candidates)
    coverage = design.coverage
    if all(abs(coverage - c) > 1e-9 for c in COVERAGES):
        raise Invalid(msg("The selection coverage must be one of 0.1, 0.2, 0.4"))
    best = min(results, key=lambda r: (r.metrics.at(coverage).exclusion_error, -r.metrics.r2))
    return Trained(best.kind, fit(best.kind, sample, design), results)


# --- Artifacts -------------------------------------------------------------------------------------


def model_to_json(model: Fitted) -> dict[str, object]:
    kind = (
        "trees"
        if isinstance(model, TreeModel)
        else "grouped"
        if isinstance(model, GroupedModel)
        else "linear"
    )
    return {"form": kind, **model.to_json()}


def model_from_json(data: Mapping[str, object]) -> Fitted:
    form = data["form"]
    if form == "trees":
        return TreeModel.from_json(data)
    if form == "grouped":
        return GroupedModel.from_json(data)
    return LinearModel.from_json(data)


def score_expression(model: Fitted, table: ir.Table) -> ir.FloatingValue | None:
    """The score as an Ibis expression (linear models); None for trees, which score in NumPy batches."""
    if isinstance(model, TreeModel):
        return None
    return model.expression(table)


def fingerprint(*paths: Path) -> str:
    """SHA-256 over the training files' bytes (names excluded): the same data gives the same print."""
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(Path(path).rglob("*.parquet")) if Path(path).is_dir() else [Path(path)]
        for file in files:
            with file.open("rb") as handle:
                for block in iter(partial(handle.read, 1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def version_name(spec_key: str, kind: ModelKind, data_print: str, at: datetime | None = None) -> str:
    """``national-1-gbm-20261127T101500Z-3fa2c1``: spec, candidate, training time, data fingerprint."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    return f"{spec_key}-{kind.value}-{at:%Y%m%dT%H%M%SZ}-{data_print[:6]}"


def metrics_document(trained: Trained, design: Design, sample: Sample | None = None) -> dict[str, object]:
    document: dict[str, object] = {
        "chosen": trained.chosen.value,
        "selection_coverage": design.coverage,
        "folds": design.folds,
        "candidates": {c.kind.value: c.metrics.as_dict() for c in trained.candidates},
    }
    curve = oof_poverty_curve(trained, sample) if sample is not None else None
    if curve is not None:
        document["poverty"] = [
            {"percentile": k + 1, "poor_probability": float(p)} for k, p in enumerate(curve)
        ]
    return document


def oof_poverty_curve(trained: Trained, sample: Sample) -> np.ndarray | None:
    """The chosen candidate's out-of-fold poverty curve (:func:`inklusi.welfare.model.poverty_curve`):
    100 probabilities, or None when the sample has no poverty lines (no village codes)."""
    if sample.poverty_line is None:
        return None
    predicted = trained.result(trained.chosen).out_of_fold
    return poverty_curve(
        sample.target, predicted, sample.poverty_line, sample.weights, sample.people, sample.ids
    )


def dumps(data: object) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
