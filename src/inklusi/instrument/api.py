"""``/api/v1/instrument`` (the questionnaire for field apps and paper) and ``/api/v1/imports`` (upload an
enumeration round, follow it, fetch its error report and held forms)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from pydantic import AwareDatetime, BaseModel

from inklusi.api import ContextDep, PrincipalDep
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.instrument import service
from inklusi.instrument.model import Instrument, available, load
from inklusi.instrument.printable import questionnaire_html
from inklusi.instrument.service import ImportResult, reports
from inklusi.instrument.service.jobs import ImportJob, ImportJobs
from inklusi.instrument.xlsform import XLSX, export_xlsform
from inklusi.web.pages import attachment, self_contained

router = APIRouter(tags=["imports"])


def import_jobs(request: Request) -> ImportJobs:
    return request.app.state.import_jobs


JobsDep = Annotated[ImportJobs, Depends(import_jobs)]


class JobOut(BaseModel):
    id: UUID
    file_name: str
    status: str
    done: int
    total: int
    batch_id: UUID | None
    error: dict[str, str] | None
    issues: list[dict[str, object]]

    @classmethod
    def of(cls, job: ImportJob) -> JobOut:
        return cls(
            id=job.id,
            file_name=job.file_name,
            status=job.status,
            done=job.done,
            total=job.total,
            batch_id=job.result.batch_id if job.result else None,
            error=job.error.both() if job.error else None,
            issues=[issue.as_dict() for issue in job.issues],
        )


@router.get("/instrument/{name}", tags=["instrument"])
def get_instrument(name: str) -> Instrument:
    """The instrument definition: groups, questions (Regsosek numbers), code lists, skip rules."""
    return load(_known(name))


@router.get("/instrument/{name}/xlsform", tags=["instrument"], response_class=FileResponse)
def get_xlsform(ctx: ContextDep, name: str) -> FileResponse:
    """The XLSForm to publish on ODK Central or KoboToolbox."""
    path = export_xlsform(load(_known(name)), ctx.settings.data_dir / "exports")
    return FileResponse(path, media_type=XLSX, filename=path.name)


@router.get("/instrument/{name}/questionnaire", tags=["instrument"], response_class=HTMLResponse)
def get_questionnaire(name: str, language: Literal["id", "en"] = "id") -> HTMLResponse:
    """The printable questionnaire for paper enumeration (print to PDF from the browser)."""
    return self_contained(questionnaire_html(load(_known(name)), language))


@router.post("/imports", status_code=202)
def start_import(
    principal: PrincipalDep,
    jobs: JobsDep,
    file: Annotated[UploadFile, File(description="ODK Central ZIP/CSV, KoboToolbox JSON or JSON Lines")],
    source: Annotated[str | None, Form(max_length=40)] = None,
    valid_from: Annotated[AwareDatetime | None, Form()] = None,
) -> JobOut:
    """Queue an import; follow it at ``/imports/jobs/{id}``. The same file twice changes nothing."""
    job = jobs.start(principal, file.file, file.filename or "upload", source=source, valid_from=valid_from)
    return JobOut.of(job)


@router.get("/imports/jobs/{job_id}")
def get_job(principal: PrincipalDep, jobs: JobsDep, job_id: UUID) -> JobOut:
    return JobOut.of(jobs.get(principal, job_id))


@router.get("/imports")
def list_imports(ctx: ContextDep, principal: PrincipalDep) -> list[ImportResult]:
    return service.recent_batches(ctx, principal)


@router.get("/imports/{batch_id}")
def get_import(ctx: ContextDep, principal: PrincipalDep, batch_id: UUID) -> ImportResult:
    """Counts and the change report (per village) of one import."""
    return service.get_batch(ctx, principal, batch_id)


@router.get("/imports/{batch_id}/errors.csv", response_class=PlainTextResponse)
def get_error_report(ctx: ContextDep, principal: PrincipalDep, batch_id: UUID) -> PlainTextResponse:
    """One row per problem, in Indonesian and English."""
    report, _held = reports.batch_reports(ctx, principal, batch_id)
    return attachment(report, "text/csv", f"{batch_id}.errors.csv")


@router.get("/imports/{batch_id}/held.jsonl", response_class=PlainTextResponse)
def get_held_forms(ctx: ContextDep, principal: PrincipalDep, batch_id: UUID) -> PlainTextResponse:
    """The held forms as JSON Lines: correct them and import the file again."""
    _report, held = reports.batch_reports(ctx, principal, batch_id)
    return attachment(held, "application/x-ndjson", f"{batch_id}.held.jsonl")


def _known(name: str) -> str:
    if name not in available():
        raise NotFound(msg("Instrument {name} not found", name=name))
    return name
