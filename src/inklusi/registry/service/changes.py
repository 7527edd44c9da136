"""Changing the registry: register households, change households and persons, move people.

Every change closes the current version and writes the next, plus one audit entry, in one transaction.
Input is checked first and refused whole, with every problem named; the database enforces the
invariants as a last line (its refusals become clear conflicts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.registry.checks import check_assets, check_dwelling, check_nik_matches, check_person
from inklusi.registry.model import Dwelling, PersonData, Relationship
from inklusi.registry.service.guards import (
    Written,
    audit_write,
    moment,
    raise_if_errors,
    refusals_as_conflicts,
    require_write,
    village_issues,
)
from inklusi.registry.store import versions as store
from inklusi.wilayah import service as wilayah

Record = TypeVar("Record", Dwelling, PersonData)


def _supersede(conn: Connection, kind: str, current: RowMapping, valid_from: datetime) -> None:
    """End ``current`` at ``valid_from``, the start of its successor.

    A successor may not start before the version it replaces (no rewriting of the past), and the version
    must still be current: if another change ended it meanwhile, this one is refused, not merged.
    """
    if valid_from < current["valid_from"]:
        raise Conflict(
            msg(
                "A newer version already starts at {at}; changes cannot be dated before it",
                at=current["valid_from"].isoformat(),
            )
        )
    if not store.close_version(conn, kind, current["version_id"], valid_from):
        raise Conflict(msg("Someone else changed this record at the same time: reload it and try again"))


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
) -> UUID:
    """Write a new household version with ``changes`` (dwelling fields) and/or a new asset list.

    Returns the current version id; if nothing actually changes, no version is written.
    """
    now = utcnow()
    valid_from = moment(valid_from, now)
    with ctx.transaction() as conn, refusals_as_conflicts():
        written = Written(principal, source, batch_id, valid_from, now)
        return change_household(ctx, conn, written, household_id, changes, assets)


def change_household(
    ctx: Context,
    conn: Connection,
    written: Written,
    household_id: UUID,
    changes: Mapping[str, object] | None,
    assets: Mapping[str, float] | None = None,
) -> UUID:
    """:func:`update_household` inside the caller's transaction."""
    principal = written.principal
    current = _writable_household(conn, principal, household_id)
    dwelling = store.to_dwelling(current)
    updated, issues = revised_dwelling(ctx, dwelling, changes or {})
    old_assets = store.assets_of(conn, [current["version_id"]]).get(current["version_id"], {})
    new_assets = {k: v for k, v in assets.items() if v} if assets is not None else old_assets
    if updated == dwelling and new_assets == old_assets:
        return current["version_id"]
    raise_if_errors(issues + check_assets(new_assets), msg("The household was not changed"))
    require_write(principal, updated.village_code)
    _supersede(conn, "household", current, written.valid_from)
    version_id = store.insert_version(
        conn, "household", {**written.provenance(), **asdict(updated), "household_id": household_id}
    )
    store.insert_assets(conn, {version_id: new_assets})
    changed = sorted(k for k, v in asdict(updated).items() if getattr(dwelling, k) != v)
    audit_write(
        ctx,
        conn,
        principal,
        events.HOUSEHOLD_UPDATE,
        household_id,
        updated.village_code,
        fields=changed,
        assets_changed=new_assets != old_assets,
        source=written.source,
    )
    return version_id


def _writable_household(conn: Connection, principal: Principal, household_id: UUID) -> RowMapping:
    current = store.household_at(conn, household_id, None, principal.scope(Permission.registry_read))
    if current is None:
        raise NotFound(msg("Household {id} not found", id=str(household_id)))
    require_write(principal, current["village_code"])
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
) -> UUID:
    """Write a new version of the person with ``changes``; returns the current version id."""
    now = utcnow()
    valid_from = moment(valid_from, now)
    with ctx.transaction() as conn:
        return change_person(
            ctx, conn, Written(principal, source, batch_id, valid_from, now), person_id, changes
        )


def change_person(
    ctx: Context, conn: Connection, written: Written, person_id: UUID, changes: Mapping[str, object]
) -> UUID:
    """:func:`update_person` inside the caller's transaction."""
    principal = written.principal
    current, village = person_in_reach(conn, principal, person_id)
    require_write(principal, village)
    programmes = store.programmes_of(conn, "person", [current["version_id"]])[current["version_id"]]
    person = store.to_person(current, programmes)
    updated, issues = revised_person(person, changes, written.now.date())
    if updated == person:
        return current["version_id"]
    raise_if_errors(issues, msg("The person was not changed"))
    _supersede(conn, "person", current, written.valid_from)
    version_id = store.insert_person_version(conn, written.provenance(), person_id, updated)
    changed = sorted(k for k in asdict(updated) if getattr(person, k) != getattr(updated, k))
    audit_write(
        ctx,
        conn,
        principal,
        events.PERSON_UPDATE,
        person_id,
        village,
        fields=changed,
        source=written.source,
    )
    return version_id


def revised_dwelling(
    ctx: Context, dwelling: Dwelling, changes: Mapping[str, object]
) -> tuple[Dwelling, list[Issue]]:
    """The dwelling with ``changes`` applied, and everything wrong with the result."""
    updated = _replaced(dwelling, changes)
    issues = check_dwelling(updated)
    if updated.village_code != dwelling.village_code:
        issues += village_issues(updated.village_code, wilayah.area_names(ctx, {updated.village_code}))
    return updated, issues


def revised_person(
    person: PersonData, changes: Mapping[str, object], today: date
) -> tuple[PersonData, list[Issue]]:
    """The person with ``changes`` applied, and everything wrong with the result."""
    updated = _replaced(person, changes)
    issues = check_person(updated, "", today)
    if updated.nik:
        issues += check_nik_matches(updated, wilayah.check_nik(updated.nik, today), "")
    return updated, issues


def _replaced(record: Record, changes: Mapping[str, Any]) -> Record:  # checked after, as a whole
    try:
        return replace(record, **changes)
    except TypeError as error:
        raise Invalid(msg("Unknown field: {error}", error=str(error))) from error


def person_in_reach(conn: Connection, principal: Principal, person_id: UUID) -> tuple[RowMapping, str]:
    """The person's current version and village, if the principal may read them; else "not found"."""
    current = store.version_at(conn, "person", person_id)
    _membership, village = store.person_location(conn, person_id, None)
    if current is None or village is None or not principal.can(Permission.registry_read, village):
        raise NotFound(msg("Person {id} not found", id=str(person_id)))
    return current, village


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
    """End the person's current membership (if any) and start one in ``family_id``. A person registered
    outside any household joins the family this way: their row outside households ends at the same moment."""
    now = utcnow()
    valid_from = moment(valid_from, now)
    read_scope = principal.scope(Permission.registry_read)
    with ctx.transaction() as conn, refusals_as_conflicts():
        membership, old_village = store.person_location(conn, person_id, None)
        target = store.version_at(conn, "family", family_id)
        target_home = target and store.household_at(conn, target["household_id"], None, read_scope)
        if old_village is None or not read_scope.covers(old_village) or target_home is None:
            raise NotFound(msg("Person or family not found"))
        require_write(principal, old_village)
        require_write(principal, target_home["village_code"])
        if relationship is Relationship.head and store.current_head(conn, family_id) is not None:
            raise Conflict(msg("This family already has a head"))
        written = Written(principal, source, batch_id, valid_from, now).provenance()
        if membership is not None and membership["valid_to"] is None:
            _supersede(conn, "membership", membership, valid_from)
        outside = store.version_at(conn, "outside", person_id)
        if outside is not None:  # found in a household: no longer outside one (history keeps the row)
            _supersede(conn, "outside", outside, valid_from)
        store.insert_version(
            conn,
            "membership",
            {
                **written,
                "family_id": family_id,
                "person_id": person_id,
                "relationship": int(relationship),
            },
        )
        audit_write(
            ctx,
            conn,
            principal,
            events.PERSON_MOVE,
            person_id,
            target_home["village_code"],
            family_id=str(family_id),
            relationship=int(relationship),
            source=source,
            **({"from_outside": outside["area_code"]} if outside is not None else {}),
        )
