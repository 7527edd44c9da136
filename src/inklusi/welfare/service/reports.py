"""A ranking run as a planner reads it: the run, its model and the model's out-of-fold metrics (stored with
the model), and the model's targeting report (:mod:`inklusi.welfare.report`).

The report needs the survey the model was trained on (every candidate is cross-validated again, with the
stored specification and its seed, so it shows the figures of training): it is made the first time it is
asked for, while the training files are where training read them and still have the fingerprint stored with
the model, and kept under the data folder (``welfare/reports/<model version>.html``). Without them there is
no report, only the stored metrics. Runs, models and metrics hold no personal data; the pages ask for
``registry:read`` like the rest of the welfare pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from inklusi.access.model import Permission, Principal
from inklusi.context import Context
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.welfare import store
from inklusi.welfare.model import ModelInfo, RunInfo
from inklusi.welfare.service.models import model_info, run_info, targeting_report
from inklusi.welfare.spec import Spec
from inklusi.welfare.training import fingerprint

PERSONS_FILE = "persons.parquet"


@dataclass(frozen=True)
class RunDetails:
    run: RunInfo
    model: ModelInfo
    training_file: str
    training_households: int
    spec_json: str

    @property
    def spec(self) -> Spec:
        return Spec.model_validate_json(self.spec_json)


def run_details(ctx: Context, principal: Principal, run_id: UUID) -> RunDetails:
    """A run with its model (``NotFound`` for a run that does not exist)."""
    principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        run = store.run_by_id(conn, run_id)
        model = store.model_by_id(conn, run["model_id"]) if run else None
    if run is None or model is None:
        raise NotFound(msg("No welfare ranking {id}", id=str(run_id)))
    return RunDetails(
        run_info(run), model_info(model), model["training_file"], model["training_households"], model["spec"]
    )


def _cached(ctx: Context, details: RunDetails) -> Path:
    return ctx.settings.data_dir / "welfare" / "reports" / f"{details.model.version}.html"


def _training_files(details: RunDetails) -> tuple[Path, Path | None] | None:
    """The survey (and its persons file, next to it) if they still have the fingerprint of training."""
    survey = Path(details.training_file)
    if not survey.is_file():
        return None
    persons = survey.parent / PERSONS_FILE
    for candidate in ((survey, persons), (survey, None)):
        if candidate[1] is not None and not candidate[1].is_file():
            continue
        paths = tuple(p for p in candidate if p is not None)
        if fingerprint(*paths) == details.model.training_fingerprint:
            return candidate
    return None


def report_available(ctx: Context, details: RunDetails) -> bool:
    return _cached(ctx, details).is_file() or _training_files(details) is not None


def run_report(ctx: Context, principal: Principal, run_id: UUID) -> str:
    """The targeting report of the run's model (HTML), made once and kept; ``NotFound`` when the training
    data is no longer there as it was."""
    details = run_details(ctx, principal, run_id)
    cached = _cached(ctx, details)
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    files = _training_files(details)
    if files is None:
        raise NotFound(
            msg(
                "The survey model {version} was trained on is no longer at {path} as it was: no report",
                version=details.model.version,
                path=details.training_file,
            )
        )
    survey, persons = files
    html = targeting_report(survey, persons, spec=details.spec)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_text(html, encoding="utf-8")
    partial.replace(cached)
    return html


def candidate_metrics(details: RunDetails) -> list[dict[str, object]]:
    """Every candidate's stored out-of-fold metrics (``kind``, ``r2``, ``spearman``, ``coverage`` rows,
    ``chosen``), the chosen one first."""
    metrics = details.model.metrics
    chosen = metrics.get("chosen")
    rows = [
        {"kind": kind, "chosen": kind == chosen, **values}
        for kind, values in metrics.get("candidates", {}).items()
    ]
    return sorted(rows, key=lambda row: (not row["chosen"], row["kind"]))
