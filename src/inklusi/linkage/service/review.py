"""The stewards' side: the review queue, one pair with its evidence, decisions, merges and unmerges.

Reads show only pairs whose two records both live inside the caller's read scope (anything else is "not
found"); deciding needs ``registry:write`` for both records' areas. Every read of the queue or a pair and
every decision is audited in its own transaction, with the purpose ``data_stewardship``. Decisions are
appended, memberships are closed and reopened, entities retired: nothing is deleted, and each later run
respects them (same person: must link; different: never link; an unmerge keeps the records apart).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy.engine import RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.linkage import store
from inklusi.linkage.evidence import from_json
from inklusi.linkage.model import DecisionKind, EntityKind, PairStatus, ReviewPair
from inklusi.linkage.service.writing import move_records, new_entity
from inklusi.registry.service import export_persons


def _review_pair(row: RowMapping, entities: dict[UUID, UUID] | None = None) -> ReviewPair:
    entities = entities or {}
    return ReviewPair(
        id=row["id"],
        kind=EntityKind(row["kind"]),
        record_a=row["record_a"],
        record_b=row["record_b"],
        match_probability=row["match_probability"],
        status=PairStatus(row["status"]),
        reason=row["reason"],
        created_at=row["created_at"],
        area_a=row["area_a"],
        area_b=row["area_b"],
        evidence=from_json(json.loads(row["evidence"])),
        entity_a=entities.get(row["record_a"]),
        entity_b=entities.get(row["record_b"]),
    )


@dataclass(frozen=True)
class Queue:
    pairs: list[ReviewPair]
    total: int


def review_queue(
    ctx: Context,
    principal: Principal,
    *,
    kind: EntityKind = EntityKind.person,
    limit: int = 50,
    offset: int = 0,
) -> Queue:
    """Pending pairs in the caller's scope, the most doubtful first, with their evidence."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        rows = store.pending_pairs(conn, kind, scope, limit=limit, offset=offset)
        total = store.count_pending(conn, kind, scope)
        detail = {"pairs": [str(row["id"]) for row in rows], "offset": offset}
        event = Event(
            kind=events.LINKAGE_QUEUE_READ,
            actor=principal.actor,
            purpose=Purpose.data_stewardship,
            detail=detail,
        )
        audit.record(ctx, conn, event)
    return Queue([_review_pair(row) for row in rows], total)


def count_pending(ctx: Context, principal: Principal, kind: EntityKind = EntityKind.person) -> int:
    """How many pairs wait in the caller's scope (a count, no personal data: not audited)."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        return store.count_pending(conn, kind, scope)


def get_pair(ctx: Context, principal: Principal, pair_id: UUID) -> ReviewPair:
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        row = store.pair(conn, pair_id, scope)
        if row is None:
            raise NotFound(msg("Pair {id} not found", id=str(pair_id)))
        kind = EntityKind(row["kind"])
        entities = {r: store.entity_of(conn, kind, r) for r in (row["record_a"], row["record_b"])}
        event = Event(
            kind=events.LINKAGE_PAIR_READ,
            actor=principal.actor,
            purpose=Purpose.data_stewardship,
            object_id=str(pair_id),
            area_code=row["area_a"],
        )
        audit.record(ctx, conn, event)
    return _review_pair(row, {k: v for k, v in entities.items() if v is not None})


@dataclass(frozen=True)
class RecordFacts:
    """What a steward needs to decide about one record of a pair (no internal ids shown)."""

    record_id: UUID
    name: str
    sex: int | None
    birth_date: date | None
    relationship: int | None
    household_id: UUID | None  # None: a person registered outside any household
    village_code: str
    source: str

    def age(self, today: date | None = None) -> int | None:
        if self.birth_date is None:
            return None
        today = today or date.today()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def pair_records(ctx: Context, principal: Principal, pair: ReviewPair) -> list[RecordFacts]:
    """The two records of a pair as the registry holds them now (scoped and audited by the registry)."""
    table = export_persons(ctx, principal, person_ids=[pair.record_a, pair.record_b])
    rows = {UUID(row["person_id"]): row for row in table.to_pylist()}
    return [
        RecordFacts(
            record,
            row["name"],
            row["sex"],
            row["birth_date"],
            row["relationship"],
            UUID(row["household_id"]) if row["household_id"] else None,
            row["village_code"],
            row["source"],
        )
        for record in (pair.record_a, pair.record_b)
        if (row := rows.get(record)) is not None
    ]


def decide(
    ctx: Context, principal: Principal, pair_id: UUID, kind: DecisionKind, note: str | None = None
) -> UUID:
    """A steward's decision on a pair: the same person (their entities merge, the older id stays) or not
    (if one entity holds both, the second record moves to an entity of its own). Returns the decision."""
    if kind not in (DecisionKind.match, DecisionKind.non_match):
        raise Invalid(msg("A pair is decided as match or non_match"))
    scope = principal.require(Permission.registry_read)
    now = utcnow()
    with ctx.transaction() as conn:
        row = store.pair(conn, pair_id, scope)
        if row is None:
            raise NotFound(msg("Pair {id} not found", id=str(pair_id)))
        require_write(principal, row["area_a"], row["area_b"])
        if row["status"] != PairStatus.pending.value:
            raise Conflict(msg("This pair has already been decided or superseded"))
        entity_kind = EntityKind(row["kind"])
        a, b = row["record_a"], row["record_b"]
        entity_a, entity_b = store.entity_of(conn, entity_kind, a), store.entity_of(conn, entity_kind, b)
        decision_id = new_id()
        values: dict[str, object] = {"record_a": a, "record_b": b, "pair_id": pair_id, "note": note}
        moves: list[tuple[list[UUID], UUID | None]] = []
        if kind is DecisionKind.match and (entity_a != entity_b or entity_a is None):
            present = sorted({e for e in (entity_a, entity_b) if e is not None}, key=str)
            keep = present[0] if present else None  # the older entity stays (UUIDv7 ids sort by time)
            other = present[1] if len(present) > 1 else None
            moving = [m["record_id"] for m in store.members(conn, other)] if other else []
            moving += [r for r, e in ((a, entity_a), (b, entity_b)) if e is None]
            moves.append((moving, keep))
            values |= {
                "entity_id": keep,
                "other_entity_id": other,
                "detail": {"moved": [str(r) for r in moving]},
            }
        elif kind is DecisionKind.non_match and entity_a is not None and entity_a == entity_b:
            moves.append(([b], None))
            values |= {"entity_id": entity_a, "detail": {"moved": [str(b)], "stayed": [str(a)]}}
        store.insert_decision(conn, decision_row(principal, kind, entity_kind, now, id=decision_id, **values))
        for records, into in moves:
            target = into or new_entity(conn, entity_kind, now)
            move_records(conn, entity_kind, records, target, at=now, decision_id=decision_id)
        store.close_pair(conn, pair_id, PairStatus.decided, now)
        detail = {"decision": kind.value, "entity_a": str(entity_a), "entity_b": str(entity_b)}
        event = Event(
            kind=events.LINKAGE_MATCH if kind is DecisionKind.match else events.LINKAGE_NON_MATCH,
            actor=principal.actor,
            purpose=Purpose.data_stewardship,
            object_id=str(pair_id),
            area_code=row["area_a"],
            detail=detail,
        )
        audit.record(ctx, conn, event)
    return decision_id


def require_write(principal: Principal, *areas: str | None) -> None:
    for area in areas:
        if area is None or not principal.can(Permission.registry_write, area):
            raise Forbidden(msg("You may not decide on records in area {code}", code=area or "?"))


def decision_row(principal, kind: DecisionKind, entity_kind: EntityKind, at, **values) -> dict[str, object]:
    return {
        "id": values.pop("id", None) or new_id(),
        "kind": kind.value,
        "entity_kind": entity_kind.value,
        "actor_id": principal.user_id,
        "actor_name": principal.username,
        "decided_at": at,
        **values,
    }
