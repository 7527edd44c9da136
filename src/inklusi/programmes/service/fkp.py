"""Village deliberation (Forum Konsultasi Publik, FKP) over a frozen list: who met where and when, the
minutes, and a decision per household discussed: ``confirm`` (stays), ``remove`` (should not be on it),
``add`` (should be on it).

A decision that comes with ``changes`` (registry fields the meeting found wrong: a floor, a household
size…) becomes a registry change request (reviewed by a steward, never by its submitter, like any other);
a removal or addition without changes becomes a grievance (``inclusion`` or ``exclusion``) for a decider.
The list itself never changes: corrections reach the next list through the registry and the next
ranking. The meeting, its decisions, the requests and grievances are written in one transaction, each with
its audit entry; recording needs ``programmes:validate`` over the village (and ``registry:read`` there to
read or correct a household); errors name ``decisions[i].field``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.programmes import store
from inklusi.programmes.service import grievances
from inklusi.programmes.service.views import DecisionInput, DecisionView, MeetingInfo
from inklusi.registry import service as registry
from inklusi.wilayah.model import AreaLevel, level_of

DECISIONS = ("confirm", "remove", "add")
GRIEVANCE_OF = {"remove": "inclusion", "add": "exclusion"}
MAX_DECISIONS = 500


def _meeting(row: RowMapping, decisions: Sequence[RowMapping] = ()) -> MeetingInfo:
    return MeetingInfo(
        id=row["id"],
        list_id=row["list_id"],
        village_code=row["village_code"],
        held_on=row["held_on"],
        place=row["place"],
        attendance=tuple((a["name"], a["role"]) for a in json.loads(row["attendance"])),
        attendees=row["attendees"],
        minutes=row["minutes"],
        recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"],
        decisions=tuple(
            DecisionView(
                d["id"],
                d["household_id"],
                d["decision"],
                d["reason"],
                d["change_request_id"],
                d["grievance_id"],
            )
            for d in decisions
        ),
    )


def _check(
    village_code: str,
    held_on: date,
    place: str,
    attendance: Sequence[tuple[str, str]],
    minutes: str,
    decisions: Sequence[DecisionInput],
) -> list[Issue]:
    issues = grievances.check_text("place", place) + grievances.check_text("minutes", minutes)
    if level_of(village_code) is not AreaLevel.village:
        text = msg("{code} is not a village code", code=village_code)
        issues.append(Issue("village_code", "area.not_village", text))
    if held_on > date.today() + timedelta(days=1):
        text = msg("A meeting cannot be held in the future ({at})", at=held_on.isoformat())
        issues.append(Issue("held_on", "date.future", text))
    if not attendance:
        issues.append(Issue("attendance", "required", msg("{field} is required", field="attendance")))
    for i, (name, _role) in enumerate(attendance):
        issues += grievances.check_text(f"attendance[{i}].name", name)
    if len(decisions) > MAX_DECISIONS:
        text = msg("At most {n} decisions in one meeting", n=MAX_DECISIONS)
        issues.append(Issue("decisions", "too_many", text))
    for i, d in enumerate(decisions):
        if d.decision not in DECISIONS:
            text = msg("Unknown decision {decision}: use confirm, remove or add", decision=str(d.decision))
            issues.append(Issue(f"decisions[{i}].decision", "decision.unknown", text))
        issues += grievances.check_text(f"decisions[{i}].reason", d.reason)
    return issues


def _household_issues(
    conn: Connection, principal: Principal, list_id: UUID, village: str, decisions: Sequence[DecisionInput]
) -> list[Issue]:
    """Confirmed and removed households must be on the list in this village; added ones in the village
    (as the reader may read it) and not on it."""
    on_list = store.entries_of(conn, list_id, [d.household_id for d in decisions])
    scope = principal.scope(Permission.registry_read)
    issues = []
    for i, d in enumerate(decisions):
        field = f"decisions[{i}].household_id"
        entry = on_list.get(d.household_id)
        if d.decision in ("confirm", "remove") and (entry is None or entry["village_code"] != village):
            text = msg("Household {id} is not on the list in this village", id=str(d.household_id))
            issues.append(Issue(field, "household.not_listed", text))
        elif d.decision == "add":
            if entry is not None:
                text = msg("Household {id} is already on the list", id=str(d.household_id))
                issues.append(Issue(field, "household.listed", text))
                continue
            try:
                record = registry.household_record_in(conn, scope, d.household_id)
            except NotFound:
                record = None
            if record is None or record.dwelling.village_code != village:
                text = msg("Household {id} not found in this village", id=str(d.household_id))
                issues.append(Issue(field, "household.unknown", text))
    return issues


def record_meeting(
    ctx: Context,
    principal: Principal,
    list_id: UUID,
    village_code: str,
    *,
    held_on: date,
    place: str,
    attendance: Sequence[tuple[str, str]],
    minutes: str,
    decisions: Sequence[DecisionInput],
) -> MeetingInfo:
    """Record an FKP meeting over the list in a village, its decisions turned into change requests and
    grievances, in one transaction (nothing is written if any decision is wrong)."""
    principal.require(Permission.programmes_validate)
    if issues := _check(village_code, held_on, place, attendance, minutes, decisions):
        raise Invalid(msg("The meeting was not recorded"), issues)
    with ctx.transaction() as conn:
        listed = store.list_by_id(conn, list_id)
        if listed is None or not principal.can(Permission.programmes_validate, village_code):
            raise NotFound(msg("Beneficiary list {id} not found", id=str(list_id)))
        if issues := _household_issues(conn, principal, list_id, village_code, decisions):
            raise Invalid(msg("The meeting was not recorded"), issues)
        meeting_id = new_id()
        store.insert_meeting(
            conn,
            {
                "id": meeting_id,
                "list_id": list_id,
                "village_code": village_code,
                "held_on": held_on,
                "place": place.strip(),
                "attendance": json.dumps([{"name": n.strip(), "role": r.strip()} for n, r in attendance]),
                "attendees": len(attendance),
                "minutes": minutes.strip(),
                "recorded_by": principal.user_id,
                "recorded_at": utcnow(),
            },
        )
        rows, issues = [], []
        for i, d in enumerate(decisions):
            row, problems = _decide(
                ctx, conn, principal, meeting_id, listed, village_code, held_on, place, i, d
            )
            rows.append(row)
            issues += problems
        if issues:
            raise Invalid(msg("The meeting was not recorded"), issues)
        store.insert_decisions(conn, rows)
        counts = {kind: sum(1 for d in decisions if d.decision == kind) for kind in DECISIONS}
        event = Event(
            kind=events.FKP_MEETING,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            object_id=str(meeting_id),
            area_code=village_code,
            detail={
                "list": str(list_id),
                "village": village_code,
                "attendees": len(attendance),
                "decisions": counts,
                "change_requests": [str(r["change_request_id"]) for r in rows if r["change_request_id"]],
                "grievances": [str(r["grievance_id"]) for r in rows if r["grievance_id"]],
            },
        )
        audit.record(ctx, conn, event)
        return _read(conn, meeting_id)


def _decide(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    meeting_id: UUID,
    listed: RowMapping,
    village: str,
    held_on: date,
    place: str,
    index: int,
    decision: DecisionInput,
) -> tuple[dict[str, object], list[Issue]]:
    """One decision's row, after its change request or grievance is written (or what was wrong with it)."""
    row: dict[str, object] = {
        "id": new_id(),
        "meeting_id": meeting_id,
        "household_id": decision.household_id,
        "decision": decision.decision,
        "reason": decision.reason.strip(),
        "change_request_id": None,
        "grievance_id": None,
    }
    about = f"FKP {village} {held_on.isoformat()} ({place.strip()})"
    if decision.changes:
        try:
            request = registry.submit_change_request_in(
                ctx, conn, principal, "household", decision.household_id, decision.changes,
                reason=f"{about}: {decision.reason.strip()}", evidence=f"{about}, meeting {meeting_id}",
            )  # fmt: skip
        except Invalid as error:
            prefix = f"decisions[{index}].changes"
            issues = [Issue(f"{prefix}.{i.field}", i.code, i.text, i.severity) for i in error.issues]
            return row, issues or [Issue(prefix, error.slug, error.text)]
        except NotFound as error:
            return row, [Issue(f"decisions[{index}].household_id", "household.unknown", error.text)]
        row["change_request_id"] = request.id
    elif decision.decision in GRIEVANCE_OF:
        written = grievances.insert_in(
            ctx, conn, principal, decision.household_id, village, kind=GRIEVANCE_OF[decision.decision],
            statement=decision.reason, evidence=about, list_id=listed["id"], meeting_id=meeting_id,
        )  # fmt: skip
        row["grievance_id"] = written["id"]
    return row, []


def _read(conn: Connection, meeting_id: UUID) -> MeetingInfo:
    row = store.meeting_by_id(conn, meeting_id)
    if row is None:
        raise NotFound(msg("Meeting {id} not found", id=str(meeting_id)))
    return _meeting(row, store.decisions_of(conn, [meeting_id]))


def _audit_read(
    ctx: Context, conn: Connection, principal: Principal, list_id: UUID, found: list[MeetingInfo]
) -> None:
    for village in sorted({m.village_code for m in found}):
        households = [str(d.household_id) for m in found if m.village_code == village for d in m.decisions]
        event = Event(
            kind=events.PROGRAMME_LIST_READ,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            object_id=str(list_id),
            area_code=village,
            detail={"village": village, "households": households},
        )
        audit.record(ctx, conn, event)


def list_meetings(ctx: Context, principal: Principal, list_id: UUID) -> list[MeetingInfo]:
    """The list's meetings in the villages of the reader's scope (``programmes:read``), newest first; the
    households their decisions name are audited as a read of the list."""
    scope = principal.require(Permission.programmes_read)
    with ctx.transaction() as conn:
        if store.list_by_id(conn, list_id) is None:
            raise NotFound(msg("Beneficiary list {id} not found", id=str(list_id)))
        rows = store.meetings(conn, list_id, scope)
        decided = store.decisions_of(conn, [r["id"] for r in rows])
        found = [_meeting(r, [d for d in decided if d["meeting_id"] == r["id"]]) for r in rows]
        _audit_read(ctx, conn, principal, list_id, found)
    return found


def get_meeting(ctx: Context, principal: Principal, meeting_id: UUID) -> MeetingInfo:
    """One meeting with its decisions (``programmes:read`` over its village; otherwise not found)."""
    principal.require(Permission.programmes_read)
    with ctx.transaction() as conn:
        row = store.meeting_by_id(conn, meeting_id)
        if row is None or not principal.can(Permission.programmes_read, row["village_code"]):
            raise NotFound(msg("Meeting {id} not found", id=str(meeting_id)))
        found = _meeting(row, store.decisions_of(conn, [meeting_id]))
        _audit_read(ctx, conn, principal, row["list_id"], [found])
    return found
