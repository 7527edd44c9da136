"""The pages of case management (``docs/cases.md``): the inbox and the organisation's cases, opening a
case, a case as the viewer's relation allows with its forms, its assessment, plan and referral pages, who
viewed it, breaking the glass, and the dashboards. Every page goes through the cases service (relations,
views, audit); forms post with the CSRF token and show a refusal in the form itself.

The routes of the fixed paths (``/cases/new``, ``/cases/dashboard``, ``/cases/break-glass``) come before
``/cases/{case_id}``."""

from fastapi import APIRouter

from inklusi.cases.web import case, handovers, inbox, opening, planning

router = APIRouter(include_in_schema=False)
for part in (inbox, opening, planning, handovers, case):
    router.include_router(part.router)
