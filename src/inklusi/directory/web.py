"""The service directory page: the services of the directory (every status) with filters by ATENSI service
type, area (the area picker: services available there) and text, for any logged-in user; and the whole
directory as an HSDS 3 file to save."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from inklusi.directory import service
from inklusi.directory.model import Status
from inklusi.i18n import msg
from inklusi.ppks.model import ServiceType
from inklusi.ppks.taxonomy import taxonomy
from inklusi.web.area_picker import AreaPicker
from inklusi.web.pages import attachment, page_language, render
from inklusi.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
STATUS_LABELS = {
    Status.active.value: msg("Active"),
    Status.inactive.value: msg("Inactive"),
    Status.defunct.value: msg("Defunct"),
    Status.temporarily_closed.value: msg("Temporarily closed"),
}


@router.get("/directory")
def directory_page(
    request: Request,
    _principal: PagePrincipal,
    service_type: Annotated[str, Query(max_length=40)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    province: Annotated[str, Query(max_length=13)] = "",
    regency: Annotated[str, Query(max_length=13)] = "",
    district: Annotated[str, Query(max_length=13)] = "",
    village: Annotated[str, Query(max_length=13)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    picker = AreaPicker.load(ctx, province, regency, district, village)
    chosen = service_type if service_type in {t.value for t in ServiceType} else ""
    found = service.listing(
        ctx,
        service_type=chosen or None,
        area_code=picker.deepest,
        text=q.strip() or None,
        page=page,
        per_page=PAGE_SIZE,
    )
    query = {
        "service_type": chosen,
        "q": q.strip(),
        **{level.name: level.selected for level in picker.levels if level.selected},
    }
    return render(
        request,
        "directory/list.html",
        active="directory",
        listing=found,
        picker=picker,
        q=q.strip(),
        chosen_type=chosen,
        types={s.code.value: s.name.text(language) for s in taxonomy().services},
        statuses=STATUS_LABELS,
        here="/directory?" + urlencode(query),
    )


@router.get("/directory/hsds.json")
def directory_export(request: Request, _principal: PagePrincipal) -> Response:
    """The whole directory as HSDS 3 (a JSON list of service objects)."""
    document = service.export_hsds(request.app.state.ctx)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return attachment(text, "application/json", "inklusi-directory-hsds.json")
