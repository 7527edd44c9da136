"""Data-subject requests (UU 27/2022, ``docs/sharing-rights.md``), taken by staff for a person of the
registry: ``subjects:manage`` covering the village the person lives in (and ``registry:read`` there, to
find them: every role holding the one holds the other). The person is found by NIK or id through the
registry's own audited search (no SQL on NIK here).

What each kind does, in the transaction that records the request (all of it or nothing):

- **access**: nothing yet; :func:`access_report` says what is held on the person (registry record and
  household, welfare rank, PPKS flags — sensitive ones only for a handler with ``ppks:sensitive`` —, cases
  if the handler may see them, programmes) and who read it (every audit entry about the person or their
  household, or naming them: a partner's read lists its persons and households);
- **correction**: one registry change request (the registry's four eyes decide it);
- **objection** (to the automated ranking): one programmes grievance about the household's ranking;
- **restriction**: the person is restricted (hidden from partners and released person-level data) until
  a deletion request lifts it;
- **deletion**: each item asked is kept, with its reason and legal basis, or goes (:mod:`..subjects`).

A request is closed with a response (answered or refused). Every step is audited (``subject_rights``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event, EventKind
from inklusi.audit.model import Entry, Purpose
from inklusi.cases import service as cases
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import Language, Text, msg
from inklusi.ids import new_id
from inklusi.ppks import service as ppks
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity
from inklusi.programmes import service as programmes
from inklusi.registry import service as registry
from inklusi.registry.model import HouseholdRecord, PersonRecord
from inklusi.sharing.store import subjects as store
from inklusi.sharing.subjects import (
    CHANNELS,
    OPEN,
    DeadlineState,
    DeletionItem,
    RequestKind,
    RequestStatus,
    deadline_of,
    decide_deletion,
    due_at,
)
from inklusi.welfare import service as welfare
from inklusi.welfare.model import HouseholdRank

MAX_TEXT = 4000
PURPOSE = Purpose.subject_rights
CORRECTION_PREFIX = "UU 27/2022 Pasal 6 (permintaan subjek data)"
OBJECTION_PREFIX = "UU 27/2022 Pasal 10 (keberatan atas pemeringkatan otomatis)"


@dataclass(frozen=True)
class SubjectRequest:
    id: UUID
    kind: RequestKind
    person_id: UUID
    household_id: UUID | None
    village_code: str
    received_at: datetime
    due_at: datetime
    channel: str
    statement: str
    contact: str | None
    details: Mapping[str, object]
    status: RequestStatus
    change_request_id: UUID | None
    grievance_id: UUID | None
    decisions: tuple[Mapping[str, object], ...]
    received_by_name: str
    response: str | None
    closed_at: datetime | None
    closed_by_name: str | None

    @property
    def open(self) -> bool:
        return self.status in OPEN

    def deadline(self, now: datetime) -> DeadlineState:
        return deadline_of(self.received_at, now, self.closed_at)


def _request(row: RowMapping) -> SubjectRequest:
    return SubjectRequest(
        id=row["id"],
        kind=RequestKind(row["kind"]),
        person_id=row["person_id"],
        household_id=row["household_id"],
        village_code=row["village_code"],
        received_at=row["received_at"],
        due_at=row["due_at"],
        channel=row["channel"],
        statement=row["statement"],
        contact=row["contact"],
        details=json.loads(row["details"]),
        status=RequestStatus(row["status"]),
        change_request_id=row["change_request_id"],
        grievance_id=row["grievance_id"],
        decisions=tuple(json.loads(row["decisions"])),
        received_by_name=row["received_by_name"],
        response=row["response"],
        closed_at=row["closed_at"],
        closed_by_name=row["closed_by_name"],
    )


def _text_issues(name: str, value: str | None, *, required: bool) -> list[Issue]:
    value = (value or "").strip()
    if required and not value:
        return [Issue(name, "required", msg("{field} is required", field=name))]
    if len(value) > MAX_TEXT:
        return [Issue(name, "too_long", msg("{field} is longer than {n} characters", field=name, n=MAX_TEXT))]
    return []


def _audit(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    event_kind: EventKind,
    *,
    object_id: object = None,
    area_code: str | None = None,
    **detail: object,
) -> None:
    event = Event(
        kind=event_kind,
        actor=principal.actor,
        purpose=PURPOSE,
        object_id=str(object_id) if object_id is not None else None,
        area_code=area_code,
        detail=detail,
    )
    audit.record(ctx, conn, event)


# --- Finding the person -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The person a request is about, as the registry finds them for the handler."""

    person_id: UUID
    name: str
    household_id: UUID | None
    village_code: str


def _person_not_found(person_id: object) -> NotFound:
    return NotFound(msg("Person {id} not found", id=str(person_id)))


def person_by_nik(ctx: Context, principal: Principal, nik: str) -> UUID:
    """The one person holding ``nik`` whom the handler may read (the registry's search, audited there)."""
    principal.require(Permission.subjects_manage)
    digits = nik.replace(" ", "")
    if len(digits) != 16 or not digits.isdigit():
        text = msg("{value} is not a NIK (16 digits)", value=nik[:20])
        raise Invalid(text, [Issue("nik", "invalid", text)])
    hits = registry.find_persons(ctx, principal, digits, purpose=PURPOSE)
    people = {hit.person_id for hit in hits if hit.nik == digits}
    if not people and all(hit.nik is None for hit in hits) and len({hit.person_id for hit in hits}) == 1:
        people = {hits[0].person_id}  # a search that does not show the number found one person: theirs
    if not people:
        raise NotFound(msg("Nobody with this NIK was found in your area"))
    if len(people) > 1:
        text = msg("Several persons hold this NIK: choose one by id (a duplicate for the stewards)")
        raise Conflict(text)
    return people.pop()


def _subject_in(ctx: Context, conn: Connection, principal: Principal, person_id: UUID) -> Subject:
    """The person, if the handler may read them and handle their requests (else "not found"); audited by
    the registry as a page of one (``person.list``)."""
    cards = registry.person_cards_in(ctx, conn, principal, [person_id], purpose=PURPOSE)
    card = cards.get(person_id)
    if card is None or not principal.can(Permission.subjects_manage, card.village_code):
        raise _person_not_found(person_id)
    return Subject(person_id, card.name, card.household_id, card.village_code)


# --- Receiving a request -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    """A request as staff take it down. ``changes``: a correction's fields → new values (as the registry's
    change requests read them); ``items``: what a deletion asks to remove."""

    kind: str
    statement: str
    person_id: UUID | None = None
    nik: str | None = None
    channel: str = "office"
    contact: str | None = None
    received_at: datetime | None = None
    evidence: str = ""
    changes: Mapping[str, object] = field(default_factory=dict)
    items: tuple[str, ...] = ()


def _check(given: RequestInput, now: datetime) -> tuple[RequestKind | None, list[DeletionItem], list[Issue]]:
    issues = _text_issues("statement", given.statement, required=True)
    issues += _text_issues("contact", given.contact, required=False)
    issues += _text_issues("evidence", given.evidence, required=given.kind == RequestKind.correction)
    kind = RequestKind(given.kind) if given.kind in RequestKind.__members__ else None
    if kind is None:
        text = msg("Unknown kind of request {kind}", kind=str(given.kind)[:40])
        issues.append(Issue("kind", "kind.unknown", text))
    if given.channel not in CHANNELS:
        text = msg(
            "Unknown channel {channel}: use {known}", channel=given.channel[:40], known=", ".join(CHANNELS)
        )
        issues.append(Issue("channel", "channel.unknown", text))
    if given.received_at is not None and given.received_at > now:
        issues.append(Issue("received_at", "future", msg("The request cannot be received in the future")))
    if (given.person_id is None) == (given.nik is None or not given.nik.strip()):
        issues.append(Issue("person", "required", msg("Give the person's NIK or their id (one of them)")))
    if kind is RequestKind.correction and not given.changes:
        issues.append(Issue("changes", "required", msg("Say which values are wrong and what they should be")))
    items: list[DeletionItem] = []
    if kind is RequestKind.deletion:
        unknown = [item for item in given.items if item not in DeletionItem.__members__]
        for item in unknown:
            text = msg("Unknown item {item}: use {known}", item=item[:40], known=", ".join(DeletionItem))
            issues.append(Issue("items", "item.unknown", text))
        items = [DeletionItem(item) for item in given.items if item in DeletionItem.__members__]
        if not given.items:
            issues.append(Issue("items", "required", msg("Say what the person asks to delete")))
    return kind, items, issues


def submit_request(ctx: Context, principal: Principal, given: RequestInput) -> SubjectRequest:
    """Record a request and do what its kind does (above), in one transaction; audited."""
    principal.require(Permission.subjects_manage)
    now = utcnow()
    kind, items, issues = _check(given, now)
    if issues:
        raise Invalid(msg("The request was not recorded"), issues)
    assert kind is not None  # checked above
    person_id = given.person_id or person_by_nik(ctx, principal, given.nik or "")
    with ctx.transaction() as conn:
        subject = _subject_in(ctx, conn, principal, person_id)
        received_at = given.received_at or now
        row: dict[str, object] = {
            "id": new_id(),
            "kind": kind.value,
            "person_id": subject.person_id,
            "household_id": subject.household_id,
            "village_code": subject.village_code,
            "received_at": received_at,
            "due_at": due_at(received_at),
            "channel": given.channel,
            "statement": given.statement.strip(),
            "contact": (given.contact or "").strip() or None,
            "details": json.dumps(
                {"changes": dict(given.changes)}
                if kind is RequestKind.correction
                else {"items": [item.value for item in items]}
                if kind is RequestKind.deletion
                else {},
                default=str,
            ),
            "status": RequestStatus.received.value,
            "change_request_id": None,
            "grievance_id": None,
            "decisions": "[]",
            "received_by": principal.user_id,
            "received_by_name": principal.display_name,
        }
        detail: dict[str, object] = {}
        if kind is RequestKind.correction:
            made = registry.submit_change_request_in(
                ctx, conn, principal, "person", subject.person_id, given.changes,
                reason=f"{CORRECTION_PREFIX}: {given.statement.strip()}",
                evidence=given.evidence,
            )  # fmt: skip
            row["change_request_id"] = made.id
            detail["change_request"] = str(made.id)
        elif kind is RequestKind.objection:
            if subject.household_id is None:
                text = msg("The person lives in no household: no welfare ranking to object to")
                raise Invalid(text, [Issue("kind", "no_household", text)])
            grievance = programmes.submit_objection_in(
                ctx, conn, principal, subject.household_id, subject.village_code,
                statement=f"{OBJECTION_PREFIX}: {given.statement.strip()}",
                evidence=given.evidence,
            )  # fmt: skip
            row["grievance_id"] = grievance.id
            detail["grievance"] = str(grievance.id)
        if kind is not RequestKind.access:
            row["status"] = RequestStatus.in_progress.value
        if kind is RequestKind.restriction and store.restriction_since(conn, subject.person_id) is not None:
            raise Conflict(msg("The person is restricted already"))
        store.insert_request(conn, row)
        if kind is RequestKind.restriction:
            restriction = {"id": new_id(), "person_id": subject.person_id, "request_id": row["id"]}
            store.start_restriction(conn, {**restriction, "started_at": now})
            detail["restricted"] = True
        if kind is RequestKind.deletion:
            detail |= _delete(conn, subject.person_id, row["id"], items, now)  # type: ignore[arg-type]
        _audit(
            ctx, conn, principal, events.SUBJECT_REQUEST_SUBMIT, object_id=row["id"],
            area_code=subject.village_code, kind=kind.value, person=str(subject.person_id),
            household=str(subject.household_id) if subject.household_id else None, channel=given.channel,
            **detail,
        )  # fmt: skip
        written = store.request_by_id(conn, row["id"])  # type: ignore[arg-type]  # a UUID, just made
        assert written is not None
        return _request(written)


def _delete(
    conn: Connection, person_id: UUID, request_id: UUID, items: list[DeletionItem], now: datetime
) -> dict[str, object]:
    """Carry out what may go, record each decision on the request; the audit detail."""
    decisions = decide_deletion(items)
    for decision in decisions:
        if decision.allowed and decision.item is DeletionItem.request_contact:
            store.erase_contact(conn, person_id, except_request=request_id)
        elif decision.allowed and decision.item is DeletionItem.restriction:
            store.end_restriction(conn, person_id, at=now, request_id=request_id)
    stored = json.dumps([decision.as_json() for decision in decisions], ensure_ascii=False)
    store.update_request(conn, request_id, {"decisions": stored}, open_only=False)
    return {
        "kept": [d.item.value for d in decisions if not d.allowed],
        "erased": [d.item.value for d in decisions if d.allowed],
        "restricted": store.restriction_since(conn, person_id) is not None,
    }


# --- Reading requests --------------------------------------------------------------------------------------

QUEUES = ("open", "closed", "all")


def request_queue(
    ctx: Context, principal: Principal, *, show: str = "open", person_id: UUID | None = None
) -> list[SubjectRequest]:
    """The requests of persons in the handler's area, the soonest due first; audited (the ids listed)."""
    scope = principal.require(Permission.subjects_manage)
    if show not in QUEUES:
        text = msg("Unknown status {status}", status=show[:20])
        raise Invalid(text, [Issue("status", "status.unknown", text)])
    statuses = {
        "open": [s.value for s in OPEN],
        "closed": [RequestStatus.answered.value, RequestStatus.refused.value],
        "all": None,
    }[show]
    with ctx.transaction() as conn:
        rows = store.requests(conn, scope, statuses=statuses, person_id=person_id)
        _audit(
            ctx, conn, principal, events.SUBJECT_REQUEST_READ, queue=True,
            person=str(person_id) if person_id else None, requests=[str(row["id"]) for row in rows],
        )  # fmt: skip
    return [_request(row) for row in rows]


def _visible_in(conn: Connection, principal: Principal, request_id: UUID) -> RowMapping:
    row = store.request_by_id(conn, request_id)
    if row is None or not principal.can(Permission.subjects_manage, row["village_code"]):
        raise NotFound(msg("Request {id} not found", id=str(request_id)))
    return row


def get_request(ctx: Context, principal: Principal, request_id: UUID) -> SubjectRequest:
    principal.require(Permission.subjects_manage)
    with ctx.transaction() as conn:
        row = _visible_in(conn, principal, request_id)
        _audit(
            ctx, conn, principal, events.SUBJECT_REQUEST_READ, object_id=request_id,
            area_code=row["village_code"], person=str(row["person_id"]),
        )  # fmt: skip
        return _request(row)


# --- Closing a request -------------------------------------------------------------------------------------


def close_request(
    ctx: Context, principal: Principal, request_id: UUID, *, response: str, refused: bool = False
) -> SubjectRequest:
    """Answer a request (``refused``: the response refuses it, saying why); audited with whether the
    answer came after the deadline."""
    principal.require(Permission.subjects_manage)
    if issues := _text_issues("response", response, required=True):
        raise Invalid(msg("The request was not closed"), issues)
    now = utcnow()
    status = RequestStatus.refused if refused else RequestStatus.answered
    with ctx.transaction() as conn:
        row = _visible_in(conn, principal, request_id)
        values = {
            "status": status.value,
            "response": response.strip(),
            "closed_at": now,
            "closed_by": principal.user_id,
            "closed_by_name": principal.display_name,
        }
        if not store.update_request(conn, request_id, values, open_only=True):
            raise Conflict(msg("Request {id} was closed already", id=str(request_id)))
        _audit(
            ctx, conn, principal, events.SUBJECT_REQUEST_CLOSE, object_id=request_id,
            area_code=row["village_code"], person=str(row["person_id"]), status=status.value,
            late=now > row["due_at"],
        )  # fmt: skip
        written = store.request_by_id(conn, request_id)
        assert written is not None
        return _request(written)


# --- Who read the person's data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    """One audit entry about the person or their household, as the person is shown it."""

    at: datetime
    actor: str  # the user's or partner's name in the log
    organisation: str
    action: str
    description: Text | None
    purpose: str
    object_type: str

    @property
    def partner(self) -> bool:
        return self.actor.startswith("partner:")


def _lines(ctx: Context, entries: Iterable[Entry]) -> list[LogLine]:
    """The entries as lines (read after the transaction that found them: organisations by name)."""
    found = list(entries)
    organisations = access.organisation_names(ctx) if found else {}
    return [
        LogLine(
            at=entry.at,
            actor=entry.actor_name,
            organisation=organisations.get(entry.organisation_id, "") if entry.organisation_id else "",
            action=entry.action,
            description=events.describe(entry.action),
            purpose=entry.purpose,
            object_type=entry.object_type,
        )
        for entry in found
    ]


def _log_in(conn: Connection, person_id: UUID, household_id: UUID | None) -> list[Entry]:
    ids = [person_id] + ([household_id] if household_id else [])
    return audit.entries_mentioning_in(conn, ids)


def person_log(ctx: Context, principal: Principal, person_id: UUID) -> tuple[Subject, list[LogLine]]:
    """Every audit entry about a person (or their household, or naming them), newest first, for a handler
    whose ``subjects:manage`` covers where they live; the search itself is audited."""
    principal.require(Permission.subjects_manage)
    with ctx.transaction() as conn:
        subject = _subject_in(ctx, conn, principal, person_id)
        found = _log_in(conn, person_id, subject.household_id)
        _audit(
            ctx, conn, principal, events.SUBJECT_LOG_SEARCH, object_id=person_id,
            area_code=subject.village_code, entries=len(found),
            households=str(subject.household_id) if subject.household_id else None,
        )  # fmt: skip
    return subject, _lines(ctx, found)


# --- The access report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessReport:
    """What is held on a person and who read it (UU 27/2022 Pasal 7), as of ``made_at``."""

    request: SubjectRequest
    made_at: datetime
    person: PersonRecord
    household: HouseholdRecord | None
    rank: HouseholdRank | None
    ppks_categories: tuple[str, ...]
    sensitive_withheld: bool  # the handler may not see sensitive categories: none is shown
    cases: tuple[cases.PersonCase, ...] | None  # None: the handler may not see cases
    restricted_since: datetime | None
    requests: tuple[SubjectRequest, ...]
    log: tuple[LogLine, ...]
    notes: tuple[Text, ...]


def access_report(
    ctx: Context, principal: Principal, request_id: UUID, *, format: str = "page"
) -> AccessReport:
    """The access report of an access request (each read audited by the slice that owns the data, and the
    report itself as ``subject_request.report``); the request moves to "in progress"."""
    principal.require(Permission.subjects_manage)
    with ctx.transaction(readonly=True) as conn:
        request = _request(_visible_in(conn, principal, request_id))
    if request.kind is not RequestKind.access:
        raise Conflict(msg("Only an access request has an access report"))
    person = registry.get_person(ctx, principal, request.person_id, purpose=PURPOSE)
    household = rank = None
    notes: list[Text] = []
    if person.household_id is not None:
        household = registry.get_household(ctx, principal, person.household_id, purpose=PURPOSE)
        try:
            rank = welfare.household_rank(ctx, principal, person.household_id, purpose=PURPOSE)
        except NotFound:
            notes.append(msg("The household has not been ranked."))
    found_cases: tuple[cases.PersonCase, ...] | None
    try:
        found_cases = tuple(cases.cases_of_person(ctx, principal, request.person_id))
    except Forbidden:
        found_cases = None
        notes.append(msg("Cases are not listed: you may not see cases. Ask a case worker of the area."))
    sensitive = principal.can(Permission.ppks_sensitive, request.village_code)
    if not sensitive:
        notes.append(
            msg("Sensitive PPKS categories are shown only to staff with ppks:sensitive; none is shown here.")
        )
    with ctx.transaction() as conn:
        categories = tuple(
            code
            for code in ppks.person_categories_in(conn, request.person_id)
            if sensitive or taxonomy.category(code).sensitivity is Sensitivity.personal
        )
        log = _log_in(conn, request.person_id, person.household_id)
        requests = store.requests(
            conn, principal.scope(Permission.subjects_manage), person_id=request.person_id
        )
        restricted_since = store.restriction_since(conn, request.person_id)
        if request.status is RequestStatus.received:
            values = {"status": RequestStatus.in_progress.value}
            store.update_request(conn, request.id, values, open_only=True)
        _audit(
            ctx, conn, principal, events.SUBJECT_ACCESS_REPORT, object_id=request.id,
            area_code=request.village_code, persons=[str(request.person_id)],
            households=[str(person.household_id)] if person.household_id else [], entries=len(log),
            sensitive=sensitive, format=format,
        )  # fmt: skip
    return AccessReport(
        request=request,
        made_at=utcnow(),
        person=person,
        household=household,
        rank=rank,
        ppks_categories=categories,
        sensitive_withheld=not sensitive,
        cases=found_cases,
        restricted_since=restricted_since,
        requests=tuple(_request(row) for row in requests),
        log=tuple(_lines(ctx, log)),
        notes=tuple(notes),
    )


def report_document(report: AccessReport, language: Language = "id") -> dict[str, object]:
    """The access report as a JSON document (the file handed to the person)."""
    person = report.person
    household = report.household
    return {
        "request": str(report.request.id),
        "made_at": report.made_at.isoformat(),
        "person": {"id": str(person.id), **_plain(vars(person.data))},
        "relationship": person.relationship.value if person.relationship is not None else None,
        "household": None
        if household is None
        else {
            "id": str(household.id),
            "dwelling": _plain(vars(household.dwelling)),
            "size": household.size,
            "families": [
                {"kk_number": family.kk_number, "programmes": sorted(family.programmes)}
                for family in household.families
                if any(member.person_id == person.id for member in family.members)
            ],
        },
        "welfare": None
        if report.rank is None
        else {
            "run": str(report.rank.run.id),
            "score": report.rank.score,
            "national_decile": report.rank.national_decile,
            "regency_decile": report.rank.regency_decile,
        },
        "ppks_categories": list(report.ppks_categories),
        "cases": None
        if report.cases is None
        else [
            {
                "id": str(c.id),
                "owner": c.owner_organisation.name,
                "phase": c.phase.value,
                "opened_at": c.opened_at.isoformat(),
            }
            for c in report.cases
        ],
        "restricted_since": report.restricted_since.isoformat() if report.restricted_since else None,
        "requests": [
            {
                "id": str(r.id),
                "kind": r.kind.value,
                "status": r.status.value,
                "received_at": r.received_at.isoformat(),
            }
            for r in report.requests
        ],
        "accessed_by": [
            {
                "at": line.at.isoformat(),
                "by": line.actor,
                "organisation": line.organisation,
                "action": line.action,
                "purpose": line.purpose,
                "what": line.description.render(language) if line.description else line.action,
            }
            for line in report.log
        ],
        "notes": [note.render(language) for note in report.notes],
    }


def _plain(values: Mapping[str, object]) -> dict[str, object]:
    return {
        key: sorted(value) if isinstance(value, frozenset) else value.isoformat()
        if hasattr(value, "isoformat") else value
        for key, value in values.items()
    }  # fmt: skip


def restricted(ctx: Context, principal: Principal, person_ids: Iterable[UUID]) -> set[UUID]:
    """Those of ``person_ids`` restricted now (for a page that marks them; ``subjects:manage`` or
    ``registry:read`` somewhere: ids only)."""
    if not principal.holds(Permission.subjects_manage):
        principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        return store.restricted_among(conn, person_ids)
