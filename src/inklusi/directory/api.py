"""``/api/v1/services``: the service directory as Open Referral HSDS 3.

Reading needs a login (any role); importing needs ``directory:manage``. A list is an HSDS API page
(``total_items``, ``page_number``, ``contents`` …) filtered by ATENSI service type, area (services available
there: one of their service areas contains it, or they have none) and text. An import takes an HSDS
document as the JSON body or as a file (multipart, field ``file``); records with problems are refused one by
one while the others go in: the answer is then 422 ``application/problem+json`` whose ``errors`` name each
record (``[index].field``) and whose ``imported``, ``created``, ``updated``, ``unchanged`` and ``rejected``
say what went in.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from inklusi.access.model import Principal
from inklusi.api import PROBLEM_JSON, ContextDep, PrincipalDep, problem
from inklusi.context import Context
from inklusi.directory import service
from inklusi.directory.schemas import ImportOut, ServicePageOut
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks.model import ServiceType

router = APIRouter(prefix="/services", tags=["directory"])
MAX_BYTES = 20 * 1024 * 1024
AREA_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"


@router.get("")
def list_services(
    ctx: ContextDep,
    _principal: PrincipalDep,
    service_type: Annotated[ServiceType | None, Query(description="An ATENSI service type")] = None,
    area: Annotated[
        str | None,
        Query(pattern=AREA_PATTERN, description="Services available in this area (PP, PP.RR, …)"),
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the name or description")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 25,
) -> ServicePageOut:
    """A page of the directory's services (every status) as HSDS 3 service objects, by name."""
    found = service.listing(
        ctx,
        service_type=service_type.value if service_type else None,
        area_code=area,
        text=q,
        page=page,
        per_page=per_page,
    )
    return ServicePageOut(
        total_items=found.total,
        total_pages=found.pages,
        page_number=found.page,
        size=len(found.services),
        first_page=found.page == 1,
        last_page=found.page >= found.pages,
        empty=not found.services,
        contents=[service.as_hsds(s) for s in found.services],
    )


@router.get("/{service_id}")
def get_service(ctx: ContextDep, _principal: PrincipalDep, service_id: UUID) -> dict[str, Any]:
    """One service as an HSDS 3 service object, with its organization, service areas and locations."""
    return service.hsds_service(ctx, service_id)


IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "An HSDS 3 document: a list of services, an HSDS page (contents) or one service",
        "content": {
            "application/json": {
                "schema": {"oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def _too_large(field: str) -> Invalid:
    text = msg("The document is larger than {n} MB", n=MAX_BYTES // (1024 * 1024))
    return Invalid(text, [Issue(field, "directory.too_large", text)])


async def _document(request: Request) -> tuple[bytes, str | None]:
    """The body, or the uploaded file's content and name."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES + 64 * 1024:
        raise _too_large("body")
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            text = msg("Send the HSDS document as the field file")
            raise Invalid(text, [Issue("file", "directory.file", text)])
        data = await upload.read(MAX_BYTES + 1)
        name = upload.filename or "upload"
    else:
        data, name = await request.body(), None
    if len(data) > MAX_BYTES:
        raise _too_large("file" if name else "body")
    return data, name


def _import(ctx: Context, principal: Principal, data: bytes, name: str | None) -> service.ImportReport:
    document = service.read_document(data, name or "body")
    return service.import_hsds(ctx, principal, document, source=name)


@router.post("/import", response_model=ImportOut, openapi_extra=IMPORT_BODY)
async def import_services(request: Request, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Import services from an HSDS 3 document; the same document again changes nothing."""
    service.require_manage(principal)
    data, name = await _document(request)
    report = await run_in_threadpool(_import, ctx, principal, data, name)
    out = ImportOut(
        received=report.received,
        imported=report.imported,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
        errors=[issue.as_dict() for issue in report.issues],
    )
    if not report.errors:
        return JSONResponse(out.model_dump())
    text = msg(
        "{rejected} of {received} records were refused; {imported} went in",
        rejected=report.rejected, received=report.received, imported=report.imported,
    )  # fmt: skip
    answer = problem(
        request,
        422,
        text,
        type_uri="urn:inklusi:problem:invalid-input",
        code="invalid-input",
        issues=report.issues,
    )
    body = json.loads(bytes(answer.body)) | out.model_dump(exclude={"errors"})
    return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON)
