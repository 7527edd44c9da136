"""Writing what linkage decided into the overlay: entities and temporal memberships, review pairs; and
into the registry: every entity whose members changed is resolved there again (its survivor stands for
it, the other records are resolved into the survivor; see :mod:`inklusi.registry.service.resolution`)."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from uuid import UUID

import numpy as np
import pyarrow as pa
from sqlalchemy.engine import Connection

from inklusi.ids import new_id
from inklusi.linkage import store
from inklusi.linkage.assignment import Assignment, assign
from inklusi.linkage.evidence import as_json, evidence_rows
from inklusi.linkage.households import link_households
from inklusi.linkage.model import EntityKind, LinkReason, PairStatus, ordered
from inklusi.linkage.spec import load_settings
from inklusi.registry.service import households_of, resolve

BULK = 20_000  # above this many entities, read every membership at once


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
    touched = {result.target[r] for r in result.moved} | {current[r] for r in moved_before}
    resolve_entities(conn, kind, touched, at=at, cause_id=decision_id or run_id)
    return result


def resolve_entities(
    conn: Connection, kind: EntityKind, entities: set[UUID], *, at: datetime, cause_id: UUID | None
) -> None:
    """Make the current membership of ``entities`` take effect in the registry."""
    groups: dict[UUID, list[UUID]] = {}
    if len(entities) > BULK:
        members = [(r, e) for r, e in store.current_memberships(conn, kind).items() if e in entities]
    else:
        members = store.memberships_of(conn, kind, sorted(entities, key=str))
    for record, entity in members:
        groups.setdefault(entity, []).append(record)
    resolve(conn, kind.value, list(groups.values()), at=at, cause_id=cause_id)


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
    rows: list[dict[str, object]] = []
    seen = set()
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
    resolve_entities(conn, kind, {into} | left_behind, at=at, cause_id=decision_id)
    if kind is EntityKind.person and moving:
        relink_households(conn, {into} | left_behind, at=at, decision_id=decision_id)
    return emptied


def relink_households(
    conn: Connection, persons: set[UUID], *, at: datetime, decision_id: UUID | None
) -> None:
    """Households follow a steward's person decision at once: the households of the person entities
    ``persons`` (and the households already linked with them) are linked again by their members' entities
    (the same rule as a run, :func:`inklusi.linkage.households.link_households`); others are untouched."""
    records = [record for record, _entity in store.memberships_of(conn, EntityKind.person, sorted(persons))]
    first = {household for _person, household in households_of(conn, person_ids=records)}
    linked = set(store.entities_of(conn, EntityKind.household, sorted(first, key=str)).values())
    households = first | {h for h, _e in store.memberships_of(conn, EntityKind.household, sorted(linked))}
    members = households_of(conn, household_ids=sorted(households, key=str))
    if not members:
        return
    entity_of = store.entities_of(conn, EntityKind.person, [person for person, _h in members])
    latest = store.latest_run(conn, EntityKind.person, with_model=False)
    spec = load_settings(latest["settings_name"] if latest else "persons").households
    links = link_households(
        pa.array([str(household) for _person, household in members], pa.string()),
        pa.array([str(entity_of.get(person, person)) for person, _h in members], pa.string()),
        min_shared=spec.min_shared,
        min_persons=spec.min_persons,
        denominator=spec.denominator,
    )
    apply_groups(
        conn,
        EntityKind.household,
        [UUID(h) for h in links.households.to_pylist()],
        links.labels.tolist(),
        at=at,
        decision_id=decision_id,
        default_reason=LinkReason.steward,
    )


def new_entity(conn: Connection, kind: EntityKind, at: datetime) -> UUID:
    entity_id = new_id()
    store.insert_entities(conn, [{"id": entity_id, "kind": kind.value, "created_at": at, "run_id": None}])
    return entity_id
