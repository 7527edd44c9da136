"""``/sharing``: the data-sharing pages' start — agreements, partner credentials, released tables,
data-subject requests, the breach report and the audit search — each link shown to whoever may open it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from inklusi.access.model import Permission
from inklusi.errors import Forbidden
from inklusi.i18n import msg
from inklusi.sharing.web.forms import show
from inklusi.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)
ANY_SHARING = (Permission.sharing_read, Permission.subjects_manage, Permission.audit_read)


@router.get("/sharing")
def index(request: Request, principal: PagePrincipal) -> Response:
    if not any(principal.holds(p) for p in ANY_SHARING):
        raise Forbidden(msg("You may not see data-sharing agreements"))
    read, subjects, audit = Permission.sharing_read, Permission.subjects_manage, Permission.audit_read
    links = [
        (
            "/sharing/agreements",
            msg("Agreements"),
            msg("Partners, what they may see and do, approvals"),
            read,
        ),
        ("/sharing/clients", msg("Partner credentials"), msg("Issue once, rotate, revoke"), read),
        (
            "/sharing/releases",
            msg("Released tables"),
            msg("Protected aggregates and the privacy budget"),
            read,
        ),
        (
            "/sharing/subjects",
            msg("Data-subject requests"),
            msg("Requests of the people in the registry"),
            subjects,
        ),
        ("/sharing/breach", msg("Breach report"), msg("Whose data a credential or user read"), audit),
        ("/sharing/audit", msg("Audit search"), msg("Partner reads in the audit log"), audit),
    ]
    shown = [(href, title, text) for href, title, text, permission in links if principal.holds(permission)]
    return show(request, "sharing/index.html", links=shown)
