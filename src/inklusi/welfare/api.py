"""``/api/v1/welfare``: a household's rank, its explanation and history; runs, models and decile movements.

Reads of a household are audited and limited to the caller's area scope (404 outside it). Training and
ranking are batch jobs of the command line (``inklusi welfare train|rank``), not HTTP calls.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from inklusi.api import ContextDep, LanguageDep, PrincipalDep, PurposeDep
from inklusi.welfare import service
from inklusi.welfare.model import Explanation, HouseholdRank, ModelInfo, RunInfo

router = APIRouter(prefix="/welfare", tags=["welfare"])


class ContributionOut(BaseModel):
    proxy: str
    group: str
    label: str
    value: str
    contribution: float
    percent: float
    text: str


class ExplanationOut(BaseModel):
    rank: HouseholdRank
    baseline: float
    score: float
    data_changed: bool
    contributions: list[ContributionOut]

    @classmethod
    def of(cls, explanation: Explanation) -> ExplanationOut:
        return cls(
            rank=explanation.rank,
            baseline=explanation.baseline,
            score=explanation.score,
            data_changed=explanation.data_changed,
            contributions=[
                ContributionOut(
                    proxy=c.proxy,
                    group=c.group,
                    label=c.label,
                    value=c.value,
                    contribution=c.contribution,
                    percent=c.percent,
                    text=c.describe(),
                )
                for c in explanation.contributions
            ],
        )


class MovementOut(BaseModel):
    from_run: UUID
    to_run: UUID
    matrix: list[list[int]]
    stayed: int
    moved_up: int
    moved_down: int
    entered: int
    left: int


class DecileOut(BaseModel):
    decile: int
    households: int
    people: int


@router.get("/households/{household_id}")
def household_rank(
    ctx: ContextDep, principal: PrincipalDep, purpose: PurposeDep, household_id: UUID, run: UUID | None = None
) -> HouseholdRank:
    return service.household_rank(ctx, principal, household_id, run_id=run, purpose=purpose)


@router.get("/households/{household_id}/explanation")
def household_explanation(
    ctx: ContextDep,
    principal: PrincipalDep,
    purpose: PurposeDep,
    language: LanguageDep,
    household_id: UUID,
    run: UUID | None = None,
) -> ExplanationOut:
    found = service.explain_household(
        ctx, principal, household_id, run_id=run, language=language, purpose=purpose
    )
    return ExplanationOut.of(found)


@router.get("/households/{household_id}/history")
def household_history(
    ctx: ContextDep, principal: PrincipalDep, purpose: PurposeDep, household_id: UUID
) -> list[HouseholdRank]:
    return service.rank_history(ctx, principal, household_id, purpose=purpose)


@router.get("/runs")
def runs(ctx: ContextDep, principal: PrincipalDep) -> list[RunInfo]:
    """Ranking runs, newest first (no personal data; any logged-in user)."""
    return service.list_runs(ctx)


@router.get("/runs/latest/deciles")
def deciles(ctx: ContextDep, principal: PrincipalDep, run: UUID | None = None) -> list[DecileOut]:
    """Households and people per national decile inside the caller's scope."""
    return [
        DecileOut(decile=d, households=h, people=p) for d, h, p in service.decile_summary(ctx, principal, run)
    ]


@router.get("/movements")
def movements(
    ctx: ContextDep, principal: PrincipalDep, from_run: UUID | None = None, to_run: UUID | None = None
) -> MovementOut:
    moved = service.movements(ctx, principal, from_run=from_run, to_run=to_run)
    return MovementOut(
        from_run=moved.from_run,
        to_run=moved.to_run,
        matrix=[list(row) for row in moved.matrix],
        stayed=moved.stayed,
        moved_up=moved.moved_up,
        moved_down=moved.moved_down,
        entered=moved.entered,
        left=moved.left,
    )


@router.get("/models")
def models(ctx: ContextDep, principal: PrincipalDep) -> list[ModelInfo]:
    return service.list_models(ctx)
