"""Review queue pages for data stewards: the pending pairs, one pair with its evidence per field and the
decision form, and an entity with its members, history and an unmerge form. Every view goes through the
linkage service, so scope, permissions and audit apply; forms carry the CSRF token."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.linkage import service
from inklusi.linkage.model import DecisionKind, EntityKind
from inklusi.web.pages import render
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
FIELD_LABELS = {
    "name": msg("Name"),
    "given_name": msg("Given name"),
    "family_name": msg("Family name"),
    "birth_date": msg("Birth date"),
    "sex": msg("Sex"),
    "nik": msg("NIK"),
    "kk": msg("KK number"),
    "area": msg("Area and family card"),
    "birth_place": msg("Birth place"),
    "postcode": msg("Postcode"),
    "address": msg("Address"),
    "phone": msg("Phone"),
    "id_number": msg("Identity number"),
}


@router.get("/linkage/queue")
def queue_page(
    request: Request,
    principal: PagePrincipal,
    kind: EntityKind = EntityKind.person,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    ctx = request.app.state.ctx
    queue = service.review_queue(ctx, principal, kind=kind, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "linkage/queue.html",
        active="linkage",
        queue=queue,
        page=page,
        pages=max(1, -(-queue.total // PAGE_SIZE)),
        field_labels=FIELD_LABELS,
    )


@router.get("/linkage/pairs/{pair_id}")
def pair_page(request: Request, principal: PagePrincipal, pair_id: UUID) -> Response:
    pair = service.get_pair(request.app.state.ctx, principal, pair_id)
    return render(request, "linkage/pair.html", active="linkage", pair=pair, field_labels=FIELD_LABELS)


@router.post("/linkage/pairs/{pair_id}/decision", dependencies=[Depends(require_csrf)])
def decide(
    request: Request,
    principal: PagePrincipal,
    pair_id: UUID,
    decision: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if decision not in (DecisionKind.match.value, DecisionKind.non_match.value):
        raise Invalid(msg("Choose whether the two records are the same person"))
    service.decide(request.app.state.ctx, principal, pair_id, DecisionKind(decision), note.strip() or None)
    return RedirectResponse("/linkage/queue", status_code=303)


@router.get("/linkage/entities/{entity_id}")
def entity_page(request: Request, principal: PagePrincipal, entity_id: UUID) -> Response:
    view = service.get_entity(request.app.state.ctx, principal, entity_id)
    return render(request, "linkage/entity.html", active="linkage", entity=view)


@router.post("/linkage/entities/{entity_id}/unmerge", dependencies=[Depends(require_csrf)])
def unmerge(
    request: Request,
    principal: PagePrincipal,
    entity_id: UUID,
    records: Annotated[list[UUID], Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    created = service.unmerge(request.app.state.ctx, principal, entity_id, records, note.strip() or None)
    return RedirectResponse(f"/linkage/entities/{created}", status_code=303)
