"""Reading the registry: households (now or as of a date), their history, persons.

Reads see only households inside the caller's area scope (filtered in SQL); anything outside it is
"not found", exactly like an id that does not exist. Every read is audited with its purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal, Scope
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.registry.history import Change, household_history
from inklusi.registry.model import (
    HouseholdRecord,
    PersonRecord,
    Relationship,
)
from inklusi.registry.store import records, resolution
from inklusi.registry.store import versions as store
from inklusi.wilayah import service as wilayah


def get_household(
    ctx: Context,
    principal: Principal,
    household_id: UUID,
    *,
    as_of: datetime | None = None,
    purpose: Purpose = Purpose.registry_view,
) -> HouseholdRecord:
    """The household as it is now, or as it was at ``as_of``."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        return _read_household(ctx, conn, principal, scope, household_id, as_of, purpose)


def _read_household(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    scope: Scope,
    household_id: UUID,
    as_of: datetime | None,
    purpose: Purpose,
    **detail: object,
) -> HouseholdRecord:
    """The household in scope (else not found), its read audited as ``household.read`` with ``detail``."""
    record = household_record_in(conn, scope, household_id, as_of=as_of)
    event = Event(
        kind=events.HOUSEHOLD_READ,
        actor=principal.actor,
        purpose=purpose,
        object_id=str(household_id),
        area_code=record.dwelling.village_code,
        detail=detail | ({"as_of": as_of.isoformat()} if as_of else {}),
    )
    audit.record(ctx, conn, event)
    return record


def get_household_history(
    ctx: Context,
    principal: Principal,
    household_id: UUID,
    *,
    purpose: Purpose = Purpose.registry_view,
) -> list[Change]:
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        latest = store.household_in_scope(conn, household_id, scope)
        if latest is None:
            raise NotFound(msg("Household {id} not found", id=str(household_id)))
        changes = _history(conn, household_id)
        event = Event(
            kind=events.HOUSEHOLD_HISTORY,
            actor=principal.actor,
            purpose=purpose,
            object_id=str(household_id),
            area_code=latest["village_code"],
        )
        audit.record(ctx, conn, event)
        return changes


def _history(conn: Connection, household_id: UUID) -> list[Change]:
    family_ids = records.family_ids_ever_in(conn, household_id)
    stays = records.membership_snapshots(conn, family_ids)
    person_ids = sorted({s.entity_id for s in stays})
    persons = records.snapshots(conn, "person", person_ids)
    names = {s.entity_id: str(s.values["name"]) for s in persons}
    return household_history(
        records.snapshots(conn, "household", [household_id]),
        records.snapshots(conn, "family", family_ids),
        stays,
        persons,
        names,
    )


@dataclass(frozen=True)
class HouseholdView:
    """What the household page shows: the record (now or as of a date), its history, where it lies, the
    names of the places its history moves between and of the users who changed it."""

    record: HouseholdRecord
    history: list[Change]
    place: wilayah.AreaWithLineage
    villages: dict[str, str]  # village code → name, for the moves in the history
    actors: dict[UUID, str]  # user id → display name


def view_household(
    ctx: Context,
    principal: Principal,
    household_id: UUID,
    *,
    as_of: datetime | None = None,
    purpose: Purpose = Purpose.registry_view,
) -> HouseholdView:
    """The household page's read: record, history and the names it shows, in one transaction and one
    audit entry (``household.read`` with ``history``)."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        record = _read_household(ctx, conn, principal, scope, household_id, as_of, purpose, history=True)
        history = _history(conn, household_id)
        moves = {v for c in history for f in c.fields if f.field == "village_code" for v in (f.old, f.new)}
        return HouseholdView(
            record=record,
            history=history,
            place=wilayah.get_with_ancestors_in(conn, record.dwelling.village_code),
            villages=wilayah.area_names_in(conn, {str(code) for code in moves if code}),
            actors=access.display_names_in(conn, {c.version.actor_id for c in history if c.version.actor_id}),
        )


def household_record_in(
    conn: Connection, scope: Scope, household_id: UUID, *, as_of: datetime | None = None
) -> HouseholdRecord:
    """The household (now or at ``as_of``) inside the caller's transaction, which audits the read with its
    own entry (a welfare explanation reads the household as its ranking saw it). Outside ``scope``: not
    found."""
    record = records.household_record(conn, household_id, as_of, scope)
    if record is None:
        raise NotFound(msg("Household {id} not found", id=str(household_id)))
    return record


def get_person(
    ctx: Context,
    principal: Principal,
    person_id: UUID,
    *,
    as_of: datetime | None = None,
    purpose: Purpose = Purpose.registry_view,
) -> PersonRecord:
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        row = store.version_at(conn, "person", person_id, as_of)
        _now, village = store.person_location(conn, person_id, None)  # scope: where they live now
        membership, _then = store.person_location(conn, person_id, as_of)
        outside = None if membership is not None else store.outside_at(conn, person_id, as_of)
        if row is None or village is None or not scope.covers(village):
            raise NotFound(msg("Person {id} not found", id=str(person_id)))
        if membership is None and (outside is None or not store.is_valid_at(outside, as_of)):
            # (neither in a family nor registered outside one at ``as_of``: between two families)
            raise NotFound(msg("Person {id} not found", id=str(person_id)))
        programmes = store.programmes_of(conn, "person", [row["version_id"]])[row["version_id"]]
        family_row = store.version_at(conn, "family", membership["family_id"], as_of) if membership else None
        record = PersonRecord(
            id=person_id,
            data=store.to_person(row, programmes),
            version=store.to_version(row),
            household_id=family_row["household_id"] if family_row else None,
            family_id=membership["family_id"] if membership else None,
            relationship=Relationship(membership["relationship"]) if membership else None,
            resolved_into=resolution.resolved_into_at(conn, "person", person_id, as_of),
            outside=store.to_outside(outside) if outside is not None and membership is None else None,
        )
        audit.record(
            ctx,
            conn,
            Event(
                kind=events.PERSON_READ,
                actor=principal.actor,
                purpose=purpose,
                object_id=str(person_id),
                area_code=village,
            ),
        )
        return record


def count_households(ctx: Context) -> int:
    """How many households the registry holds now, each once: duplicates resolved into another household
    are not counted (no personal data: not audited)."""
    with ctx.transaction(readonly=True) as conn:
        return resolution.count_unresolved(conn, "household")
