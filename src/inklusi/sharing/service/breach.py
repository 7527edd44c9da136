"""Breach support: from the audit log, every person and household whose data one credential (a partner's
client: actor ``partner:<client id>``) or one user read in a time window, with how many entries read each,
and the entries themselves (``audit:read``, nationwide; the report is itself recorded, purpose
``breach_response``).

An entry names what it read as its object (a household page, a person) or in its detail (a partner's read
lists its ``persons`` and ``households``; a page of names its ``persons``). A household read exposes its
members: they are counted through the household, as its members are now (the registry's ids; a member who
has moved out since is not). Entries of other actions by the same actor (a search that found nobody, a
login) are listed but name nobody."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Entry, LogQuery, Purpose
from inklusi.context import Context
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.registry import service as registry
from inklusi.sharing.subjects import touched
from inklusi.spreadsheets import cell

ENTRIES_LIMIT = 100_000
ACTOR_LENGTH = 120
PARTNER_PREFIX = "partner:"


def partner_actor(client_id: str) -> str:
    """The audit log's actor name of a partner's credential."""
    return PARTNER_PREFIX + client_id


@dataclass(frozen=True)
class Exposure:
    """One person or household the actor read: how many entries, the first and the last."""

    kind: str  # person or household
    id: UUID
    reads: int
    first: datetime
    last: datetime
    through_household: bool = False  # a person counted only as a member of households read


@dataclass(frozen=True)
class BreachReport:
    actor: str
    since: datetime
    until: datetime
    entries: tuple[Entry, ...]  # newest first
    persons: tuple[Exposure, ...]
    households: tuple[Exposure, ...]
    complete: bool  # False: more than ENTRIES_LIMIT entries matched; the oldest were left out


def _check(actor: str, since: datetime, until: datetime) -> list[Issue]:
    issues = []
    if not actor.strip():
        issues.append(Issue("actor", "required", msg("Name the credential or the user")))
    elif len(actor) > ACTOR_LENGTH:
        issues.append(Issue("actor", "too_long", msg("At most {limit} characters", limit=ACTOR_LENGTH)))
    if since >= until:
        issues.append(Issue("until", "before_start", msg("The end is not after the start")))
    return issues


class _Tally:
    def __init__(self) -> None:
        self.reads: Counter[UUID] = Counter()
        self.first: dict[UUID, datetime] = {}
        self.last: dict[UUID, datetime] = {}

    def add(self, ids: Iterable[UUID], at: datetime) -> None:
        for value in ids:
            self.reads[value] += 1
            self.first[value] = min(self.first.get(value, at), at)
            self.last[value] = max(self.last.get(value, at), at)

    def exposures(self, kind: str, indirect: Iterable[UUID] = ()) -> tuple[Exposure, ...]:
        through = set(indirect)
        found = [
            Exposure(kind, value, count, self.first[value], self.last[value], value in through)
            for value, count in self.reads.items()
        ]
        return tuple(sorted(found, key=lambda e: (-e.reads, str(e.id))))


def breach_report(
    ctx: Context, principal: Principal, *, actor: str, since: datetime, until: datetime, format: str = "page"
) -> BreachReport:
    """Who the actor read between ``since`` (inclusive) and ``until`` (exclusive); audited."""
    principal.require(Permission.audit_read)
    if issues := _check(actor, since, until):
        raise Invalid(msg("The breach report was not made"), issues)
    actor = actor.strip()
    query = LogQuery(actor=actor, since=since, until=until)
    with ctx.transaction() as conn:
        entries = audit.entries_matching_in(conn, query, limit=ENTRIES_LIMIT + 1)
        complete = len(entries) <= ENTRIES_LIMIT
        entries = entries[:ENTRIES_LIMIT]
        persons, households = _Tally(), _Tally()
        per_entry = []
        for entry in entries:
            found = touched(entry.object_type, entry.object_id, entry.detail)
            persons.add(found.persons, entry.at)
            households.add(found.households, entry.at)
            per_entry.append((entry, found))
        members: dict[UUID, list[UUID]] = {}
        if households.reads:
            for person_id, household_id in registry.households_of(conn, household_ids=list(households.reads)):
                members.setdefault(household_id, []).append(person_id)
        direct = set(persons.reads)
        for entry, found in per_entry:
            through = {p for h in found.households for p in members.get(h, ())} - found.persons
            persons.add(through, entry.at)
        report = BreachReport(
            actor=actor,
            since=since,
            until=until,
            entries=tuple(entries),
            persons=persons.exposures("person", set(persons.reads) - direct),
            households=households.exposures("household"),
            complete=complete,
        )
        event = Event(
            kind=events.BREACH_REPORT,
            actor=principal.actor,
            purpose=Purpose.breach_response,
            detail={
                "actor": actor,
                "since": since.isoformat(),
                "until": until.isoformat(),
                "entries": len(entries),
                "persons": len(report.persons),
                "households": len(report.households),
                "format": format,
            },
        )
        audit.record(ctx, conn, event)
    return report


CSV_COLUMNS = ("kind", "id", "reads", "first", "last", "through_household")


def report_csv(report: BreachReport) -> str:
    """The persons and households of a report, one a row, for a spreadsheet (UTF-8 with its mark)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for exposure in report.persons + report.households:
        writer.writerow(
            [
                exposure.kind,
                str(exposure.id),
                exposure.reads,
                exposure.first.isoformat(),
                exposure.last.isoformat(),
                "yes" if exposure.through_household else "",
            ]
        )
    writer.writerow([])
    writer.writerow(("seq", "at", "actor", "action", "object_type", "object_id", "purpose", "detail"))
    for entry in report.entries:
        values = (entry.seq, entry.at.isoformat(), entry.actor_name, entry.action, entry.object_type,
                  entry.object_id or "", entry.purpose, entry.detail)  # fmt: skip
        writer.writerow([cell(value) for value in values])
    return out.getvalue()
