"""The ranking runs: the list (newest first, with each run's model), a run (its model's out-of-fold
metrics of every candidate) and the model's targeting report."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from inklusi.access.model import Permission
from inklusi.web.pages import render, self_contained
from inklusi.web.session import PagePrincipal
from inklusi.welfare import service
from inklusi.welfare.model import COVERAGES

router = APIRouter(include_in_schema=False)


@router.get("/welfare")
def runs_page(request: Request, principal: PagePrincipal) -> Response:
    ctx = request.app.state.ctx
    principal.require(Permission.registry_read)
    models = {model.version: model for model in service.list_models(ctx)}
    return render(request, "welfare/runs.html", active="welfare", runs=service.list_runs(ctx), models=models)


def _coverage_rows(metrics: dict) -> dict[float, dict]:
    return {round(float(row["coverage"]), 2): row for row in metrics.get("coverage", [])}


@router.get("/welfare/runs/{run_id}")
def run_page(request: Request, principal: PagePrincipal, run_id: UUID) -> Response:
    ctx = request.app.state.ctx
    details = service.run_details(ctx, principal, run_id)
    candidates = [{**row, "at": _coverage_rows(row)} for row in service.candidate_metrics(details)]
    return render(
        request,
        "welfare/run.html",
        active="welfare",
        details=details,
        candidates=candidates,
        coverages=COVERAGES,
        report=service.report_available(ctx, details),
    )


@router.get("/welfare/runs/{run_id}/report")
def run_report(request: Request, principal: PagePrincipal, run_id: UUID) -> Response:
    return self_contained(service.run_report(request.app.state.ctx, principal, run_id))
