"""The sharing pages (``docs/sharing.md``): agreements, partner credentials, released tables, data-subject
requests with their deadlines, the breach report. Every page goes through the sharing service."""

from fastapi import APIRouter

from inklusi.sharing.web import audit_search, breach, releases, subjects

router = APIRouter(include_in_schema=False)
for part in (releases, subjects, breach, audit_search):  # /sharing/subjects/new before /sharing/subjects/{id}
    router.include_router(part.router)
