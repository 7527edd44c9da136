"""Writing what linkage decided into the overlay: entities and temporal memberships, review pairs."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from uuid import UUID

import numpy as np
from sqlalchemy.engine import Connection

from inklusi.ids import new_id
from inklusi.linkage import store
from inklusi.linkage.assignment import Assignment, assign
from inklusi.linkage.evidence import as_json, evidence_rows
from inklusi.linkage.model import EntityKind, LinkReason, PairStatus, ordered


def apply_groups(
    conn: Connection,
    kind: EntityKind,
    records: Sequence[UUID],
    groups: Sequence[Hashable],
    *,
    at: datetime,
    run_id: UUID | None = None,
    decision_id: UUID | None = None,
    reasons: Mapping[UUID, LinkReason] | None = None,
    default_reason: LinkReason = LinkReason.model,
) -> Assignment:
    """Put ``records`` in entities by ``groups`` (stable ids, see :mod:`inklusi.linkage.assignment`)."""
    current = store.current_memberships(conn, kind)
    touched = set(records)
    elsewhere: dict[UUID, int] = {}
    for record, entity in current.items():
        if record not in touched:
            elsewhere[entity] = elsewhere.get(entity, 0) + 1
    result = assign(records, groups, current, new_id, elsewhere)
    if result.created:
        store.insert_entities(
            conn, [{"id": e, "kind": kind.value, "created_at": at, "run_id": run_id} for e in result.created]
        )
    moved_before = [r for r in result.moved if r in current]
    store.close_memberships(conn, kind, moved_before, at)
    reasons = reasons or {}
    store.insert_memberships(
        conn,
        [
            {
                "id": new_id(),
                "kind": kind.value,
                "record_id": record,
                "entity_id": result.target[record],
                "valid_from": at,
                "reason": reasons.get(record, default_reason).value,
                "run_id": run_id,
                "decision_id": decision_id,
            }
            for record in result.moved
        ],
    )
    store.retire_entities(conn, result.retired, at)
    return result


def review_rows(
    kind: EntityKind,
    pairs,  # pa.Table of Splink predictions (with unique_id_l/_r)
    chosen: np.ndarray,
    reasons: Sequence[str],
    areas: Mapping[str, str | None],
    model: dict,
    run_id: UUID,
    at: datetime,
) -> list[dict[str, object]]:
    """Rows of ``linkage_pair`` for the chosen predictions, with their evidence."""
    picked = pairs.take(chosen)
    evidence = evidence_rows(picked, model)
    left = picked["unique_id_l"].to_pylist()
    right = picked["unique_id_r"].to_pylist()
    probability = picked["match_probability"].to_pylist()
    weight = picked["match_weight"].to_pylist()
    rows, seen = [], set()
    for index, (a, b) in enumerate(zip(left, right, strict=True)):
        record_a, record_b = ordered(UUID(a), UUID(b))
        if (record_a, record_b) in seen:
            continue
        seen.add((record_a, record_b))
        rows.append(
            {
                "id": new_id(),
                "kind": kind.value,
                "record_a": record_a,
                "record_b": record_b,
                "run_id": run_id,
                "match_probability": float(probability[index]),
                "match_weight": float(weight[index] if weight[index] is not None else 0.0),
                "reason": reasons[index][:40],
                "evidence": json.dumps(as_json(evidence[index]), ensure_ascii=False),
                "area_a": areas.get(str(record_a)),
                "area_b": areas.get(str(record_b)),
                "status": PairStatus.pending.value,
                "created_at": at,
            }
        )
    return rows


def move_records(
    conn: Connection,
    kind: EntityKind,
    records: Sequence[UUID],
    into: UUID,
    *,
    at: datetime,
    decision_id: UUID | None,
    reason: LinkReason = LinkReason.steward,
) -> list[UUID]:
    """Move records into entity ``into``; entities left empty are retired into it. Returns them."""
    current = store.current_memberships(conn, kind)
    moving = [r for r in records if current.get(r) != into]
    left_behind = {current[r] for r in moving if r in current}
    store.close_memberships(conn, kind, [r for r in moving if r in current], at)
    store.insert_memberships(
        conn,
        [
            {
                "id": new_id(),
                "kind": kind.value,
                "record_id": record,
                "entity_id": into,
                "valid_from": at,
                "reason": reason.value,
                "run_id": None,
                "decision_id": decision_id,
            }
            for record in moving
        ],
    )
    emptied = [entity for entity in left_behind if not store.members(conn, entity)]
    store.retire_entities(conn, dict.fromkeys(emptied, into), at)
    return emptied


def new_entity(conn: Connection, kind: EntityKind, at: datetime) -> UUID:
    entity_id = new_id()
    store.insert_entities(conn, [{"id": entity_id, "kind": kind.value, "created_at": at, "run_id": None}])
    return entity_id
