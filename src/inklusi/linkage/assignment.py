"""Which entity each record belongs to after a run: entity ids stay stable across runs. Pure.

Each new cluster keeps the existing entity that holds most of its records (ties: the older entity); an
entity is kept by one cluster at most; other clusters get new entities. Records change entity only when
their cluster says so, and an entity that loses every member is retired into the entity most of its
records joined: nothing is deleted, and an id once given keeps meaning the same person as far as the
evidence allows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID


@dataclass
class Assignment:
    target: dict[UUID, UUID]  # record → entity after the run
    created: list[UUID] = field(default_factory=list)  # new entities
    moved: list[UUID] = field(default_factory=list)  # records whose entity changed (or that had none)
    retired: dict[UUID, UUID | None] = field(default_factory=dict)  # entity → entity its records joined


def assign(
    records: Sequence[UUID],
    groups: Sequence[Hashable],
    current: Mapping[UUID, UUID],
    new_entity: Callable[[], UUID],
    members_elsewhere: Mapping[UUID, int] | None = None,
) -> Assignment:
    """``groups[i]`` is record i's cluster; ``current`` the records' entities now; ``members_elsewhere``
    how many members each entity has outside ``records`` (they keep it alive)."""
    by_group: dict[Hashable, list[UUID]] = defaultdict(list)
    for record, group in zip(records, groups, strict=True):
        by_group[group].append(record)
    claims = []
    for group, members in by_group.items():
        counts = Counter(current[r] for r in members if r in current)
        claims += [(count, entity, group) for entity, count in counts.items()]
    claims.sort(key=lambda claim: (-claim[0], claim[1]))
    entity_of_group: dict[Hashable, UUID] = {}
    claimed: set[UUID] = set()
    for _count, entity, group in claims:
        if group not in entity_of_group and entity not in claimed:
            entity_of_group[group] = entity
            claimed.add(entity)
    result = Assignment({})
    for group in by_group:
        if group not in entity_of_group:
            entity_of_group[group] = new_entity()
            result.created.append(entity_of_group[group])
    went: dict[UUID, Counter] = defaultdict(Counter)
    for record, group in zip(records, groups, strict=True):
        target = entity_of_group[group]
        result.target[record] = target
        before = current.get(record)
        if before != target:
            result.moved.append(record)
            if before is not None:
                went[before][target] += 1
    elsewhere = members_elsewhere or {}
    for entity, destinations in went.items():
        if entity not in claimed and not elsewhere.get(entity):
            result.retired[entity] = destinations.most_common(1)[0][0]
    return result
