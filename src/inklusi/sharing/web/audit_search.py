"""An audit search for data stewards and privacy officers (``/sharing/audit``): who read a person's data
(every entry about them or their household, or naming them), for a handler whose ``subjects:manage``
covers where the person lives (a steward answers this for the people of their area, with the purpose
``subject_rights``, without reading the whole log); and what a partner's credential read in a window,
for ``audit:read`` only (a partner's reads cross every area: that is the nationwide breach report). The
auditor's full search stays at ``/audit``."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from inklusi.access.model import Permission
from inklusi.errors import Forbidden, Invalid, NotFound
from inklusi.i18n import msg
from inklusi.sharing import service
from inklusi.sharing.web.breach import BreachForm, breach_page_for
from inklusi.sharing.web.forms import show
from inklusi.sharing.web.subjects import Problems
from inklusi.web.pages import page_language
from inklusi.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)


@router.get("/sharing/audit")
def audit_search(
    request: Request,
    principal: PagePrincipal,
    form: Annotated[BreachForm, Query()],
    person: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    if form.partner.strip() or form.user.strip():
        return breach_page_for(request, principal, form, "sharing/audit_search.html")
    if not (principal.holds(Permission.subjects_manage) or principal.holds(Permission.audit_read)):
        raise Forbidden(msg("You may not search the audit log"))
    ctx = request.app.state.ctx
    subject = lines = problems = None
    asked = person.strip().replace(" ", "")
    if asked:
        try:
            if len(asked) == 16 and asked.isdigit():
                person_id = service.person_by_nik(ctx, principal, asked)
            else:
                try:
                    person_id = UUID(asked)
                except ValueError as error:
                    raise Invalid(msg("Give the person's NIK (16 digits) or their id")) from error
            subject, lines = service.person_log(ctx, principal, person_id)
        except (Invalid, NotFound, Forbidden) as error:
            problems = Problems.of(error, page_language(request))
    return show(
        request,
        "sharing/audit_search.html",
        status_code=problems.status if problems else 200,
        person=person,
        subject=subject,
        lines=lines,
        problems=problems,
        form=form,
        report=None,
    )
