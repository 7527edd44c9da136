"""Reading and deciding PPKS flags: the categories a principal may see, the flags of an area (named people:
``ppks:persons`` there), verifying or rejecting one (``ppks:verify`` there).

A page of flags carries each person's name, sex, birth date, age and where they live, read from the
registry in one bulk read (``registry.service.person_cards_in``) under the registry's own rule: only with
``registry:read`` covering where the person lives now (every built-in role with ``ppks:persons`` holds it
in its area); otherwise the flag shows ids only. The registry audits that read with its own entry
(``person.list``: the person ids, no category).

A sensitive category (UU 27/2022 Pasal 4) appears only where the principal holds ``ppks:sensitive`` too: it
is left out of the taxonomy, of lists (in SQL), of counts; a flag of one is "not found"; an audit entry
never names it (it says ``sensitive``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks import store, taxonomy
from inklusi.ppks.flags import FlagStatus, may_decide
from inklusi.ppks.model import Category, Sensitivity
from inklusi.registry import service as registry
from inklusi.registry.model import PersonCard
from inklusi.wilayah import service as wilayah

MAX_PAGE = 500
MAX_NOTE = 2000


@dataclass(frozen=True)
class FlagView:
    id: UUID
    person_id: UUID
    household_id: UUID | None
    category: str
    sensitivity: str
    status: FlagStatus
    area_code: str
    rule_id: str
    rule_version: str
    evidence: dict[str, object]
    run_id: UUID
    registry_at: datetime
    since: datetime  # this version's start: when the status or evidence last changed
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    # the person as the registry holds them now (None: the caller may not read them in the registry)
    name: str | None = None
    sex: str | None = None  # male, female
    birth_date: date | None = None
    age: int | None = None  # on the day read
    village_code: str | None = None  # where they live now (outside households: where registered)


@dataclass(frozen=True)
class CandidatePage:
    area_code: str
    total: int
    offset: int
    limit: int
    flags: tuple[FlagView, ...]


def visible_categories(principal: Principal) -> tuple[Category, ...]:
    """The taxonomy as the principal may see it (``ppks:read``; sensitive ones with ``ppks:sensitive``)."""
    principal.require(Permission.ppks_read)
    sensitive = principal.holds(Permission.ppks_sensitive)
    return tuple(c for c in taxonomy.categories() if sensitive or c.sensitivity is Sensitivity.personal)


def _sensitive_codes() -> tuple[str, ...]:
    return tuple(c.code for c in taxonomy.categories() if c.sensitivity is Sensitivity.sensitive)


def _may_see(principal: Principal, code: str, area_code: str) -> bool:
    if not principal.can(Permission.ppks_persons, area_code):
        return False
    return taxonomy.category(code).sensitivity is Sensitivity.personal or principal.can(
        Permission.ppks_sensitive, area_code
    )


def _category_filter(principal: Principal, code: str) -> str:
    """A category asked for: unknown, and sensitive without ``ppks:sensitive`` anywhere, alike."""
    if code in _sensitive_codes() and not principal.holds(Permission.ppks_sensitive):
        text = msg("No PPKS category {code}", code=code)
        raise Invalid(text, [Issue("category", "category.unknown", text)])
    return taxonomy.category(code).code


def audited_category(code: str) -> str:
    """What an audit entry says of a category: its code, or only ``sensitive``."""
    return "sensitive" if taxonomy.category(code).sensitivity is Sensitivity.sensitive else code


def view(row: RowMapping) -> FlagView:
    return FlagView(
        id=row["flag_id"],
        person_id=row["person_id"],
        household_id=row["household_id"],
        category=row["category"],
        sensitivity=taxonomy.category(row["category"]).sensitivity.value,
        status=FlagStatus(row["status"]),
        area_code=row["area_code"],
        rule_id=row["rule_id"],
        rule_version=row["rule_version"],
        evidence=json.loads(row["evidence"]),
        run_id=row["run_id"],
        registry_at=row["registry_at"],
        since=row["valid_from"],
        decided_by=row["decided_by_name"],
        decided_at=row["decided_at"],
        decision_note=row["decision_note"],
    )


def candidates_in(
    ctx: Context,
    principal: Principal,
    area_code: str,
    *,
    category: str | None = None,
    status: FlagStatus | None = None,
    limit: int = 50,
    offset: int = 0,
    purpose: Purpose = Purpose.case_management,
) -> CandidatePage:
    """The current flags of an area (and the areas inside it) that the principal may see, a page at a time,
    audited. Outside the principal's scope the page is empty."""
    scope = principal.require(Permission.ppks_persons)
    if issues := wilayah.check_code(ctx, area_code, "area"):
        raise Invalid(issues[0].text, issues)
    codes = (_category_filter(principal, category),) if category else None
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    with ctx.transaction() as conn:
        rows, total = store.candidates_in(
            conn,
            area_code,
            scope,
            principal.scope(Permission.ppks_sensitive),
            _sensitive_codes(),
            categories=codes,
            status=status,
            limit=limit,
            offset=offset,
        )
        flags = tuple(view(row) for row in rows)
        detail = {
            "category": audited_category(category) if category else None,
            "status": status.value if status else None,
            "offset": offset,
            "shown": len(flags),
            "flags": [str(f.id) for f in flags],
        }
        event = Event(
            kind=events.PPKS_CANDIDATES_READ,
            actor=principal.actor,
            purpose=purpose,
            object_id=area_code,
            area_code=area_code,
            detail=detail,
        )
        audit.record(ctx, conn, event)
        flags = _named(ctx, conn, principal, flags, purpose)
    return CandidatePage(area_code, total, offset, limit, flags)


def _named(
    ctx: Context, conn: Connection, principal: Principal, flags: tuple[FlagView, ...], purpose: Purpose
) -> tuple[FlagView, ...]:
    """The flags with their persons' names, where the principal may read the persons in the registry."""
    if not flags or not principal.holds(Permission.registry_read):
        return flags
    cards = registry.person_cards_in(ctx, conn, principal, [f.person_id for f in flags], purpose=purpose)
    today = date.today()
    return tuple(_with_card(flag, cards.get(flag.person_id), today) for flag in flags)


def _with_card(flag: FlagView, card: PersonCard | None, today: date) -> FlagView:
    if card is None:
        return flag
    return replace(
        flag,
        name=card.name,
        sex=card.sex.name,
        birth_date=card.birth_date,
        age=card.age_on(today),
        village_code=card.village_code,
    )


def person_categories_in(conn: Connection, person_id: UUID) -> tuple[str, ...]:
    """The categories a person is flagged in now (candidate or verified), inside the caller's transaction,
    for another slice that decides who may see them and audits the read (a case's assessment, prefilled
    from the flags: the cases slice)."""
    return tuple(store.live_categories_of(conn, person_id))


def verify(ctx: Context, principal: Principal, flag_id: UUID, *, note: str | None = None) -> FlagView:
    """Confirm a flag after a visit or a check: kept whatever later runs find."""
    return _decide(ctx, principal, flag_id, FlagStatus.verified, (note or "").strip() or None)


def reject(ctx: Context, principal: Principal, flag_id: UUID, *, reason: str) -> FlagView:
    """Reject a flag, saying why (required): kept whatever later runs find."""
    text = (reason or "").strip()
    if not text:
        problem = msg("A rejection needs a reason")
        raise Invalid(problem, [Issue("reason", "reason.required", problem)])
    return _decide(ctx, principal, flag_id, FlagStatus.rejected, text)


def _decide(
    ctx: Context, principal: Principal, flag_id: UUID, decision: FlagStatus, note: str | None
) -> FlagView:
    principal.require(Permission.ppks_verify)
    if note is not None and len(note) > MAX_NOTE:
        problem = msg("At most {n} characters", n=MAX_NOTE)
        raise Invalid(
            problem, [Issue("reason" if decision is FlagStatus.rejected else "note", "too_long", problem)]
        )
    with ctx.transaction() as conn:
        row = store.flag(conn, flag_id)
        if row is None or not _may_see(principal, row["category"], row["area_code"]):
            raise NotFound(msg("No PPKS flag {id}", id=str(flag_id)))
        if not principal.can(Permission.ppks_verify, row["area_code"]):
            raise Forbidden(msg("You may not verify or reject PPKS flags"))
        previous = FlagStatus(row["status"])
        if not may_decide(previous, decision):
            raise Conflict(msg("The flag is {status} already", status=previous.value))
        now = utcnow()
        store.close_versions(conn, [row["version_id"]], now)
        kept = ("area_code", "household_id", "rule_id", "rule_version", "evidence", "run_id", "registry_at")
        version = {
            "version_id": new_id(),
            "flag_id": flag_id,
            "valid_from": now,
            "valid_to": None,
            "status": decision.value,
            **{name: row[name] for name in kept},
            "decided_by": principal.user_id,
            "decided_by_name": principal.display_name[:120],
            "decided_at": now,
            "decision_note": note,
            "actor_id": principal.user_id,
            "recorded_at": now,
        }
        store.insert_versions(conn, [version])
        event = Event(
            kind=events.PPKS_FLAG_VERIFY if decision is FlagStatus.verified else events.PPKS_FLAG_REJECT,
            actor=principal.actor,
            purpose=Purpose.case_management,
            object_id=str(flag_id),
            area_code=row["area_code"],
            detail={"category": audited_category(row["category"]), "previous": previous.value},
        )
        audit.record(ctx, conn, event)
        decided = store.flag(conn, flag_id)
    assert decided is not None  # written just above
    return view(decided)
