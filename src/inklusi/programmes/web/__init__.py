"""The programme pages (``docs/programmes.md``): the programmes and their scenario builder, scenarios
compared, beneficiary lists with their exports and each village's FKP meeting page, and the grievance queue.
Every page goes through the programmes service (permissions, scope, audit); forms post with the CSRF token
and show a refusal in the form itself.

The routes of fixed paths (``/programmes/compare``, ``/programmes/lists``) come before
``/programmes/{name}``."""

from fastapi import APIRouter

from inklusi.programmes.web import catalogue, compare, grievances, lists, meetings

router = APIRouter(include_in_schema=False)
for part in (compare, lists, meetings, grievances, catalogue):
    router.include_router(part.router)
