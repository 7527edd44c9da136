"""Linkage over the registry, on SQLite and PostgreSQL: a full run over a registered population and its
second listing, the review queue, decisions, merge and unmerge with their history, a later run that keeps
stewards' decisions, an incremental run, area scope and audit."""

from __future__ import annotations

import dataclasses
from uuid import UUID

import pytest

from inklusi.audit import service as audit
from inklusi.demo.linkage import prepare_demo
from inklusi.errors import Forbidden, NotFound
from inklusi.linkage import service as linkage
from inklusi.linkage import store
from inklusi.linkage.model import DecisionKind, EntityKind, LinkReason
from inklusi.registry import service as registry
from inklusi.registry.service import export_persons
from inklusi.synth import SynthConfig, registry_data
from tests.factories import SYSTEM, user

HOUSEHOLDS, SEED = 400, 3


@pytest.fixture
def linked(ctx):
    registry.load_households(
        ctx, SYSTEM, registry_data(SynthConfig(households=HOUSEHOLDS, seed=SEED)), source="tests"
    )
    return prepare_demo(ctx, households=HOUSEHOLDS, seed=SEED)


def _members_by_entity(ctx) -> dict[UUID, list[UUID]]:
    with ctx.transaction(readonly=True) as conn:
        current = store.current_memberships(conn, EntityKind.person)
    groups: dict[UUID, list[UUID]] = {}
    for person_id, entity in current.items():
        groups.setdefault(entity, []).append(person_id)
    return groups


def test_runs_review_decisions_merge_unmerge_and_an_incremental_run(ctx, linked):
    run = linked.run
    assert run is not None and run.links > 0 and linked.second_listing_households > 0
    assert linked.pending_pairs >= 1 and run.review_pairs == linked.pending_pairs
    groups = _members_by_entity(ctx)
    merged = [members for members in groups.values() if len(members) > 1]
    assert merged and sum(len(m) for m in groups.values()) == run.records

    # The second listing merged with the registered persons, never two second-listing records together.
    sources = dict(
        zip(
            export_persons(ctx, SYSTEM)["person_id"].to_pylist(),
            export_persons(ctx, SYSTEM)["source"].to_pylist(),
            strict=True,
        )
    )
    for members in merged:
        assert sorted(sources[str(m)] for m in members) == ["demo-second-listing", "tests"]

    # Stewards see and decide only inside their area.
    queue = linkage.review_queue(ctx, SYSTEM)
    pair = queue.pairs[0]
    province = pair.area_a[:2]
    elsewhere = "11" if province != "11" else "31"
    outsider = user(ctx, "steward.elsewhere", ("steward", elsewhere))
    assert all(p.id != pair.id for p in linkage.review_queue(ctx, outsider).pairs)
    with pytest.raises(NotFound):
        linkage.get_pair(ctx, outsider, pair.id)
    reader = user(ctx, "reader.here", ("planner", None))
    assert linkage.get_pair(ctx, reader, pair.id).id == pair.id
    with pytest.raises(Forbidden):
        linkage.decide(ctx, reader, pair.id, DecisionKind.match)
    with pytest.raises(Forbidden):
        linkage.link_registry(ctx, reader)

    # A steward decides the most doubtful pair: the same person.
    assert {e.field for e in pair.evidence} >= {"name", "birth_date", "sex", "area"}
    linkage.decide(ctx, SYSTEM, pair.id, DecisionKind.match, "same person, NIK missing on the list")
    entity = linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, pair.record_a)
    assert linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, pair.record_b) == entity
    with pytest.raises(Exception, match="already"):
        linkage.decide(ctx, SYSTEM, pair.id, DecisionKind.non_match)

    # Unmerge one record of a merged entity, then merge it back: history keeps every step.
    keep, split = merged[0][0], merged[0][1]
    source_entity = linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, keep)
    created = linkage.unmerge(ctx, SYSTEM, source_entity, [split], "two people")
    assert linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, split) == created
    view = linkage.get_entity(ctx, SYSTEM, source_entity)
    closed = [h for h in view.history if h.record_id == split and h.valid_to is not None]
    assert closed and view.decisions[-1]["kind"] == "unmerge"

    # A later full run keeps the steward's split and the steward's match.
    linkage.link_registry(ctx, SYSTEM)
    assert linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, split) != linkage.entity_of_record(
        ctx, SYSTEM, EntityKind.person, keep
    )
    assert linkage.entity_of_record(
        ctx, SYSTEM, EntityKind.person, pair.record_a
    ) == linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, pair.record_b)

    kept = linkage.merge_entities(
        ctx,
        SYSTEM,
        linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, split),
        linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, keep),
    )
    assert linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, split) == kept
    assert linkage.get_entity(ctx, SYSTEM, kept).members[-1].reason is LinkReason.steward

    # An incremental run links only new persons, with the last model.
    existing = {m for members in _members_by_entity(ctx).values() for m in members}
    first = next(iter(registry_data(SynthConfig(households=HOUSEHOLDS, seed=SEED))))
    again = dataclasses.replace(
        first, families=tuple(dataclasses.replace(f, kk_number=None) for f in first.families)
    )
    registry.register_household(ctx, SYSTEM, again, source="ngo-list")
    summary = linkage.link_new_persons(ctx, SYSTEM)
    new_people = [
        UUID(p) for p in export_persons(ctx, SYSTEM)["person_id"].to_pylist() if UUID(p) not in existing
    ]
    assert summary.mode == "incremental" and summary.records == len(new_people) > 0
    assert summary.links == len(new_people)  # each new person joined the entity of their registered self
    for person in new_people:
        view = linkage.get_entity(
            ctx, SYSTEM, linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, person)
        )
        assert len(view.members) >= 2

    actions = {entry.action for entry in audit.recent(ctx, SYSTEM, limit=100_000)}
    assert {
        "linkage.run",
        "person.export",
        "linkage.queue.read",
        "linkage.match",
        "linkage.unmerge",
    } <= actions
    assert {"linkage.merge", "linkage.entity.read"} <= actions
