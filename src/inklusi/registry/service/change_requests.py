"""Change requests between rounds: anyone who may read a record proposes a correction with a reason and
evidence; a reviewer with write rights over the area applies it (a new version, in the same transaction
as the decision) or rejects it with a reason. Nobody decides their own request. Everything is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import get_type_hints
from uuid import UUID

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import Connection

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event, EventKind
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.registry.model import ChangeRequest, Dwelling, PersonData, RequestStatus
from inklusi.registry.service.changes import (
    change_household,
    change_person,
    person_in_reach,
    revised_dwelling,
    revised_person,
)
from inklusi.registry.service.guards import Written, raise_if_errors, refusals_as_conflicts, require_write
from inklusi.registry.store import change_requests as requests
from inklusi.registry.store import versions as store

SOURCE = "change_request"
NOTE_LENGTH = 2000
TARGETS: dict[str, type] = {"household": Dwelling, "person": PersonData}


def submit_change_request(
    ctx: Context,
    principal: Principal,
    target_type: str,
    target_id: UUID,
    changes: Mapping[str, object],
    *,
    reason: str,
    evidence: str,
) -> ChangeRequest:
    """Propose ``changes`` (field → new value, as a form or JSON gives them) to a household or person."""
    with ctx.transaction() as conn:
        return submit_change_request_in(
            ctx, conn, principal, target_type, target_id, changes, reason=reason, evidence=evidence
        )


def submit_change_request_in(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    target_type: str,
    target_id: UUID,
    changes: Mapping[str, object],
    *,
    reason: str,
    evidence: str,
) -> ChangeRequest:
    """:func:`submit_change_request` inside the caller's transaction (a village deliberation's decisions
    become requests in the transaction that records the meeting), with its own audit entry."""
    now = utcnow()
    issues = _required_text(reason=reason, evidence=evidence)
    typed, parse_issues = parse_changes(target_type, changes)
    household_id, village, current = _target(conn, principal, target_type, target_id)
    if target_type == "household":
        _, check_issues = revised_dwelling(ctx, current, typed)
    else:
        _, check_issues = revised_person(current, typed, now.date())
    raise_if_errors(issues + parse_issues + check_issues, msg("The change request was not submitted"))
    differing = {k: v for k, v in typed.items() if getattr(current, k) != v}
    if not differing:
        raise Invalid(msg("The request changes nothing: every value is already in the registry"))
    row = {
        "id": new_id(),
        "target_type": target_type,
        "target_id": target_id,
        "household_id": household_id,
        "village_code": village,
        "changes": _as_json(target_type, differing),
        "reason": reason.strip(),
        "evidence": evidence.strip(),
        "status": RequestStatus.submitted.value,
        "submitted_by": principal.user_id,
        "submitted_by_name": principal.display_name,
        "organisation_id": principal.organisation_id,
        "submitted_at": now,
    }
    requests.insert(conn, row)
    _audit(
        ctx,
        conn,
        principal,
        events.CHANGE_REQUEST_SUBMIT,
        row["id"],
        village,
        fields=sorted(differing),
    )
    return requests.written(conn, row["id"])


def change_request_queue(
    ctx: Context,
    principal: Principal,
    *,
    status: RequestStatus | None = RequestStatus.submitted,
    mine: bool = False,
    limit: int = 100,
) -> list[ChangeRequest]:
    """Requests to review (in the areas where the caller may write), or the caller's own (``mine``)."""
    if mine:
        scope = principal.require(Permission.registry_read)
    else:
        scope = principal.require(Permission.registry_write, msg("You may not review change requests"))
    with ctx.transaction() as conn:
        found = requests.listing(
            conn, scope, status=status, submitted_by=principal.user_id if mine else None, limit=limit
        )
        event = Event(
            kind=events.CHANGE_REQUEST_LIST,
            actor=principal.actor,
            purpose=Purpose.data_stewardship,
            detail={"status": status.value if status else None, "mine": mine, "count": len(found)},
        )
        audit.record(ctx, conn, event)
        return found


def get_change_request(ctx: Context, principal: Principal, request_id: UUID) -> ChangeRequest:
    """One request, with the registry's current values of the fields it changes and, once it is applied,
    the values it replaced."""
    with ctx.transaction() as conn:
        request = _visible(conn, principal, request_id)
        current = _current_values(conn, request)
        replaced = _replaced_values(conn, request)
        _audit(ctx, conn, principal, events.CHANGE_REQUEST_READ, request_id, request.village_code)
        return replace(request, current=current, replaced=replaced)


def decide_change_request(
    ctx: Context, principal: Principal, request_id: UUID, *, approve: bool, note: str | None = None
) -> ChangeRequest:
    """Apply the request (a new version of its target) or reject it; ``note`` is required to reject."""
    now = utcnow()
    note = (note or "").strip() or None
    if not approve and note is None:
        text = msg("Say why the request is rejected")
        raise Invalid(text, [Issue("note", "required", text)])
    if note is not None and len(note) > NOTE_LENGTH:
        text = msg("The note is too long: at most 2,000 characters")
        raise Invalid(text, [Issue("note", "length", text)])
    with ctx.transaction() as conn, refusals_as_conflicts():
        request = _visible(conn, principal, request_id)
        require_write(principal, request.village_code)
        if request.submitted_by_user(principal.user_id):
            raise Forbidden(msg("Someone else must decide on your own change request"))
        if request.status is not RequestStatus.submitted:
            raise Conflict(msg("This request was already decided"))
        version_id = None
        if approve:
            typed, issues = parse_changes(request.target_type, request.changes)
            raise_if_errors(issues, msg("The change request can no longer be applied"))
            written = Written(principal, SOURCE, request.id, now, now)
            change = change_household if request.target_type == "household" else change_person
            version_id = change(ctx, conn, written, request.target_id, typed)
        status = RequestStatus.applied if approve else RequestStatus.rejected
        if not requests.decide(
            conn,
            request_id,
            status,
            decided_by=principal.user_id,
            decided_at=now,
            note=note,
            applied_version_id=version_id,
        ):
            raise Conflict(msg("This request was already decided"))
        decided = events.CHANGE_REQUEST_APPLIED if approve else events.CHANGE_REQUEST_REJECTED
        _audit(ctx, conn, principal, decided, request_id, request.village_code)
        return requests.written(conn, request_id)


def may_decide(principal: Principal, request: ChangeRequest) -> bool:
    """Whether :func:`decide_change_request` would let the principal decide the request now: it waits, its
    target is in an area where they may change the registry, and it is not their own (pages ask this to
    offer the decision or not)."""
    return (
        request.status is RequestStatus.submitted
        and principal.can(Permission.registry_write, request.village_code)
        and not request.submitted_by_user(principal.user_id)
    )


def parse_changes(target_type: str, changes: Mapping[str, object]) -> tuple[dict[str, object], list[Issue]]:
    """Typed values of ``changes``; an empty text means "no value". Unknown fields and unreadable values are
    issues, one per field."""
    if target_type not in TARGETS:
        text = msg("Changes can be requested for a household or a person, not {kind}", kind=target_type)
        return {}, [Issue("target_type", "choice", text)]
    adapters = _adapters(target_type)
    typed: dict[str, object] = {}
    issues: list[Issue] = []
    for name, value in changes.items():
        if name not in adapters:
            issues.append(Issue(name, "field.unknown", msg("Unknown field: {error}", error=name)))
            continue
        try:
            typed[name] = adapters[name].validate_python(None if value == "" else value)
        except ValidationError:
            text = msg("{field}: {value} is not a valid value", field=name, value=str(value))
            issues.append(Issue(name, "type", text))
    if not changes:
        issues.append(Issue("changes", "required", msg("Name at least one field to change")))
    return typed, issues


@cache
def _adapters(target_type: str) -> dict[str, TypeAdapter]:
    hints = get_type_hints(TARGETS[target_type])
    return {name: TypeAdapter(hint) for name, hint in hints.items()}


def _as_json(target_type: str, typed: Mapping[str, object]) -> dict[str, object]:
    adapters = _adapters(target_type)
    return {name: adapters[name].dump_python(value, mode="json") for name, value in typed.items()}


def _required_text(reason: str, evidence: str) -> list[Issue]:
    issues = []
    if not (reason or "").strip():
        issues.append(Issue("reason", "required", msg("Say why the data should change")))
    if not (evidence or "").strip():
        text = msg("Name the evidence: a document, a letter, a home visit")
        issues.append(Issue("evidence", "required", text))
    return issues


def _target(conn: Connection, principal: Principal, target_type: str, target_id: UUID):
    """(household id, village, current dwelling or person) of a target the principal may read."""
    if target_type == "person":
        person_in_reach(conn, principal, target_id)
        membership, village = store.person_location(conn, target_id, None)
        family = store.version_at(conn, "family", membership["family_id"]) if membership else None
        if family is None:  # between two families: in no household, so nothing to change here
            raise NotFound(msg("Person {id} not found", id=str(target_id)))
        household_id = family["household_id"]
        return household_id, village, _current(conn, target_type, target_id)
    household = store.household_at(conn, target_id, None, principal.scope(Permission.registry_read))
    if household is None:
        raise NotFound(msg("Household {id} not found", id=str(target_id)))
    return target_id, household["village_code"], store.to_dwelling(household)


def _current(conn: Connection, target_type: str, target_id: UUID) -> Dwelling | PersonData | None:
    row = store.version_at(conn, target_type, target_id)
    if row is None:
        return None
    if target_type == "household":
        return store.to_dwelling(row)
    programmes = store.programmes_of(conn, "person", [row["version_id"]])[row["version_id"]]
    return store.to_person(row, programmes)


def _visible(conn: Connection, principal: Principal, request_id: UUID) -> ChangeRequest:
    request = requests.get(conn, request_id)
    if request is None or not principal.can(Permission.registry_read, request.village_code):
        raise NotFound(msg("Change request {id} not found", id=str(request_id)))
    return request


def _current_values(conn: Connection, request: ChangeRequest) -> dict[str, object]:
    """What the registry holds now in the fields the request changes (nothing if the target has ended)."""
    current = _current(conn, request.target_type, request.target_id)
    if current is None:
        return {}
    values = {name: getattr(current, name) for name in request.changes}
    return _as_json(request.target_type, values)


def _replaced_values(conn: Connection, request: ChangeRequest) -> dict[str, object]:
    """What the fields held just before the request was applied (nothing while it waits or if rejected)."""
    if request.status is not RequestStatus.applied or request.applied_version_id is None:
        return {}
    row = requests.replaced_version(conn, request)
    if row is None:
        return {}
    if request.target_type == "household":
        before: Dwelling | PersonData = store.to_dwelling(row)
    else:
        programmes = store.programmes_of(conn, "person", [row["version_id"]])[row["version_id"]]
        before = store.to_person(row, programmes)
    return _as_json(request.target_type, {name: getattr(before, name) for name in request.changes})


def _audit(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    kind: EventKind,
    request_id: UUID,
    village: str,
    **detail: object,
) -> None:
    event = Event(
        kind=kind,
        actor=principal.actor,
        purpose=Purpose.data_stewardship,
        object_id=str(request_id),
        area_code=village,
        detail=detail,
    )
    audit.record(ctx, conn, event)
