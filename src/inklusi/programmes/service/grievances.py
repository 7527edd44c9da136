"""Grievances: a complaint about a household's ranking, its exclusion from a list or its inclusion in one.

Anyone holding ``grievances:submit`` over the household's village (who may read it in the registry) submits
one; a village deliberation (FKP) meeting opens one for each removal or addition it cannot settle with a
registry correction (:mod:`.fkp`). A decider (``grievances:decide`` over the village, never the submitter)
reads it with the household's welfare explanation (why it has its score: the welfare slice's own audited
read) and upholds or dismisses it with a note; either way they may ask for a **re-assessment**: the
household is visited again, its registry record corrected (a change request or the next enumeration round)
and it is ranked again. :func:`reassessment_queue` lists the households asked for and not yet ranked by a
welfare run taken after the decision. Submitting, reading and deciding are audited."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

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
from inklusi.programmes import store
from inklusi.programmes.service.lists import entry_view
from inklusi.programmes.service.views import GrievanceInfo, GrievanceView
from inklusi.registry import service as registry
from inklusi.welfare import service as welfare

KINDS = ("ranking", "exclusion", "inclusion")
STATUSES = ("submitted", "upheld", "dismissed")
MAX_TEXT = 4000


def grievance_info(row: RowMapping) -> GrievanceInfo:
    return GrievanceInfo(**{name: row[name] for name in GrievanceInfo.__dataclass_fields__})


def _not_found(grievance_id: UUID) -> NotFound:
    return NotFound(msg("Grievance {id} not found", id=str(grievance_id)))


def _audit(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    event_kind: EventKind,
    row: RowMapping | dict,
    **detail,
) -> None:
    event = Event(
        kind=event_kind,
        actor=principal.actor,
        purpose=Purpose.programme_targeting,
        object_id=str(row["id"]),
        area_code=row["village_code"],
        detail={"household": str(row["household_id"]), **detail},
    )
    audit.record(ctx, conn, event)


def check_text(field: str, value: str, *, required: bool = True) -> list[Issue]:
    value = (value or "").strip()
    if required and not value:
        return [Issue(field, "required", msg("{field} is required", field=field))]
    if len(value) > MAX_TEXT:
        return [
            Issue(field, "too_long", msg("{field} is longer than {n} characters", field=field, n=MAX_TEXT))
        ]
    return []


def insert_in(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    household_id: UUID,
    village_code: str,
    *,
    kind: str,
    statement: str,
    evidence: str,
    list_id: UUID | None = None,
    meeting_id: UUID | None = None,
) -> dict[str, object]:
    """Store a grievance (checked by the caller) in the caller's transaction, with its audit entry."""
    row: dict[str, object] = {
        "id": new_id(),
        "household_id": household_id,
        "village_code": village_code,
        "kind": kind,
        "list_id": list_id,
        "meeting_id": meeting_id,
        "statement": statement.strip(),
        "evidence": (evidence or "").strip(),
        "submitted_by": principal.user_id,
        "submitted_by_name": principal.display_name,
        "submitted_at": utcnow(),
        "status": "submitted",
        "decided_by": None,
        "decided_by_name": None,
        "decided_at": None,
        "decision_note": None,
        "reassessment": False,
    }
    store.insert_grievance(conn, row)
    detail = {"kind": kind, "list": str(list_id) if list_id else None}
    _audit(
        ctx,
        conn,
        principal,
        events.GRIEVANCE_SUBMIT,
        row,
        **detail,
        meeting=str(meeting_id) if meeting_id else None,
    )
    return row


def submit_grievance(
    ctx: Context,
    principal: Principal,
    household_id: UUID,
    *,
    kind: str,
    statement: str,
    evidence: str,
    list_id: UUID | None = None,
) -> GrievanceInfo:
    """A grievance about a household the principal may read (``grievances:submit`` over its village)."""
    principal.require(Permission.grievances_submit)
    scope = principal.require(Permission.registry_read)
    issues = check_text("statement", statement) + check_text("evidence", evidence, required=False)
    if kind not in KINDS:
        text = msg("Unknown kind of grievance {kind}: use ranking, exclusion or inclusion", kind=str(kind))
        issues.append(Issue("kind", "kind.unknown", text))
    if issues:
        raise Invalid(msg("The grievance was not submitted"), issues)
    with ctx.transaction() as conn:
        record = registry.household_record_in(conn, scope, household_id)
        village = record.dwelling.village_code
        if not principal.can(Permission.grievances_submit, village):
            raise NotFound(msg("Household {id} not found", id=str(household_id)))
        if list_id is not None and store.list_by_id(conn, list_id) is None:
            text = msg("Beneficiary list {id} not found", id=str(list_id))
            raise Invalid(text, [Issue("list_id", "list.unknown", text)])
        row = insert_in(
            ctx, conn, principal, household_id, village, kind=kind, statement=statement, evidence=evidence,
            list_id=list_id,
        )  # fmt: skip
        written = store.grievance_by_id(conn, row["id"])  # type: ignore[arg-type]  # a UUID, just made
        assert written is not None
        return grievance_info(written)


def _visible(principal: Principal, row: RowMapping | None) -> bool:
    if row is None:
        return False
    village = row["village_code"]
    own = row["submitted_by"] is not None and row["submitted_by"] == principal.user_id
    return principal.can(Permission.grievances_decide, village) or (
        own and principal.can(Permission.grievances_submit, village)
    )


def grievance_queue(
    ctx: Context, principal: Principal, *, status: str | None = "submitted"
) -> list[GrievanceInfo]:
    """Grievances in the decider's scope (``grievances:decide``), or a submitter's own; ``status`` None:
    all. Audited (``grievance.read``, the ids listed)."""
    if status is not None and status not in STATUSES:
        text = msg("Unknown status {status}", status=str(status))
        raise Invalid(text, [Issue("status", "status.unknown", text)])
    if principal.holds(Permission.grievances_decide):
        scope, mine = principal.require(Permission.grievances_decide), None
    else:
        scope, mine = principal.require(Permission.grievances_submit), principal.user_id
    with ctx.transaction() as conn:
        rows = store.grievances(conn, scope, status=status, submitted_by=mine)
        _audit_queue(ctx, conn, principal, rows)
    return [grievance_info(row) for row in rows]


def _audit_queue(ctx: Context, conn: Connection, principal: Principal, rows: list[RowMapping]) -> None:
    event = Event(
        kind=events.GRIEVANCE_READ,
        actor=principal.actor,
        purpose=Purpose.programme_targeting,
        detail={"queue": True, "grievances": [str(row["id"]) for row in rows]},
    )
    audit.record(ctx, conn, event)


def get_grievance(
    ctx: Context, principal: Principal, grievance_id: UUID, *, language: str = "id"
) -> GrievanceView:
    """A grievance with the household's welfare explanation (read by the welfare slice, audited there; none
    if the household was never ranked or the reader may not read it) and its entry on the list it names."""
    if not (principal.holds(Permission.grievances_decide) or principal.holds(Permission.grievances_submit)):
        raise Forbidden(msg("You may not see grievances"))
    with ctx.transaction() as conn:
        row = store.grievance_by_id(conn, grievance_id)
        if row is None or not _visible(principal, row):
            raise _not_found(grievance_id)
        entry = None
        if row["list_id"] is not None:
            found = store.entries_of(conn, row["list_id"], [row["household_id"]])
            entry = entry_view(found[row["household_id"]]) if row["household_id"] in found else None
        _audit(ctx, conn, principal, events.GRIEVANCE_READ, row, queue=False)
        info = grievance_info(row)
    explanation = None
    if principal.can(Permission.registry_read, info.village_code):
        try:
            explanation = welfare.explain_household(
                ctx, principal, info.household_id, language=language, purpose=Purpose.programme_targeting
            )
        except NotFound:
            explanation = None  # never ranked (or ranked before it was registered)
    return GrievanceView(info, explanation, entry)


def decide_grievance(
    ctx: Context, principal: Principal, grievance_id: UUID, *, uphold: bool, note: str, reassess: bool
) -> GrievanceInfo:
    """Uphold or dismiss a grievance (``grievances:decide`` over its village, never one's own), with a note;
    ``reassess``: the household must be re-assessed (:func:`reassessment_queue`). Audited."""
    principal.require(Permission.grievances_decide)
    if issues := check_text("note", note):
        raise Invalid(msg("The grievance was not decided"), issues)
    with ctx.transaction() as conn:
        row = store.grievance_by_id(conn, grievance_id)
        if row is None or not principal.can(Permission.grievances_decide, row["village_code"]):
            raise _not_found(grievance_id)
        if row["submitted_by"] is not None and row["submitted_by"] == principal.user_id:
            raise Forbidden(msg("You may not decide a grievance you submitted"))
        status = "upheld" if uphold else "dismissed"
        values = {
            "status": status,
            "decided_by": principal.user_id,
            "decided_by_name": principal.display_name,
            "decided_at": utcnow(),
            "decision_note": note.strip(),
            "reassessment": reassess,
        }
        if not store.decide_grievance(conn, grievance_id, values):
            raise Conflict(msg("Grievance {id} was already decided", id=str(grievance_id)))
        _audit(ctx, conn, principal, events.GRIEVANCE_DECIDE, row, decision=status, reassessment=reassess)
        written = store.grievance_by_id(conn, grievance_id)
        assert written is not None
        return grievance_info(written)


def reassessment_queue(ctx: Context, principal: Principal) -> list[GrievanceInfo]:
    """The grievances whose household must be re-assessed and has not been ranked since (no welfare run
    whose snapshot is later than the decision), in the decider's scope; audited."""
    scope = principal.require(Permission.grievances_decide)
    try:
        since = welfare.get_run(ctx).snapshot_at
    except NotFound:
        since = None
    with ctx.transaction() as conn:
        rows = store.grievances(conn, scope, status=None, reassessment=True, reassessment_since=since)
        _audit_queue(ctx, conn, principal, rows)
    return [grievance_info(row) for row in rows]
