"""The welfare pages: the welfare section of the household page, and the planner's pages — the ranking runs
(model, out-of-fold metrics, targeting report), the national deciles of an area's households by child area
(a map and a table), the movements between two runs by child area, and the export of an area's ranked
households. Every page reads through the welfare service (scope, permissions, audit)."""

from fastapi import APIRouter

from inklusi.welfare.web import areas, household, runs

router = APIRouter(include_in_schema=False)
for part in (household, runs, areas):
    router.include_router(part.router)
