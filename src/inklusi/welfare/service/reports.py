"""A ranking run as a planner reads it: the run, its model and the model's out-of-fold metrics (stored with
the model), and the model's targeting report (:mod:`inklusi.welfare.report`).

The report is made when the model is trained, from the out-of-fold predictions training has in hand, and
kept under the data folder (``welfare/reports/<model version>.html``); a model trained before reports were
kept has only its stored metrics. Runs, models and metrics hold no personal data; the pages ask for
``registry:read`` like the rest of the welfare pages."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from inklusi.access.model import Permission, Principal
from inklusi.context import Context
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.welfare import store
from inklusi.welfare.model import ModelInfo, RunInfo
from inklusi.welfare.service.models import model_info, report_path, run_info
from inklusi.welfare.spec import Spec


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


def report_available(ctx: Context, details: RunDetails) -> bool:
    return report_path(ctx, details.model.version).is_file()


def run_report(ctx: Context, principal: Principal, run_id: UUID) -> str:
    """The targeting report of the run's model (HTML), made when the model was trained; ``NotFound`` for
    a model trained before reports were kept (or whose data folder lost it)."""
    details = run_details(ctx, principal, run_id)
    path = report_path(ctx, details.model.version)
    if not path.is_file():
        raise NotFound(
            msg("No targeting report was kept for the model {version}", version=details.model.version)
        )
    return path.read_text(encoding="utf-8")


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
