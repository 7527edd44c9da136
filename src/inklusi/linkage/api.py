"""``/api/v1/linkage``: runs, the review queue with evidence, decisions, entities, merge and unmerge.

Reads answer only for records inside the caller's area scope (404 otherwise); decisions need
``registry:write`` for the records' areas; runs need it nationwide. Every read and decision is audited.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from inklusi.api import ContextDep, PrincipalDep
from inklusi.linkage import service
from inklusi.linkage.model import DecisionKind, EntityKind, ReviewPair
from inklusi.linkage.schemas import (
    DecisionId,
    DecisionRequest,
    EntityId,
    MergeRequest,
    RunRequest,
    UnmergeRequest,
)

router = APIRouter(prefix="/linkage", tags=["linkage"])


@router.post("/runs")
def run(ctx: ContextDep, principal: PrincipalDep, request: RunRequest) -> service.RunSummary:
    """Run person and household linkage over the registry (full, or incremental for new persons)."""
    runner = service.link_new_persons if request.incremental else service.link_registry
    return runner(ctx, principal, settings=request.settings)


@router.get("/runs")
def runs(
    ctx: ContextDep, principal: PrincipalDep, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[dict]:
    return service.list_runs(ctx, principal, limit)


@router.get("/queue")
def queue(
    ctx: ContextDep,
    principal: PrincipalDep,
    kind: EntityKind = EntityKind.person,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> service.Queue:
    """Pairs waiting for a steward, the most doubtful first, each with its evidence per field."""
    return service.review_queue(ctx, principal, kind=kind, limit=limit, offset=offset)


@router.get("/pairs/{pair_id}")
def pair(ctx: ContextDep, principal: PrincipalDep, pair_id: UUID) -> ReviewPair:
    return service.get_pair(ctx, principal, pair_id)


@router.post("/pairs/{pair_id}/decision")
def decide(ctx: ContextDep, principal: PrincipalDep, pair_id: UUID, request: DecisionRequest) -> DecisionId:
    """Same person (entities merge) or not (the records are kept apart from now on)."""
    decision = service.decide(ctx, principal, pair_id, DecisionKind(request.decision), request.note)
    return DecisionId(decision_id=decision)


@router.get("/entities/{entity_id}")
def entity(ctx: ContextDep, principal: PrincipalDep, entity_id: UUID) -> service.EntityView:
    return service.get_entity(ctx, principal, entity_id)


@router.get("/records/{kind}/{record_id}")
def entity_of_record(ctx: ContextDep, principal: PrincipalDep, kind: EntityKind, record_id: UUID) -> EntityId:
    """The entity a registry person (or household) belongs to now."""
    return EntityId(entity_id=service.entity_of_record(ctx, principal, kind, record_id))


@router.post("/entities/merge")
def merge(ctx: ContextDep, principal: PrincipalDep, request: MergeRequest) -> EntityId:
    kept = service.merge_entities(ctx, principal, request.first, request.second, request.note)
    return EntityId(entity_id=kept)


@router.post("/entities/{entity_id}/unmerge")
def unmerge(ctx: ContextDep, principal: PrincipalDep, entity_id: UUID, request: UnmergeRequest) -> EntityId:
    created = service.unmerge(ctx, principal, entity_id, request.records, request.note)
    return EntityId(entity_id=created)
