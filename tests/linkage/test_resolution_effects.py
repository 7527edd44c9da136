"""What a merge does to the registry's reads, and what an unmerge undoes (issue 11 #2): search shows one
person with the linked record, counts and the analytics snapshot count one household, a read as of before
the merge still shows the duplicate as it was; an unmerge restores both. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from inklusi.app import create_app
from inklusi.db import utcnow
from inklusi.linkage import service as linkage
from inklusi.linkage import store
from inklusi.linkage.model import EntityKind
from inklusi.linkage.service.writing import apply_groups
from inklusi.registry import service as registry
from inklusi.registry.service import export_snapshot
from tests.conftest import login
from tests.factories import JAKARTA_VILLAGE, SYSTEM, household


def _second_listing(data):
    """The same household listed again: no KK number (the card is registered), no NIKs."""
    families = tuple(
        dataclasses.replace(
            family,
            kk_number=None,
            members=tuple(
                dataclasses.replace(m, person=dataclasses.replace(m.person, nik=None)) for m in family.members
            ),
        )
        for family in data.families
    )
    return dataclasses.replace(data, families=families)


def _registered_twice(ctx):
    data = household(JAKARTA_VILLAGE, members=3)
    first = registry.register_household(ctx, SYSTEM, data, source="enumeration")
    second = registry.register_household(ctx, SYSTEM, _second_listing(data), source="second-list")
    people = [*first.person_ids, *second.person_ids]
    homes = [first.household_id, second.household_id]
    with ctx.transaction() as conn:  # linked by nobody yet: every record its own entity
        apply_groups(conn, EntityKind.person, people, people, at=utcnow())
        apply_groups(conn, EntityKind.household, homes, homes, at=utcnow())
    return first, second


def _entity(ctx, record: UUID) -> UUID:
    return linkage.entity_of_record(ctx, SYSTEM, EntityKind.person, record)


def _merge_all(ctx, first, second) -> None:
    for a, b in zip(first.person_ids, second.person_ids, strict=True):
        linkage.merge_entities(ctx, SYSTEM, _entity(ctx, a), _entity(ctx, b), "the same family, listed again")


def test_a_merge_counts_once_and_an_unmerge_restores_both(ctx, tmp_path):
    first, second = _registered_twice(ctx)
    assert registry.count_households(ctx) == 2
    assert len(registry.find_persons(ctx, SYSTEM, "Budi Santoso")) == 2
    before = utcnow()

    _merge_all(ctx, first, second)

    # Search: one person, the earliest registered, with the second listing as a linked record.
    hits = registry.find_persons(ctx, SYSTEM, "Budi Santoso")
    assert [hit.person_id for hit in hits] == [first.person_ids[0]]
    assert [(r.person_id, r.household_id) for r in hits[0].linked] == [
        (second.person_ids[0], second.household_id)
    ]
    # Counts and the snapshot the ranking reads: one household of three.
    assert registry.count_households(ctx) == 1
    snapshot = export_snapshot(ctx, SYSTEM, tmp_path / "merged")
    assert (snapshot.household_count, snapshot.person_count) == (1, 3)
    # The duplicate is marked, not deleted; as of before the merge it is shown as it was.
    now = registry.get_household(ctx, SYSTEM, second.household_id)
    assert now.resolved_into == first.household_id and now.size == 3
    then = registry.get_household(ctx, SYSTEM, second.household_id, as_of=before)
    assert then.resolved_into is None and then.size == 3
    assert registry.get_person(ctx, SYSTEM, second.person_ids[0]).resolved_into == first.person_ids[0]
    assert registry.get_person(ctx, SYSTEM, second.person_ids[0], as_of=before).resolved_into is None

    # Unmerge: both records are back in search, counts and the snapshot.
    for person in first.person_ids:
        linkage.unmerge(ctx, SYSTEM, _entity(ctx, person), [_entity_member(ctx, person, second)], "two")
    hits = registry.find_persons(ctx, SYSTEM, "Budi Santoso")
    assert sorted(hit.person_id for hit in hits) == sorted([first.person_ids[0], second.person_ids[0]])
    assert all(hit.linked == () for hit in hits)
    assert registry.count_households(ctx) == 2
    snapshot = export_snapshot(ctx, SYSTEM, tmp_path / "unmerged")
    assert (snapshot.household_count, snapshot.person_count) == (2, 6)
    assert registry.get_household(ctx, SYSTEM, second.household_id).resolved_into is None


def _entity_member(ctx, person: UUID, second) -> UUID:
    """The second-listing record that shares ``person``'s entity."""
    with ctx.transaction(readonly=True) as conn:
        members = {
            m["record_id"] for m in store.members(conn, store.entity_of(conn, EntityKind.person, person))
        }
    (found,) = members & set(second.person_ids)
    return found


def test_a_duplicate_whose_survivor_is_out_of_scope_stays_visible(ctx):
    """A steward who cannot see the survivor still finds the record in their own area."""
    from tests.factories import BANDUNG_VILLAGE, user

    data = household(JAKARTA_VILLAGE, members=3)
    first = registry.register_household(ctx, SYSTEM, data, source="enumeration")
    moved = dataclasses.replace(_second_listing(data), dwelling=household(BANDUNG_VILLAGE).dwelling)
    second = registry.register_household(ctx, SYSTEM, moved, source="second-list")
    people = [*first.person_ids, *second.person_ids]
    with ctx.transaction() as conn:
        apply_groups(conn, EntityKind.person, people, people, at=utcnow())
    _merge_all(ctx, first, second)
    jabar = user(ctx, "steward.jabar.resolution", ("steward", "32"))
    hits = registry.find_persons(ctx, jabar, "Budi Santoso")
    assert [hit.person_id for hit in hits] == [second.person_ids[0]]
    assert [hit.person_id for hit in registry.find_persons(ctx, SYSTEM, "Budi Santoso")] == [
        first.person_ids[0]
    ]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_pages_show_one_person_with_the_linked_listing(settings, ctx):
    first, second = _registered_twice(ctx)
    _merge_all(ctx, first, second)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        login(client, next_path="/registry")
        found = client.get("/registry", params={"q": "Budi Santoso"})
        assert found.status_code == 200
        assert found.text.count(f'href="/persons/{first.person_ids[0]}"') == 1
        assert f'href="/persons/{second.person_ids[0]}"' not in found.text
        assert "Juga tercatat di" in found.text and f'href="/households/{second.household_id}"' in found.text
        duplicate = client.get(f"/households/{second.household_id}")
        assert duplicate.status_code == 200 and "dihitung satu kali" in duplicate.text
        assert f'href="/households/{first.household_id}"' in duplicate.text
