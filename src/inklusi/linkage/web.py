"""Review queue pages for data stewards: the pending pairs, one pair with its evidence per field and the
decision form, and an entity with its members, history and an unmerge form. Every view goes through the
linkage service, so scope, permissions and audit apply; forms carry the CSRF token.

Everything is shown in words (``inklusi.linkage.labels``): reasons, comparison levels, sexes,
relationships and village names, never codes; a pair shows each record's name, household and relationship,
age, village and source list, not record ids."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.linkage import labels, service
from inklusi.linkage.model import DecisionKind, EntityKind, FieldEvidence, ReviewPair
from inklusi.registry.labels import value_label
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah

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
    page: Annotated[int, Query(ge=1, le=10_000_000)] = 1,
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
        labels=labels,
    )


@router.get("/linkage/pairs/{pair_id}")
def pair_page(request: Request, principal: PagePrincipal, pair_id: UUID) -> Response:
    ctx = request.app.state.ctx
    pair = service.get_pair(ctx, principal, pair_id)
    records = service.pair_records(ctx, principal, pair)
    language = page_language(request)
    places = wilayah.area_names(ctx, {r.village_code for r in records} | _villages(pair.evidence))
    return render(
        request,
        "linkage/pair.html",
        active="linkage",
        pair=pair,
        records=[
            {
                "name": r.name,
                "sex": value_label("sex", r.sex, language),
                "age": r.age(),
                "relationship": value_label("relationship", r.relationship, language),
                "household_id": r.household_id,
                "village": places.get(r.village_code, "—"),
                "source": r.source,
                "person_id": r.record_id,
            }
            for r in records
        ],
        evidence=_evidence(pair, language, places),
        labels=labels,
    )


def _villages(evidence: tuple[FieldEvidence, ...]) -> set[str]:
    return {v for item in evidence if item.field == "area" for v in (item.left, item.right) if v}


def _shown(item: FieldEvidence, value: str | None, language: str, places: dict[str, str]) -> str:
    if value is None:
        return "—"
    if item.field == "sex" and value.isdigit():
        return value_label("sex", int(value), language)
    if item.field == "area":
        return places.get(value, value)
    return value


def _evidence(pair: ReviewPair, language: str, places: dict[str, str]) -> list[dict[str, object]]:
    """The evidence per field in words: labels, sexes, village names, the comparison level."""
    return [
        {
            "field": FIELD_LABELS.get(item.field, msg("Other field")),
            "left": _shown(item, item.left, language, places),
            "right": _shown(item, item.right, language, places),
            "level": labels.level(item.level),
            "weight": item.match_weight,
        }
        for item in pair.evidence
    ]


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
    ctx = request.app.state.ctx
    view = service.get_entity(ctx, principal, entity_id)
    places = wilayah.area_names(ctx, {m.village_code for m in view.members if m.village_code})
    names = {m.record_id: m.name for m in view.members}
    return render(
        request,
        "linkage/entity.html",
        active="linkage",
        entity=view,
        places=places,
        names=names,
        labels=labels,
    )


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
