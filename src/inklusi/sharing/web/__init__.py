"""The sharing pages (``docs/sharing.md``): agreements, partner credentials, released tables, data-subject
requests with their deadlines, the breach report. Every page goes through the sharing service."""

from fastapi import APIRouter

from inklusi.sharing.web import releases

router = APIRouter(include_in_schema=False)
router.include_router(releases.router)
