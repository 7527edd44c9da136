"""A household's history as a timeline of changes: what changed, when, and by which source or actor.

Built from the version rows of the household, of every family that was ever in it, of those families'
memberships, and of their members. A member's own changes appear only while they belonged here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from inklusi.registry.model import Version

Entity = Literal["household", "family", "person", "membership"]
Action = Literal["created", "changed", "joined", "left", "ended"]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Change:
    at: datetime
    entity: Entity
    entity_id: UUID
    action: Action
    fields: tuple[FieldChange, ...]
    version: Version
    subject: str | None = None  # a person's name or a KK number, to make the line readable


@dataclass(frozen=True)
class Snapshot:
    """One version of one entity, with its attribute values (assets and programmes included)."""

    entity_id: UUID
    version: Version
    values: Mapping[str, object]


def diff(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[FieldChange, ...]:
    keys = sorted(set(old) | set(new))
    return tuple(FieldChange(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key))


def _timeline(entity: Entity, snapshots: list[Snapshot], subject: Callable[[Snapshot], Any]) -> list[Change]:
    """created / changed / ended events of one kind of entity, whose snapshots come in time order."""
    changes: list[Change] = []
    by_id: dict[UUID, list[Snapshot]] = defaultdict(list)
    for snapshot in snapshots:
        by_id[snapshot.entity_id].append(snapshot)
    for entity_id, versions in by_id.items():
        previous: Snapshot | None = None
        for current in versions:
            if previous is None:
                created = diff({}, current.values)
                changes.append(
                    Change(
                        current.version.valid_from,
                        entity,
                        entity_id,
                        "created",
                        created,
                        current.version,
                        subject(current),
                    )
                )
            elif fields := diff(previous.values, current.values):
                changes.append(
                    Change(
                        current.version.valid_from,
                        entity,
                        entity_id,
                        "changed",
                        fields,
                        current.version,
                        subject(current),
                    )
                )
            previous = current
        last = versions[-1]
        if last.version.valid_to is not None:
            changes.append(
                Change(
                    last.version.valid_to,
                    entity,
                    entity_id,
                    "ended",
                    (),
                    last.version,
                    subject(last),
                )
            )
    return changes


def _was_member(intervals: list[tuple[datetime, datetime | None]], at: datetime) -> bool:
    return any(start <= at and (end is None or at < end) for start, end in intervals)


def household_history(
    households: list[Snapshot],
    families: list[Snapshot],
    memberships: list[Snapshot],  # entity_id = person id; values include family_id, relationship
    persons: list[Snapshot],
    names: Mapping[UUID, str],
) -> list[Change]:
    """Every change, oldest first."""
    changes = _timeline("household", households, lambda s: None)
    changes += _timeline("family", families, lambda s: s.values.get("kk_number"))
    stays: dict[UUID, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for stay in memberships:
        stays[stay.entity_id].append((stay.version.valid_from, stay.version.valid_to))
        name = names.get(stay.entity_id)
        changes.append(
            Change(
                stay.version.valid_from,
                "membership",
                stay.entity_id,
                "joined",
                diff({}, stay.values),
                stay.version,
                name,
            )
        )
        if stay.version.valid_to is not None:
            changes.append(
                Change(
                    stay.version.valid_to,
                    "membership",
                    stay.entity_id,
                    "left",
                    (),
                    stay.version,
                    name,
                )
            )
    person_changes = _timeline("person", persons, lambda s: s.values.get("name"))
    changes += [
        change
        for change in person_changes
        if change.action == "changed" and _was_member(stays[change.entity_id], change.at)
    ]
    order = {"ended": 0, "left": 1, "created": 2, "joined": 3, "changed": 4}
    return sorted(changes, key=lambda c: (c.at, order[c.action], c.version.version_id))
