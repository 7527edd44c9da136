"""Import pages: upload an enumeration round, watch it run, read its result (counts, change report per
village, held forms with their reasons) and download the error report; the questionnaire for the field."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from inklusi.instrument import service
from inklusi.instrument.model import load
from inklusi.instrument.printable import questionnaire_html
from inklusi.instrument.service import reports
from inklusi.instrument.service.jobs import ImportJobs
from inklusi.instrument.xlsform import XLSX, export_xlsform
from inklusi.registry.enumeration import ROUND_COUNT_LABELS
from inklusi.web.pages import attachment, page_language, render, self_contained
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)
HELD_SHOWN = 50  # held forms listed on the page; the error report has them all


def import_jobs(request: Request) -> ImportJobs:
    return request.app.state.import_jobs


JobsDep = Annotated[ImportJobs, Depends(import_jobs)]


@router.get("/imports")
def imports_page(request: Request, principal: PagePrincipal) -> Response:
    batches = service.recent_batches(request.app.state.ctx, principal)
    return render(request, "instrument/imports.html", active="imports", batches=batches, instrument=load())


@router.post("/imports", dependencies=[Depends(require_csrf)])
def upload(
    request: Request,
    principal: PagePrincipal,
    jobs: JobsDep,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=40)] = "",
    valid_from: Annotated[str, Form()] = "",
) -> Response:
    effective = service.day_start(valid_from or None, request.app.state.ctx.settings.timezone)
    job = jobs.start(
        principal, file.file, file.filename or "upload", source=source or None, valid_from=effective
    )
    return RedirectResponse(f"/imports/jobs/{job.id}", status_code=303)


@router.get("/imports/jobs/{job_id}")
def job_page(request: Request, principal: PagePrincipal, jobs: JobsDep, job_id: UUID) -> Response:
    """While the import runs, the page asks again every second (htmx); then it shows where to go."""
    job = jobs.get(principal, job_id)
    if job.status == "done" and job.result is not None and request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": f"/imports/{job.result.batch_id}"})
    template = "instrument/_job.html" if request.headers.get("HX-Request") else "instrument/job.html"
    return render(request, template, active="imports", job=job)


@router.get("/imports/{batch_id}")
def batch_page(request: Request, principal: PagePrincipal, batch_id: UUID) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    batch = service.get_batch(ctx, principal, batch_id)
    held = service.held_forms(ctx, principal, batch_id) if batch.held else []
    by_village = batch.report.get("by_village", {})
    return render(
        request,
        "instrument/batch.html",
        active="imports",
        batch=batch,
        totals=[
            (label.render(language), batch.report.get("totals", {}).get(key, 0))
            for key, label in ROUND_COUNT_LABELS.items()
        ],
        count_labels=ROUND_COUNT_LABELS,
        villages=sorted(by_village.items()),
        places=wilayah.area_names(ctx, set(by_village)),
        held=held[:HELD_SHOWN],
        questions={q.code: q.label(language) for q in load(batch.instrument.split("/")[0]).questions},
        held_more=max(0, len(held) - HELD_SHOWN),
    )


@router.get("/imports/{batch_id}/errors.csv")
def error_report(request: Request, principal: PagePrincipal, batch_id: UUID) -> Response:
    report, _held = reports.batch_reports(request.app.state.ctx, principal, batch_id)
    return attachment(report, "text/csv; charset=utf-8", f"{batch_id}.errors.csv")


@router.get("/imports/{batch_id}/held.jsonl")
def held_forms(request: Request, principal: PagePrincipal, batch_id: UUID) -> Response:
    _report, held = reports.batch_reports(request.app.state.ctx, principal, batch_id)
    return attachment(held, "application/x-ndjson", f"{batch_id}.held.jsonl")


@router.get("/instrument/questionnaire")
def questionnaire(request: Request, _principal: PagePrincipal) -> Response:
    return self_contained(questionnaire_html(load(), page_language(request)))


@router.get("/instrument/xlsform")
def xlsform(request: Request, _principal: PagePrincipal) -> Response:
    path = export_xlsform(load(), request.app.state.ctx.settings.data_dir / "exports")
    return FileResponse(path, media_type=XLSX, filename=path.name)
