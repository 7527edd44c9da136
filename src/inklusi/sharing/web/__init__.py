"""The sharing pages (``docs/sharing.md``): agreements, partner credentials, released tables, data-subject
requests with their deadlines, the breach report. Every page goes through the sharing service."""

from fastapi import APIRouter

from inklusi.sharing.web import agreements, audit_search, breach, clients, index, releases, subjects

router = APIRouter(include_in_schema=False)
# /sharing/subjects/new before /sharing/subjects/{id}
for part in (index, agreements, clients, releases, subjects, breach, audit_search):
    router.include_router(part.router)
