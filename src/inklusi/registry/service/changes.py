"""Changing the registry: register households, change households and persons, move people.

Every change closes the current version and writes the next, plus one audit entry, in one transaction.
Input is checked first and refused whole, with every problem named; the database enforces the
invariants as a last line (its refusals become clear conflicts).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from inklusi.access.model import Permission, Principal
from inklusi.audit import service as audit
from inklusi.audit.model import Event, Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import Text, msg
from inklusi.ids import new_id
from inklusi.registry import store
from inklusi.registry.model import (
    HouseholdData,
    MemberData,
    Relationship,
    check_assets,
    check_dwelling,
    check_household,
    check_nik_matches,
    check_person,
)
from inklusi.wilayah import service as wilayah

# When the database refuses a write: how PostgreSQL names the constraint, how SQLite describes it, and
# what to tell the user.
_REFUSALS = (
    (
        "uq_family_version_current_kk",
        "family_version.kk_number",
        msg("This KK number already belongs to another family"),
    ),
    (
        "uq_family_member_current_person",
        "family_member.person_id",
        msg("This person already belongs to a family"),
    ),
    (
        "uq_family_member_current_head",
        "family_member.family_id",
        msg("This family already has a head"),
    ),
)


@contextmanager
def _refusals_as_conflicts() -> Iterator[None]:
    try:
        yield
    except IntegrityError as error:
        reason = str(error.orig)
        for postgresql_name, sqlite_text, message in _REFUSALS:
            if postgresql_name in reason or sqlite_text in reason:
                raise Conflict(message) from error
        raise


@dataclass(frozen=True)
class Registered:
    household_id: UUID
    family_ids: tuple[UUID, ...]
    person_ids: tuple[UUID, ...]
    warnings: tuple[Issue, ...]


def _raise_if_errors(issues: list[Issue], summary: Text) -> tuple[Issue, ...]:
    """Raise :class:`Invalid` with every issue if any is an error; return the warnings."""
    if any(issue.severity == "error" for issue in issues):
        raise Invalid(summary, issues)
    return tuple(issues)


def _check_numbers(data: HouseholdData, today: date) -> list[Issue]:
    issues: list[Issue] = []
    for f_index, family in enumerate(data.families):
        if family.kk_number:
            check = wilayah.check_kk(family.kk_number, today, f"families[{f_index}].kk_number")
            issues += check.issues
        for m_index, member in enumerate(family.members):
            if member.person.nik:
                path = f"families[{f_index}].members[{m_index}]."
                issues += check_nik_matches(member.person, wilayah.check_nik(member.person.nik, today), path)
    return issues


def _require_write(principal: Principal, village_code: str) -> None:
    if not principal.can(Permission.registry_write, village_code):
        raise Forbidden(msg("You may not change the registry in area {code}", code=village_code))


def _provenance(
    principal: Principal, source: str, batch_id: UUID | None, valid_from: datetime, now: datetime
) -> dict[str, object]:
    return {
        "valid_from": valid_from,
        "source": source,
        "batch_id": batch_id,
        "actor_id": principal.user_id,
        "recorded_at": now,
    }


def _audit_write(ctx, conn, principal, action, kind, id_, village_code, **detail) -> None:
    event = Event(principal.actor, action, kind, str(id_), Purpose.registry_update, village_code, detail)
    audit.record(ctx, conn, event)


def register_household(
    ctx: Context,
    principal: Principal,
    data: HouseholdData,
    *,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
) -> Registered:
    """Create a household with its families and members; all or nothing."""
    today = date.today()
    issues = check_household(data, today) + _check_numbers(data, today)
    if not any(issue.code == "area.not_village" for issue in issues):  # well-formed: does it exist?
        issues += wilayah.check_code(ctx, data.dwelling.village_code, "dwelling.village_code")
    warnings = _raise_if_errors(issues, msg("The household was not registered"))
    _require_write(principal, data.dwelling.village_code)
    now = utcnow()
    provenance = _provenance(principal, source, batch_id, valid_from or now, now)
    household_id, family_ids, person_ids = new_id(), [], []
    with ctx.transaction() as conn, _refusals_as_conflicts():
        store.insert_identity(conn, "household", household_id, now)
        version_id = store.insert_version(
            conn, "household", {**provenance, **asdict(data.dwelling), "household_id": household_id}
        )
        store.insert_assets(conn, version_id, data.assets)
        for family in data.families:
            family_id = new_id()
            family_ids.append(family_id)
            store.insert_identity(conn, "family", family_id, now)
            family_version = store.insert_version(
                conn,
                "family",
                {
                    **provenance,
                    "family_id": family_id,
                    "household_id": household_id,
                    "kk_number": family.kk_number,
                },
            )
            store.insert_programmes(conn, "family", family_version, family.programmes)
            for member in family.members:
                person_ids.append(_insert_member(conn, provenance, family_id, member, now))
        _audit_write(
            ctx,
            conn,
            principal,
            "household.create",
            "household",
            household_id,
            data.dwelling.village_code,
            source=source,
            persons=len(person_ids),
        )
    return Registered(household_id, tuple(family_ids), tuple(person_ids), warnings)


def _insert_member(
    conn: Connection, provenance: dict, family_id: UUID, member: MemberData, now: datetime
) -> UUID:
    person_id = new_id()
    store.insert_identity(conn, "person", person_id, now)
    store.insert_person_version(conn, provenance, person_id, member.person)
    store.insert_version(
        conn,
        "membership",
        {
            **provenance,
            "family_id": family_id,
            "person_id": person_id,
            "relationship": int(member.relationship),
        },
    )
    return person_id


def _succeed(current: RowMapping, valid_from: datetime) -> None:
    """A new version may not start before the one it replaces (no rewriting of the past)."""
    if valid_from < current["valid_from"]:
        raise Conflict(
            msg(
                "A newer version already starts at {at}; changes cannot be dated before it",
                at=current["valid_from"].isoformat(),
            )
        )


def update_household(
    ctx: Context,
    principal: Principal,
    household_id: UUID,
    changes: Mapping[str, object] | None = None,
    *,
    assets: Mapping[str, float] | None = None,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
) -> int:
    """Write a new household version with ``changes`` (dwelling fields) and/or a new asset list.

    Returns the current version id; if nothing actually changes, no version is written.
    """
    now = utcnow()
    valid_from = valid_from or now
    with ctx.transaction() as conn, _refusals_as_conflicts():
        current = _writable_household(conn, principal, household_id)
        dwelling = store.to_dwelling(current)
        try:
            updated = replace(dwelling, **(changes or {}))
        except TypeError as error:
            raise Invalid(msg("Unknown field: {error}", error=str(error))) from error
        old_assets = store.assets_of(conn, [current["version_id"]]).get(current["version_id"], {})
        new_assets = dict(assets) if assets is not None else old_assets
        if updated == dwelling and new_assets == old_assets:
            return current["version_id"]
        issues = check_dwelling(updated) + check_assets(new_assets)
        _raise_if_errors(issues, msg("The household was not changed"))
        _require_write(principal, updated.village_code)
        _succeed(current, valid_from)
        store.close_version(conn, "household", current["version_id"], valid_from)
        version_id = store.insert_version(
            conn,
            "household",
            {
                **_provenance(principal, source, batch_id, valid_from, now),
                **asdict(updated),
                "household_id": household_id,
            },
        )
        store.insert_assets(conn, version_id, new_assets)
        changed = sorted(k for k, v in asdict(updated).items() if getattr(dwelling, k) != v)
        _audit_write(
            ctx,
            conn,
            principal,
            "household.update",
            "household",
            household_id,
            updated.village_code,
            fields=changed,
            assets_changed=new_assets != old_assets,
            source=source,
        )
        return version_id


def _writable_household(conn: Connection, principal: Principal, household_id: UUID) -> RowMapping:
    current = store.household_at(conn, household_id, None, principal.scope(Permission.registry_read))
    if current is None:
        raise NotFound(msg("Household {id} not found", id=str(household_id)))
    _require_write(principal, current["village_code"])
    return current


def update_person(
    ctx: Context,
    principal: Principal,
    person_id: UUID,
    changes: Mapping[str, object],
    *,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
) -> int:
    now = utcnow()
    valid_from = valid_from or now
    with ctx.transaction() as conn:
        current = store.version_at(conn, "person", person_id)
        _membership, village = store.person_location(conn, person_id, None)
        if current is None or village is None or not principal.can(Permission.registry_read, village):
            raise NotFound(msg("Person {id} not found", id=str(person_id)))
        _require_write(principal, village)
        programmes = store.programmes_of(conn, "person", [current["version_id"]])[current["version_id"]]
        person = store.to_person(current, programmes)
        try:
            updated = replace(person, **changes)
        except TypeError as error:
            raise Invalid(msg("Unknown field: {error}", error=str(error))) from error
        if updated == person:
            return current["version_id"]
        issues = check_person(updated, "", now.date())
        if updated.nik:
            issues += check_nik_matches(updated, wilayah.check_nik(updated.nik, now.date()), "")
        _raise_if_errors(issues, msg("The person was not changed"))
        _succeed(current, valid_from)
        store.close_version(conn, "person", current["version_id"], valid_from)
        version_id = store.insert_person_version(
            conn, _provenance(principal, source, batch_id, valid_from, now), person_id, updated
        )
        changed = sorted(k for k in asdict(updated) if getattr(person, k) != getattr(updated, k))
        _audit_write(
            ctx,
            conn,
            principal,
            "person.update",
            "person",
            person_id,
            village,
            fields=changed,
            source=source,
        )
        return version_id


def move_person(
    ctx: Context,
    principal: Principal,
    person_id: UUID,
    family_id: UUID,
    relationship: Relationship,
    *,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
) -> None:
    """End the person's current membership (if any) and start one in ``family_id``."""
    now = utcnow()
    valid_from = valid_from or now
    read_scope = principal.scope(Permission.registry_read)
    with ctx.transaction() as conn, _refusals_as_conflicts():
        membership, old_village = store.person_location(conn, person_id, None)
        target = store.version_at(conn, "family", family_id)
        target_home = target and store.household_at(conn, target["household_id"], None, read_scope)
        if old_village is None or not read_scope.covers(old_village) or target_home is None:
            raise NotFound(msg("Person or family not found"))
        _require_write(principal, old_village)
        _require_write(principal, target_home["village_code"])
        if relationship is Relationship.head and store.current_head(conn, family_id) is not None:
            raise Conflict(msg("This family already has a head"))
        provenance = _provenance(principal, source, batch_id, valid_from, now)
        if membership is not None and membership["valid_to"] is None:
            _succeed(membership, valid_from)
            store.close_version(conn, "membership", membership["version_id"], valid_from)
        store.insert_version(
            conn,
            "membership",
            {
                **provenance,
                "family_id": family_id,
                "person_id": person_id,
                "relationship": int(relationship),
            },
        )
        _audit_write(
            ctx,
            conn,
            principal,
            "person.move",
            "person",
            person_id,
            target_home["village_code"],
            family_id=str(family_id),
            relationship=int(relationship),
            source=source,
        )
