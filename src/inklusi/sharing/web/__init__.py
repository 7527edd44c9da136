"""The sharing pages (``docs/sharing.md``): agreements, partner credentials, released tables, data-subject
requests with their deadlines, the breach report. Every page goes through the sharing service."""

from fastapi import APIRouter

from inklusi.sharing.web import agreements, clients, index

router = APIRouter(include_in_schema=False)
for part in (index, agreements, clients):
    router.include_router(part.router)
