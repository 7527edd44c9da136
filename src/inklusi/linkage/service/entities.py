"""Resolved entities: read one with its members and history; merge two; split records off one.

Areas come from the registry (through its service, scoped and audited): a steward needs
``registry:write`` for the area of every record a merge or an unmerge moves, and reads only entities
whose records (every record they ever held, so a retired entity too) all lie in their read scope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import pyarrow as pa
import pyarrow.compute as pc

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Invalid, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.linkage import store
from inklusi.linkage.model import DecisionKind, EntityKind, LinkReason, Membership
from inklusi.linkage.service.review import decision_row, require_write
from inklusi.linkage.service.writing import move_records, new_entity
from inklusi.registry.service import export_persons


@dataclass(frozen=True)
class MemberView:
    record_id: UUID
    name: str | None
    nik: str | None
    birth_date: object
    village_code: str | None
    since: datetime
    reason: LinkReason


@dataclass(frozen=True)
class EntityView:
    id: UUID
    kind: EntityKind
    created_at: datetime
    retired_into: UUID | None
    members: list[MemberView]
    history: list[Membership]
    decisions: list[dict[str, object]]


def _areas(ctx: Context, principal: Principal, kind: EntityKind, records: list[UUID]) -> dict[UUID, dict]:
    """Registry facts of the records inside the caller's scope (persons, or households by their members)."""
    if kind is EntityKind.person:
        table = export_persons(ctx, principal, person_ids=records)
        return {UUID(row["person_id"]): row for row in table.to_pylist()}
    table = export_persons(ctx, principal)
    wanted = {str(r) for r in records}
    table = table.filter(pc.is_in(table["household_id"], value_set=pa.array(sorted(wanted))))
    found: dict[UUID, dict] = {}
    for row in table.to_pylist():
        if row["relationship"] == 1 or UUID(row["household_id"]) not in found:
            found[UUID(row["household_id"])] = row
    return found


def get_entity(ctx: Context, principal: Principal, entity_id: UUID) -> EntityView:
    with ctx.transaction(readonly=True) as conn:
        row = store.entity(conn, entity_id)
        if row is None:
            raise NotFound(msg("Entity {id} not found", id=str(entity_id)))
        kind = EntityKind(row["kind"])
        current = store.members(conn, entity_id)
        ever = list(dict.fromkeys(m["record_id"] for m in store.members(conn, entity_id, current_only=False)))
        history = store.membership_history(conn, kind, ever)
        decided = store.decisions_about(conn, kind, [entity_id])
    # Judged by every record the entity ever held (a retired entity has no current member, but its
    # history and the stewards' notes are about those records): all must lie in the caller's read scope.
    facts = _areas(ctx, principal, kind, ever)
    if not ever or len(facts) < len(ever):
        raise NotFound(msg("Entity {id} not found", id=str(entity_id)))
    members = [
        MemberView(
            m["record_id"],
            facts[m["record_id"]]["name"],
            facts[m["record_id"]]["nik"],
            facts[m["record_id"]]["birth_date"],
            facts[m["record_id"]]["village_code"],
            m["valid_from"],
            LinkReason(m["reason"]),
        )
        for m in current
    ]
    with ctx.transaction() as conn:
        area = members[0].village_code if members else facts[ever[0]]["village_code"]
        event = Event(
            kind=events.LINKAGE_ENTITY_READ,
            actor=principal.actor,
            purpose=Purpose.data_stewardship,
            object_id=str(entity_id),
            area_code=area,
        )
        audit.record(ctx, conn, event)
    return EntityView(
        entity_id,
        kind,
        row["created_at"],
        row["retired_into"],
        members,
        [
            Membership(
                h["record_id"],
                h["entity_id"],
                h["valid_from"],
                h["valid_to"],
                LinkReason(h["reason"]),
                h["run_id"],
                h["decision_id"],
            )
            for h in history
        ],
        [
            {
                "kind": d["kind"],
                "actor": d["actor_name"],
                "at": d["decided_at"],
                "note": d["note"],
                "detail": json.loads(d["detail"] or "{}"),
            }
            for d in decided
        ],
    )


def entity_of_record(ctx: Context, principal: Principal, kind: EntityKind, record_id: UUID) -> UUID:
    if not _areas(ctx, principal, kind, [record_id]):
        raise NotFound(msg("Record {id} not found", id=str(record_id)))
    with ctx.transaction(readonly=True) as conn:
        found = store.entity_of(conn, kind, record_id)
    if found is None:
        raise NotFound(msg("Record {id} has not been linked yet", id=str(record_id)))
    return found


def merge_entities(
    ctx: Context, principal: Principal, first: UUID, second: UUID, note: str | None = None
) -> UUID:
    """Merge two entities: the older id stays, the other is retired into it. Returns the entity kept."""
    if first == second:
        raise Invalid(msg("An entity cannot be merged with itself"))
    now = utcnow()
    with ctx.transaction(readonly=True) as conn:
        rows = [store.entity(conn, e) for e in (first, second)]
        if any(r is None or r["retired_at"] is not None for r in rows):
            raise NotFound(msg("Both entities must exist and be active"))
        first_row, second_row = (row for row in rows if row is not None)  # both, after the check above
        kind = EntityKind(first_row["kind"])
        if EntityKind(second_row["kind"]) is not kind:
            raise Invalid(msg("A person and a household cannot be merged"))
        keep, other = sorted((first, second), key=str)
        kept = [m["record_id"] for m in store.members(conn, keep)]
        moving = [m["record_id"] for m in store.members(conn, other)]
    facts = _areas(ctx, principal, kind, kept + moving)
    if len(facts) < len(kept) + len(moving):
        raise NotFound(msg("Both entities must exist and be active"))
    require_write(principal, *(facts[r]["village_code"] for r in kept + moving))
    with ctx.transaction() as conn:
        decision_id = new_id()
        store.insert_decision(
            conn,
            decision_row(
                principal,
                DecisionKind.merge,
                kind,
                now,
                id=decision_id,
                record_a=kept[0] if kept else None,
                record_b=moving[0] if moving else None,
                entity_id=keep,
                other_entity_id=other,
                note=note,
                detail={"moved": [str(r) for r in moving]},
            ),
        )
        move_records(conn, kind, moving, keep, at=now, decision_id=decision_id)
        store.retire_entities(conn, {other: keep}, now)
        store.close_pairs_between(conn, kind, kept + moving, now)
        event = Event(
            kind=events.LINKAGE_MERGE,
            actor=principal.actor,
            purpose=Purpose.data_stewardship,
            object_id=str(keep),
            area_code=facts[kept[0]]["village_code"] if kept else None,
            detail={"retired": str(other), "moved": len(moving)},
        )
        audit.record(ctx, conn, event)
    return keep


def unmerge(
    ctx: Context, principal: Principal, entity_id: UUID, records: list[UUID], note: str | None = None
) -> UUID:
    """Split ``records`` off ``entity_id`` into a new entity (they stay together). Returns the new entity."""
    now = utcnow()
    with ctx.transaction(readonly=True) as conn:
        row = store.entity(conn, entity_id)
        if row is None or row["retired_at"] is not None:
            raise NotFound(msg("Entity {id} not found", id=str(entity_id)))
        kind = EntityKind(row["kind"])
        members = [m["record_id"] for m in store.members(conn, entity_id)]
    moving = [r for r in dict.fromkeys(records) if r in members]
    if not moving or len(moving) == len(members):
        raise Invalid(msg("Choose some, but not all, of the entity's records to split off"))
    stayed = [r for r in members if r not in moving]
    facts = _areas(ctx, principal, kind, members)
    if len(facts) < len(members):
        raise NotFound(msg("Entity {id} not found", id=str(entity_id)))
    require_write(principal, *(facts[r]["village_code"] for r in moving))
    with ctx.transaction() as conn:
        decision_id = new_id()
        created = new_entity(conn, kind, now)
        store.insert_decision(
            conn,
            decision_row(
                principal,
                DecisionKind.unmerge,
                kind,
                now,
                id=decision_id,
                record_a=stayed[0],
                record_b=moving[0],
                entity_id=entity_id,
                other_entity_id=created,
                note=note,
                detail={"moved": [str(r) for r in moving], "stayed": [str(r) for r in stayed]},
            ),
        )
        move_records(conn, kind, moving, created, at=now, decision_id=decision_id)
        event = Event(
            kind=events.LINKAGE_UNMERGE,
            actor=principal.actor,
            purpose=Purpose.data_stewardship,
            object_id=str(entity_id),
            area_code=facts[moving[0]]["village_code"],
            detail={"created": str(created), "moved": len(moving)},
        )
        audit.record(ctx, conn, event)
    return created
