"""Opening a case, reading it as one's relation allows, listing an organisation's cases and a person's,
assigning a worker and setting the follow-up day. Every read is audited (``case.read``, ``case.list``) with
the view given; every write with its own entry, in its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access import service as access
from inklusi.access.model import REFUSALS, Permission, Principal
from inklusi.audit import events
from inklusi.audit.model import Purpose
from inklusi.cases.model import Phase
from inklusi.cases.records import RiskLevel, category_issues, is_sensitive, is_sensitive_category, refuse_if
from inklusi.cases.service.reading import Names, read_case
from inklusi.cases.service.standing import audit_case, audit_list, audited_categories, standing_in
from inklusi.cases.service.views import CaseRef, CaseView, Named, PersonCardView
from inklusi.cases.store import cases as store
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks import service as ppks
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson
from inklusi.wilayah import service as wilayah

INTAKE_SOURCE = "case-intake"
MAX_PAGE = 200
CASE_PERMISSIONS = (Permission.cases_read, Permission.cases_supervise, Permission.cases_break_glass)


def require_case_permission(principal: Principal) -> None:
    """Some permission about cases, somewhere: otherwise 403 (with one, a case without a relation is 404)."""
    if not any(principal.holds(p) for p in CASE_PERMISSIONS):
        raise Forbidden(REFUSALS[Permission.cases_read])


def _categories(principal: Principal, codes: Sequence[str]) -> list[str]:
    """Categories given: known, once each; sensitive ones (to a principal without ppks:sensitive) unknown."""
    issues = category_issues(codes)
    if not principal.holds(Permission.ppks_sensitive):
        issues += [
            Issue(f"categories[{i}]", "category.unknown", msg("No PPKS category {code}", code=code))
            for i, code in enumerate(codes)
            if not any(issue.field == f"categories[{i}]" for issue in issues) and is_sensitive_category(code)
        ]
    refuse_if(issues, msg("The categories are not valid"))
    return list(codes)


def open_case(
    ctx: Context,
    principal: Principal,
    *,
    person_id: UUID | None = None,
    intake: OutsidePerson | None = None,
    categories: Sequence[str] | None = None,
    risk_level: RiskLevel | None = None,
    follow_up_on: date | None = None,
) -> CaseRef:
    """Open a case, owned by the principal's organisation and assigned to them, for a person of the registry
    (``person_id``: one they may read there) or a person not yet known (``intake``: registered outside any
    household in the same transaction, which needs ``registry:write`` over the area). Needs ``cases:write``
    over the person's area. ``categories`` default to the person's PPKS flags (candidate or verified)."""
    principal.require(Permission.cases_write)
    if (person_id is None) == (intake is None):
        text = msg("Give either a person of the registry or a person to register at intake")
        raise Invalid(text, [Issue("person_id", "person.one_of", text)])
    if principal.organisation_id is None:
        text = msg("A case belongs to an organisation: act as one of its users")
        raise Invalid(text, [Issue("organisation", "organisation.required", text)])
    chosen = _categories(principal, categories) if categories is not None else None
    now = utcnow()
    with ctx.transaction() as conn:
        if intake is not None:
            registered = _register(ctx, conn, principal, intake)
            person_id, area = registered.person_ids[0], intake.area_code
        else:
            assert person_id is not None
            cards = registry.person_cards_in(
                ctx, conn, principal, [person_id], purpose=Purpose.case_management
            )
            if person_id not in cards:
                raise NotFound(msg("Person {id} not found", id=str(person_id)))
            area = cards[person_id].village_code
        if not principal.can(Permission.cases_write, area):
            raise Forbidden(msg("You may not open cases in area {code}", code=area))
        codes = chosen if chosen is not None else list(ppks.person_categories_in(conn, person_id))
        case_id = new_id()
        row = {
            "id": case_id,
            "person_id": person_id,
            "area_code": area,
            "owner_organisation_id": principal.organisation_id,
            "assigned_user_id": principal.user_id,
            "phase": Phase.intake.value,
            "phase_since": now,
            "risk_level": risk_level.value if risk_level else None,
            "sensitive": is_sensitive(codes),
            "follow_up_on": follow_up_on,
            "opened_by": principal.user_id,
            "opened_at": now,
            "updated_at": now,
            "version": 1,
        }
        store.insert_case(conn, row, codes)
        store.insert_transition(
            conn,
            {
                "id": new_id(),
                "case_id": case_id,
                "name": "open",
                "from_phase": None,
                "to_phase": Phase.intake.value,
                "actor_id": principal.user_id,
                "organisation_id": principal.organisation_id,
                "at": now,
                "reason": None,
            },
        )
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_OPEN,
            row,
            person=str(person_id),
            intake=intake is not None,
            categories=audited_categories(codes),
            organisation=str(principal.organisation_id),
        )
    return CaseRef(case_id, Phase.intake, 1)


def _register(
    ctx: Context, conn: Connection, principal: Principal, intake: OutsidePerson
) -> registry.RegisteredOutside:
    """The person registered outside any household; their problems named ``intake.<field>``."""
    try:
        return registry.register_persons_outside_in(ctx, conn, principal, [intake], source=INTAKE_SOURCE)
    except Invalid as error:
        issues = [replace(i, field="intake." + i.field.removeprefix("[0].")) for i in error.issues]
        raise Invalid(error.text, issues) from None


def case_view(
    ctx: Context, principal: Principal, case_id: UUID, *, purpose: Purpose = Purpose.case_management
) -> CaseView:
    """The case as the principal's relation lets them see it; audited (``case.read``) with the view given.
    No relation: not found."""
    require_case_permission(principal)
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now)
        view = read_case(conn, standing, now)
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_READ,
            standing.case,
            purpose,  # the reader's
            view=standing.view.value,
            relations=sorted(r.value for r in standing.relations),
            sensitive=standing.sensitive,
        )
    return view


@dataclass(frozen=True)
class CaseSummary:
    id: UUID
    person: PersonCardView | None
    phase: Phase
    risk_level: RiskLevel | None
    owner_organisation: Named
    assigned: Named | None
    opened_at: datetime
    follow_up_on: date | None
    overdue: bool  # the follow-up day has passed


@dataclass(frozen=True)
class CasePage:
    total: int
    offset: int
    limit: int
    cases: tuple[CaseSummary, ...]


def list_cases(
    ctx: Context,
    principal: Principal,
    *,
    mine: bool = False,
    phase: Phase | None = None,
    open_only: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> CasePage:
    """The cases of the principal's organisation (``mine``: assigned to them), newest first; audited."""
    principal.require(Permission.cases_read)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    if principal.organisation_id is None and not mine:
        return CasePage(0, offset, limit, ())
    now = utcnow()
    with ctx.transaction() as conn:
        rows, total = store.list_cases(
            conn,
            owner=None if mine else principal.organisation_id,
            assigned=principal.user_id if mine else None,
            phase=phase.value if phase else None,
            open_only=open_only,
            limit=limit,
            offset=offset,
        )
        cases = summaries(conn, rows, now)
        audit_list(ctx, conn, principal, "cases", [c.id for c in cases])
    return CasePage(total, offset, limit, cases)


def summaries(conn: Connection, rows: Sequence[RowMapping], now: datetime) -> tuple[CaseSummary, ...]:
    """Cases as a list shows them, with their persons' names read in one query."""
    today = now.date()
    cards = registry.related_person_cards_in(conn, [row["person_id"] for row in rows])
    areas = {card.village_code for card in cards.values()}
    area_names = wilayah.area_names_in(conn, areas)
    names = Names.of_rows(conn, rows)
    found = []
    for row in rows:
        card = cards.get(row["person_id"])
        person = None
        if card is not None:
            person = PersonCardView(
                card.person_id,
                card.name,
                card.sex.name,
                card.age_on(today),
                card.village_code,
                area_names.get(card.village_code),
                row["person_id"] if card.person_id != row["person_id"] else None,
            )
        follow_up = row["follow_up_on"]
        found.append(
            CaseSummary(
                id=row["id"],
                person=person,
                phase=Phase(row["phase"]),
                risk_level=RiskLevel(row["risk_level"]) if row["risk_level"] else None,
                owner_organisation=names.org_(row["owner_organisation_id"]),
                assigned=names.user(row["assigned_user_id"]),
                opened_at=row["opened_at"],
                follow_up_on=follow_up,
                overdue=follow_up is not None and follow_up < today and row["phase"] != Phase.closed.value,
            )
        )
    return tuple(found)


def assign(
    ctx: Context,
    principal: Principal,
    case_id: UUID,
    user_id: UUID | None,
    *,
    expected_version: int | None = None,
) -> CaseRef:
    """Assign the case to a worker of its owner organisation who holds ``cases:write`` (None: nobody). The
    owner organisation's workers assign; a supervisor of the case reassigns."""
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True, expected_version=expected_version)
        standing.require_assign()
        case = standing.case
        if user_id is not None:
            worker = access.principal_by_id_in(conn, user_id)
            if (
                worker is None
                or worker.organisation_id != case["owner_organisation_id"]
                or not worker.holds(Permission.cases_write)
            ):
                text = msg("Assign the case to a worker of its organisation who may work on cases")
                raise Invalid(text, [Issue("user_id", "assignee.invalid", text)])
        previous = case["assigned_user_id"]
        changed = store.set_case(conn, case_id, assigned_user_id=user_id)
        audit_case(
            ctx,
            conn,
            principal,
            events.CASE_ASSIGN,
            case,
            assigned=str(user_id) if user_id else "none",
            previous=str(previous) if previous else "none",
        )
    return CaseRef(case_id, Phase(changed["phase"]), changed["version"])


def assignable_workers(ctx: Context, principal: Principal, case_id: UUID) -> list[Named]:
    """The workers the case may be assigned to (its owner organisation's, with ``cases:write``)."""
    now = utcnow()
    with ctx.transaction(readonly=True) as conn:
        standing = standing_in(conn, principal, case_id, now)
        standing.require_assign()
        workers = access.organisation_principals_in(conn, standing.case["owner_organisation_id"])
    return [
        Named(w.user_id, w.display_name) for w in workers if w.user_id and w.holds(Permission.cases_write)
    ]


def schedule_follow_up(
    ctx: Context, principal: Principal, case_id: UUID, on: date | None, *, expected_version: int | None = None
) -> CaseRef:
    """Set (or clear) the day the case is followed up next."""
    now = utcnow()
    with ctx.transaction() as conn:
        standing = standing_in(conn, principal, case_id, now, lock=True, expected_version=expected_version)
        standing.require_work()
        if Phase(standing.case["phase"]) is Phase.closed:
            raise Conflict(msg("A closed case has no follow-up"))
        changed = store.set_case(conn, case_id, follow_up_on=on)
        audit_case(ctx, conn, principal, events.CASE_RECORD, standing.case, record="follow_up")
    return CaseRef(case_id, Phase(changed["phase"]), changed["version"])


@dataclass(frozen=True)
class PersonCase:
    """A case of a person, as someone who may read the person in the registry learns of it: who holds it
    and its phase (to ask them, refer to them, or break the glass), and the view they would get."""

    id: UUID
    owner_organisation: Named
    phase: Phase
    opened_at: datetime
    view: str | None  # full, referral, summary; None: no relation (break the glass to see it)


def cases_of_person(ctx: Context, principal: Principal, person_id: UUID) -> list[PersonCase]:
    """The cases of a person the principal may read in the registry (so a second case is not opened
    elsewhere, and an emergency worker knows whom to ask); audited."""
    require_case_permission(principal)
    now = utcnow()
    with ctx.transaction() as conn:
        cards = registry.person_cards_in(ctx, conn, principal, [person_id], purpose=Purpose.case_management)
        if person_id not in cards:
            raise NotFound(msg("Person {id} not found", id=str(person_id)))
        rows = store.cases_of_person(conn, [person_id])
        names = Names.of_rows(conn, rows)
        found = []
        for row in rows:
            try:
                view = standing_in(conn, principal, row["id"], now).view.value
            except NotFound:
                view = None
            found.append(
                PersonCase(
                    row["id"],
                    names.org_(row["owner_organisation_id"]),
                    Phase(row["phase"]),
                    row["opened_at"],
                    view,
                )
            )
        audit_list(ctx, conn, principal, "person", [c.id for c in found])
    return found
