"""Training proxy-means models and the shared pieces of the welfare service (engine, access checks,
stored models)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from inklusi.access.model import Permission, Principal
from inklusi.analytics.engine import Backend, Engine
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.welfare import store
from inklusi.welfare.model import (
    ModelInfo,
    ModelKind,
    RunInfo,
)
from inklusi.welfare.report import ReportInput, render
from inklusi.welfare.spec import Spec, features, load_spec
from inklusi.welfare.training import (
    Design,
    Sample,
    Trained,
    dumps,
    fingerprint,
    leak_warnings,
    metrics_document,
    model_from_json,
    model_to_json,
    sample_from_arrow,
    train,
    version_name,
)


def engine_for(ctx: Context, backend: Backend | None = None) -> Engine:
    """The analytics engine the settings ask for (``analytics_backend``, ``analytics_memory_limit``)."""
    settings = ctx.settings
    return Engine.open(backend or settings.analytics_backend, memory_limit=settings.analytics_memory_limit)


def require_ranking(principal: Principal) -> None:
    if not principal.can(Permission.registry_write, None):
        raise Forbidden(msg("Training and ranking need nationwide write access to the registry"))


# --- Training --------------------------------------------------------------------------------------


def design_of(spec: Spec) -> Design:
    return Design(
        numeric=spec.numeric,
        categorical=spec.categorical,
        area_column=f"{spec.region.area}_code",
        shrinkage=spec.region.shrinkage,
        groups=spec.region.groups,
        min_group_households=spec.region.min_group_households,
        boosting=spec.boosting.model_dump(),
        folds=spec.selection.folds,
        seed=spec.selection.seed,
        coverage=spec.selection.coverage,
    )


def fit_survey(
    spec: Spec,
    survey: Path,
    persons: Path | None,
    *,
    weight: str | None = "weight",
    reference_date: date | None = None,
    candidates: tuple[ModelKind, ...] | None = None,
    engine: Engine | None = None,
) -> tuple[Trained, Sample]:
    """Features of a survey file (joined to its persons file), cross-validated candidates, the choice."""
    own = engine is None
    engine = engine or Engine.open()
    try:
        households = engine.read_file(survey)
        members = engine.read_file(persons) if persons else None
        if spec.target.column not in households.columns:
            text = msg("The survey has no welfare column {name}", name=spec.target.column)
            raise Invalid(text, [Issue(spec.target.column, "column.missing", text)])
        wanted = (spec.target.column, spec.target.per_capita_by, weight)
        keep = tuple(c for c in wanted if c and c in households.columns)
        table = features(spec, households, members, reference_date, keep=keep).order_by("household_id")
        arrow = engine.to_arrow(table)
    finally:
        if own:
            engine.close()
    design = design_of(spec)
    sample = sample_from_arrow(
        arrow,
        design,
        spec.target.column,
        target_is_log=not spec.target.log,
        per_capita_by=spec.target.per_capita_by,
        weight=weight if weight in arrow.column_names else None,
        poverty_lines=(spec.poverty_line.urban, spec.poverty_line.rural),
    )
    return train(sample, design, candidates or spec.selection.candidates), sample


def train_model(
    ctx: Context,
    principal: Principal,
    survey: Path,
    persons: Path | None = None,
    *,
    spec: Spec | str = "national",
    weight: str | None = "weight",
    reference_date: date | None = None,
    candidates: tuple[ModelKind, ...] | None = None,
) -> ModelInfo:
    """Train on a survey file, choose by out-of-fold targeting, store the model as a versioned artifact."""
    require_ranking(principal)
    spec = load_spec(spec) if isinstance(spec, str) else spec
    trained, sample = fit_survey(
        spec, survey, persons, weight=weight, reference_date=reference_date, candidates=candidates
    )
    data_print = fingerprint(*(p for p in (survey, persons) if p))
    created = utcnow()
    version = version_name(spec.key, trained.chosen, data_print, created)
    row = {
        "id": new_id(),
        "version": version,
        "spec_name": spec.name,
        "spec_version": spec.version,
        "kind": trained.chosen.value,
        "created_at": created,
        "actor_id": principal.user_id,
        "training_file": str(survey),
        "training_fingerprint": data_print,
        "training_households": len(sample),
        "spec": spec.model_dump_json(by_alias=True),
        "metrics": dumps(metrics_document(trained, design_of(spec), sample)),
        "artifact": dumps(model_to_json(trained.model)),
    }
    # the targeting report is made now, from the out-of-fold predictions in hand, and kept with the model
    # (a page shows it later without the survey, which may be gone by then)
    keep_report(ctx, version, report_of(spec, Path(survey).name, trained, sample))
    with ctx.transaction() as conn:
        store.insert_model(conn, row)
        detail = {"version": row["version"], "kind": row["kind"], "fingerprint": data_print}
        event = Event(
            kind=events.WELFARE_TRAIN,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            object_id=str(row["id"]),
            detail=detail,
        )
        audit.record(ctx, conn, event)
    return model_info(row)


def model_info(row) -> ModelInfo:
    return ModelInfo(
        id=row["id"],
        version=row["version"],
        spec_name=row["spec_name"],
        kind=ModelKind(row["kind"]),
        created_at=row["created_at"],
        training_fingerprint=row["training_fingerprint"],
        metrics=json.loads(row["metrics"]),
    )


def list_models(ctx: Context) -> list[ModelInfo]:
    with ctx.transaction(readonly=True) as conn:
        return [model_info(row) for row in store.list_models(conn)]


def load_model(conn, model_version: str | None):
    row = store.model_by_version(conn, model_version) if model_version else store.latest_model(conn)
    if row is None:
        raise NotFound(msg("No welfare model {version}: train one first", version=model_version or ""))
    return row, Spec.model_validate_json(row["spec"]), model_from_json(json.loads(row["artifact"]))


def targeting_report(
    survey: Path,
    persons: Path | None = None,
    *,
    spec: Spec | str = "national",
    weight: str | None = "weight",
    reference_date: date | None = None,
) -> str:
    """The targeting report (HTML) of a specification's candidates on a survey, out of fold."""
    spec = load_spec(spec) if isinstance(spec, str) else spec
    trained, sample = fit_survey(spec, survey, persons, weight=weight, reference_date=reference_date)
    return report_of(spec, Path(survey).name, trained, sample)


def report_of(spec: Spec, survey_name: str, trained: Trained, sample: Sample) -> str:
    """The targeting report (HTML) of trained candidates on their survey sample."""
    title = f"Targeting report: {spec.key} on {survey_name}"
    area_column = design_of(spec).area_column
    areas = sample.frame.get(area_column) if area_column is not None else None
    warnings = leak_warnings({c.kind.value: c.metrics.r2 for c in trained.candidates})
    return render(
        ReportInput(
            title, sample, trained.candidates, trained.chosen, areas, spec.selection.coverage, warnings
        )
    )


def report_path(ctx: Context, version: str) -> Path:
    """Where the targeting report of a model version is kept (under the data folder)."""
    return ctx.settings.data_dir / "welfare" / "reports" / f"{version}.html"


def keep_report(ctx: Context, version: str, html: str) -> None:
    path = report_path(ctx, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)


def run_info(row) -> RunInfo:
    return RunInfo(
        id=row["id"],
        model_version=row["model_version"],
        ranked_at=row["ranked_at"],
        reference_date=row["reference_date"],
        snapshot_at=row["snapshot_at"],
        backend=row["backend"],
        households=row["households"],
        persons=row["persons"],
        previous_run_id=row["previous_run_id"],
    )
