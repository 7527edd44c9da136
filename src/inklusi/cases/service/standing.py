"""Where a principal stands on one case: the case's row, their relations to it (from the facts read in the
caller's transaction), the view that gives, and the checks every use case asks (may they work it,
supervise it …). A principal with no relation to a case gets "not found", the same answer as for an id
that does not exist. Every use case's audit entry goes through :func:`audit_case`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event, EventKind
from inklusi.audit.model import Purpose
from inklusi.cases.handovers import ReferralStatus
from inklusi.cases.model import (
    ActorFacts,
    Relation,
    RelationFacts,
    View,
    may_assign,
    may_read_access_log,
    may_work,
    notes_shown,
    relation,
    shows_sensitive,
    view_of,
)
from inklusi.cases.records import is_sensitive_category
from inklusi.cases.store import cases as store
from inklusi.cases.store import handovers as handover_store
from inklusi.context import Context
from inklusi.errors import Conflict, Forbidden, Issue, NotFound
from inklusi.i18n import msg


def case_not_found(case_id: UUID) -> NotFound:
    return NotFound(msg("Case {id} not found", id=str(case_id)))


@dataclass(frozen=True)
class Standing:
    principal: Principal
    case: RowMapping
    relations: frozenset[Relation]
    view: View
    organisation_kind: OrganisationKind | None

    @property
    def case_id(self) -> UUID:
        return self.case["id"]

    @property
    def area_code(self) -> str:
        return self.case["area_code"]

    @property
    def sensitive(self) -> bool:
        """Sensitive categories are shown (the full view, with ppks:sensitive)."""
        return shows_sensitive(self.view, self.principal.holds(Permission.ppks_sensitive))

    @property
    def notes(self) -> bool:
        return notes_shown(self.view, self.principal.holds(Permission.ppks_sensitive))

    @property
    def writes(self) -> bool:
        return self.principal.holds(Permission.cases_write)

    @property
    def worker(self) -> bool:
        return may_work(self.relations, self.writes)

    def actor(self) -> ActorFacts:
        return ActorFacts(
            self.principal.user_id,
            worker=self.worker,
            supervisor=Relation.supervisor in self.relations,
            approve_own=self.principal.can(Permission.cases_approve_own, self.area_code),
        )

    def require_work(self) -> None:
        """Record, propose, refer, transfer or consent: cases:write and the owner organisation or assigned."""
        if not self.worker:
            raise Forbidden(msg("Only a worker of the case's organisation may change the case"))

    def require_assign(self) -> None:
        if not may_assign(self.relations, self.writes):
            raise Forbidden(msg("Only the case's organisation or a supervisor may assign the case"))

    def require_access_log(self) -> None:
        if not may_read_access_log(self.relations):
            raise Forbidden(msg("Only the case's organisation and its supervisors see who viewed the case"))

    def visible_category(self, code: str) -> bool:
        return self.sensitive or not is_sensitive_category(code)


def organisation_kind_in(conn: Connection, principal: Principal) -> OrganisationKind | None:
    """The kind of the principal's organisation; the system (no organisation) acts for the state."""
    if principal.organisation_id is None:
        return OrganisationKind.central if principal.user_id is None else None
    found = access.organisations_in(conn, {principal.organisation_id})
    return found[principal.organisation_id].kind if principal.organisation_id in found else None


def relations_in(
    conn: Connection, principal: Principal, case: RowMapping, kind: OrganisationKind | None, now: datetime
) -> frozenset[Relation]:
    case_id = case["id"]
    shared = {
        org for org, status in handover_store.referral_parties(conn, case_id) if ReferralStatus(status).shared
    }
    glass = (
        principal.user_id is not None
        and principal.holds(Permission.cases_break_glass)
        and handover_store.active_glass(conn, case_id, principal.user_id, now) is not None
    )
    facts = RelationFacts(
        user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        organisation_kind=kind,
        reads=principal.holds(Permission.cases_read),
        supervises_area=principal.can(Permission.cases_supervise, case["area_code"]),
        owner_organisation_id=case["owner_organisation_id"],
        assigned_user_id=case["assigned_user_id"],
        referral_organisations=frozenset(shared),
        transfer_organisations=frozenset(handover_store.pending_transfer_organisations(conn, case_id)),
        glass=glass,
    )
    return relation(facts)


def standing_in(
    conn: Connection,
    principal: Principal,
    case_id: UUID,
    now: datetime,
    *,
    lock: bool = False,
    expected_version: int | None = None,
) -> Standing:
    """The principal's standing on the case; "not found" without a relation. ``lock``: count the case's
    version up first (a write follows: the row stays locked, and ``expected_version``, when given, must
    be the version the writer saw, else the write is refused as a conflict)."""
    case = store.case_row(conn, case_id)
    if case is None:
        raise case_not_found(case_id)
    kind = organisation_kind_in(conn, principal)
    relations = relations_in(conn, principal, case, kind, now)
    view = view_of(relations)
    if view is None:
        raise case_not_found(case_id)
    if lock:  # then read again what may have changed until the lock was taken
        case = lock_case(conn, case_id, now, expected_version)
        relations = relations_in(conn, principal, case, kind, now)
        view = view_of(relations)
        if view is None:
            raise case_not_found(case_id)
    return Standing(principal, case, relations, view, kind)


def lock_case(
    conn: Connection, case_id: UUID, now: datetime, expected_version: int | None = None
) -> RowMapping:
    """Count the case's version up (the row stays locked until the transaction ends)."""
    row = store.bump(conn, case_id, now, expected_version)
    if row is None:
        text = msg("The case was changed by someone else meanwhile: reload it and try again")
        raise Conflict(text, [Issue("version", "version.stale", text)])
    return row


def audit_case(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    kind: EventKind,
    case: RowMapping | Mapping[str, Any],
    why: Purpose = Purpose.case_management,
    **detail: object,
) -> None:
    """The audit entry of a use case about ``case`` (``why``: the reader's purpose for a read)."""
    event = Event(
        kind=kind,
        actor=principal.actor,
        purpose=why,
        object_id=str(case["id"]),
        area_code=case["area_code"],
        detail={name: value for name, value in detail.items() if value is not None},
    )
    audit.record(ctx, conn, event)


def audit_list(ctx: Context, conn: Connection, principal: Principal, name: str, case_ids: list[UUID]) -> None:
    """The entry of a list of cases read (their ids: the list shows the persons' names)."""
    event = Event(
        kind=events.CASE_LIST,
        actor=principal.actor,
        purpose=Purpose.case_management,
        detail={"list": name, "cases": [str(i) for i in case_ids]},
    )
    audit.record(ctx, conn, event)


def audited_categories(codes: list[str] | tuple[str, ...]) -> list[str]:
    """What an audit entry says of categories: the codes, a sensitive one only as ``sensitive``."""
    return sorted({"sensitive" if is_sensitive_category(code) else code for code in codes})
