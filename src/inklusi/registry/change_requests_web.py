"""Change-request pages: propose a correction from a household or person page, the review queue, and
the review itself (requested against current values; apply or reject with a reason)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission, Principal
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.registry import labels
from inklusi.registry import service as registry
from inklusi.registry.checks import DWELLING_CODES, PERSON_CODES
from inklusi.registry.codelists import codelist
from inklusi.registry.model import REQUESTABLE_FIELDS, RequestStatus
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)

CODED = {**DWELLING_CODES, **PERSON_CODES}
STATUS_LABELS = {
    RequestStatus.submitted: msg("waiting for review"),
    RequestStatus.applied: msg("applied"),
    RequestStatus.rejected: msg("rejected"),
}


def _fields(target_type: str, values: dict[str, object], language: str) -> list[dict[str, object]]:
    """The form's inputs: a choice for coded fields, a date or text for the rest."""
    rows: list[dict[str, object]] = []
    for name in REQUESTABLE_FIELDS[target_type]:
        value = values.get(name)
        options = None
        if name in CODED and not (found := codelist(CODED[name])).flags:  # sums of flags are typed
            entries = {**found.codes, **(found.special or {})}
            options = [(str(key), code.label(language)) for key, code in entries.items()]
        rows.append(
            {
                "name": name,
                "label": labels.field_label(name, language),
                "value": _shown(name, value),
                "options": options,
                "kind": "date" if name == "birth_date" else "text",
            }
        )
    return rows


def _shown(name: str, value: Any) -> str:
    """A value as the form shows it (and sends it back when the user leaves it alone)."""
    if value is None:
        return ""
    if name in CODED and not isinstance(value, str):
        return str(int(value))
    return str(value)


def _current(request: Request, principal: Principal, target_type: str, target_id: UUID) -> dict[str, object]:
    ctx = request.app.state.ctx
    if target_type == "household":
        return asdict(registry.get_household(ctx, principal, target_id).dwelling)
    return asdict(registry.get_person(ctx, principal, target_id).data)


@router.get("/households/{target_id}/change-request")
def household_request_form(request: Request, principal: PagePrincipal, target_id: UUID) -> Response:
    return _form(request, "household", target_id, _current(request, principal, "household", target_id))


@router.get("/persons/{target_id}/change-request")
def person_request_form(request: Request, principal: PagePrincipal, target_id: UUID) -> Response:
    return _form(request, "person", target_id, _current(request, principal, "person", target_id))


def _form(request, target_type, target_id, values, *, reason="", evidence="", issues=(), status_code=200):
    language = page_language(request)
    return render(
        request,
        "registry/change_request_form.html",
        status_code=status_code,
        active="requests",
        target_type=target_type,
        target_id=target_id,
        fields=_fields(target_type, values, language),
        reason=reason,
        evidence=evidence,
        issues={issue.field: issue.text.render(language) for issue in issues},
        summary=[issue.text.render(language) for issue in issues],
    )


@router.post("/households/{target_id}/change-request", dependencies=[Depends(require_csrf)])
async def submit_household_request(request: Request, principal: PagePrincipal, target_id: UUID) -> Response:
    return await _submit(request, principal, "household", target_id)


@router.post("/persons/{target_id}/change-request", dependencies=[Depends(require_csrf)])
async def submit_person_request(request: Request, principal: PagePrincipal, target_id: UUID) -> Response:
    return await _submit(request, principal, "person", target_id)


async def _submit(request: Request, principal: Principal, target_type: str, target_id: UUID) -> Response:
    """Only the fields the user changed become the request; the form is shown again on any problem."""
    form = await request.form()
    reason, evidence = str(form.get("reason", ""))[:2000], str(form.get("evidence", ""))[:2000]
    posted = {name: str(form.get(name, "")) for name in REQUESTABLE_FIELDS[target_type] if name in form}
    current = _current(request, principal, target_type, target_id)
    shown = {
        name: value["value"] for value in _fields(target_type, current, "id") for name in [value["name"]]
    }
    changes = {name: value for name, value in posted.items() if value.strip() != shown[name]}
    try:
        created = registry.submit_change_request(
            request.app.state.ctx,
            principal,
            target_type,
            target_id,
            changes,
            reason=reason,
            evidence=evidence,
        )
    except Invalid as error:
        issues = error.issues or (Issue("", "invalid", error.text),)
        values = {**current, **posted}
        return _form(
            request, target_type, target_id, values, reason=reason, evidence=evidence, issues=issues,
            status_code=422,
        )  # fmt: skip
    return RedirectResponse(f"/change-requests/{created.id}", status_code=303)


@router.get("/change-requests")
def queue(
    request: Request, principal: PagePrincipal, mine: bool = False, status: str = "submitted"
) -> Response:
    ctx = request.app.state.ctx
    reviewer = principal.holds(Permission.registry_write)
    mine = mine or not reviewer
    chosen = RequestStatus(status) if status in RequestStatus.__members__ else None
    found = registry.change_request_queue(ctx, principal, status=chosen, mine=mine)
    places = wilayah.area_names(ctx, {r.village_code for r in found})
    return render(
        request,
        "registry/change_requests.html",
        active="requests",
        requests=found,
        places=places,
        mine=mine,
        reviewer=reviewer,
        status=status,
        statuses=list(RequestStatus),
        status_labels=STATUS_LABELS,
        labels=labels,
    )


@router.get("/change-requests/{request_id}")
def review(request: Request, principal: PagePrincipal, request_id: UUID) -> Response:
    return _review(request, principal, request_id)


def _review(
    request: Request,
    principal: Principal,
    request_id: UUID,
    *,
    note: str = "",
    error: Invalid | None = None,
    status_code: int = 200,
) -> Response:
    """The request against the values it is compared with: the registry's now while it waits (or was
    rejected), the values it replaced once applied (the registry may have moved on since)."""
    ctx = request.app.state.ctx
    language = page_language(request)
    found = registry.get_change_request(ctx, principal, request_id)
    before = found.replaced if found.status is RequestStatus.applied else found.current
    rows = [
        (
            labels.field_label(name, language),
            labels.value_label(name, before.get(name), language),
            labels.value_label(name, value, language),
        )
        for name, value in found.changes.items()
    ]
    issues = {issue.field: issue.text.render(language) for issue in error.issues} if error else {}
    return render(
        request,
        "registry/change_request.html",
        status_code=status_code,
        active="requests",
        found=found,
        rows=rows,
        place=wilayah.get_with_ancestors(ctx, found.village_code),
        decidable=registry.may_decide(principal, found),
        status_labels=STATUS_LABELS,
        # a problem with the note is told beside it; anything else above the form
        error=error.text.render(language) if error and set(issues) != {"note"} else None,
        other_issues=[text for field, text in issues.items() if field != "note"],
        note_issue=issues.get("note"),
        note=note,
    )


@router.post("/change-requests/{request_id}/decision", dependencies=[Depends(require_csrf)])
def decide(
    request: Request,
    principal: PagePrincipal,
    request_id: UUID,
    decision: Annotated[str, Form(pattern="^(apply|reject)$")],
    note: Annotated[str, Form()] = "",
) -> Response:
    """A problem (no note to reject, a note too long, a request that can no longer be applied) shows the
    review again with the reason beside the note, and the note as it was typed."""
    try:
        registry.decide_change_request(
            request.app.state.ctx, principal, request_id, approve=decision == "apply", note=note
        )
    except Invalid as error:
        return _review(request, principal, request_id, note=note, error=error, status_code=422)
    return RedirectResponse(f"/change-requests/{request_id}", status_code=303)
