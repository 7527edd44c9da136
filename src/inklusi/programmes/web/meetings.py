"""A village's FKP page (``/programmes/lists/{id}/villages/{code}``): the list's households in the village
(named: ``registry:read`` over the village, audited by the service), the meetings held on it with their
decisions, and — for holders of ``programmes:validate`` — the meeting form: date, place, attendance, minutes,
and per household confirm or remove (with a reason, and a correction of the registry that becomes a change
request), plus households to add. A remove or an add without a correction becomes a grievance."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission, Principal
from inklusi.errors import Conflict, Invalid, Issue
from inklusi.i18n import Language, msg
from inklusi.programmes import service
from inklusi.programmes.service import DecisionInput
from inklusi.programmes.web.forms import FormDep, Posted, Problems
from inklusi.programmes.web.results import rupiah
from inklusi.registry import labels
from inklusi.registry.model import REQUESTABLE_FIELDS
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)
ATTENDANCE_ROWS = 8
ADDED_ROWS = 3
DECISION_FIELD = re.compile(r"^decisions\[(\d+)\](.*)$")


def _correctable(language: Language) -> list[tuple[str, str]]:
    return [(name, labels.field_label(name, language)) for name in REQUESTABLE_FIELDS["household"]]


def show_village(
    request: Request,
    principal: Principal,
    list_id: UUID,
    code: str,
    *,
    problems: Problems | None = None,
    recorded: UUID | None = None,
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    found = service.get_list(ctx, principal, list_id)
    entries = service.list_entries(ctx, principal, list_id, code)
    meetings = [m for m in service.list_meetings(ctx, principal, list_id) if m.village_code == code]
    heads = {e.household_id: e.head_name for e in entries}
    return render(
        request,
        "programmes/village.html",
        status_code=problems.status if problems else 200,
        active="programmes",
        found=found,
        code=code,
        village=wilayah.area_names(ctx, {code}).get(code, code),
        entries=entries,
        meetings=meetings,
        heads=heads,
        recorded=recorded,
        problems=problems,
        posted=problems.posted if problems else {},
        correctable=_correctable(language),
        attendance_rows=range(ATTENDANCE_ROWS),
        added_rows=range(ADDED_ROWS),
        today=date.today().isoformat(),
        may_record=principal.can(Permission.programmes_validate, code),
        may_grieve=principal.holds(Permission.grievances_submit),
        rupiah=lambda value: rupiah(value, language),
    )


@router.get("/programmes/lists/{list_id}/villages/{code}")
def village_page(
    request: Request, principal: PagePrincipal, list_id: UUID, code: str, recorded: UUID | None = None
) -> Response:
    return show_village(request, principal, list_id, code, recorded=recorded)


def read_meeting(posted: Posted, households: list[UUID]) -> dict[str, Any]:
    """The meeting form as the service takes it: attendance rows with a name, one decision per household
    given one (a correction of one field as ``changes``), and the rows of households to add."""
    try:
        held_on = date.fromisoformat(posted.text("held_on"))
    except ValueError:
        held_on = None
        posted.issues.append(Issue("held_on", "invalid", msg("Give a date")))
    attendance = []
    for i in range(ATTENDANCE_ROWS):
        name, role = posted.text(f"attendee_name.{i}", 200), posted.text(f"attendee_role.{i}", 200)
        if name:
            attendance.append((name, role))
    decisions = []
    for household_id in households:
        decision = posted.text(f"decision.{household_id}")
        if decision not in ("confirm", "remove"):
            continue
        field, value = posted.text(f"field.{household_id}"), posted.text(f"value.{household_id}", 500)
        changes = {field: value} if field and value else None
        reason = posted.text(f"reason.{household_id}", 2000)
        decisions.append(DecisionInput(household_id, decision, reason, changes))  # type: ignore[arg-type]
    for i in range(ADDED_ROWS):
        raw = posted.text(f"add_household.{i}")
        if not raw:
            continue
        try:
            added = UUID(raw)
        except ValueError:
            posted.issues.append(
                Issue(f"add_household.{i}", "invalid", msg("{value} is not a household id", value=raw))
            )
            continue
        decisions.append(DecisionInput(added, "add", posted.text(f"add_reason.{i}", 2000), None))
    posted.check()
    return {
        "held_on": held_on,
        "place": posted.text("place", 500),
        "attendance": attendance,
        "minutes": posted.text("minutes", 20_000),
        "decisions": decisions,
    }


@router.post("/programmes/lists/{list_id}/villages/{code}/meetings", dependencies=[Depends(require_csrf)])
def record_meeting(
    request: Request, principal: PagePrincipal, list_id: UUID, code: str, form: FormDep
) -> Response:
    ctx = request.app.state.ctx
    households = [UUID(h) for h in form.getlist("household") if isinstance(h, str) and _is_id(h)]
    meeting_form: dict[str, Any] = {}
    try:
        meeting_form = read_meeting(Posted(form), households)
        meeting = service.record_meeting(ctx, principal, list_id, code, **meeting_form)
    except (Invalid, Conflict) as error:
        decided = [str(d.household_id) for d in meeting_form.get("decisions", ())]

        def rename(field: str) -> str:  # decisions[2].reason → reason.<household id>, the form's field
            match = DECISION_FIELD.match(field)
            if not match or int(match.group(1)) >= len(decided):
                return field
            return f"{match.group(2).lstrip('.') or 'decision'}.{decided[int(match.group(1))]}"

        problems = Problems.of(error, page_language(request), form, rename=rename)
        return show_village(request, principal, list_id, code, problems=problems)
    return RedirectResponse(
        f"/programmes/lists/{list_id}/villages/{code}?recorded={meeting.id}#meeting-{meeting.id}",
        status_code=303,
    )


def _is_id(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True
