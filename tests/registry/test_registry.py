"""The registry on SQLite and PostgreSQL: versions, history, invariants, validation and scope."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import IntegrityError

from inklusi.access.model import Grant, Permission, Principal
from inklusi.audit import service as audit
from inklusi.audit.model import Purpose
from inklusi.audit.tables import audit_log
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.ids import new_id
from inklusi.registry import service
from inklusi.registry.model import Relationship
from inklusi.registry.tables import family_member, household, household_version, person
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, user
from tests.factories import household as sample_household

T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2025, 6, 1, tzinfo=UTC)
T2 = datetime(2026, 1, 1, tzinfo=UTC)


def reader(*scopes: str | None) -> Principal:
    grants = tuple(Grant("planner", frozenset({Permission.registry_read}), s) for s in scopes)
    return Principal(None, "reader", "Reader", None, grants)


def count_rows(ctx, table) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_register_and_read_back(ctx):
    data = sample_household()
    registered = service.register_household(ctx, SYSTEM, data, source="test", valid_from=T0)
    record = service.get_household(ctx, SYSTEM, registered.household_id)
    assert record.dwelling == data.dwelling
    assert record.assets == {"refrigerator": 1, "motorcycle": 2}
    [family] = record.families
    assert family.kk_number == data.families[0].kk_number
    assert family.programmes == {"pkh"}
    assert [m.person.name for m in family.members] == ["Budi Santoso", "Siti Aminah", "Dewi Lestari"]
    assert family.head.person.nik == data.families[0].members[0].person.nik
    assert record.version.source == "test" and record.version.valid_from == T0
    assert record.size == 3


def test_ids_are_time_ordered(ctx):
    first = service.register_household(ctx, SYSTEM, sample_household(), source="test")
    second = service.register_household(ctx, SYSTEM, sample_household(), source="test")
    assert str(first.household_id) < str(second.household_id)
    assert list(first.person_ids) == sorted(first.person_ids)


def test_every_change_is_a_new_version_and_the_past_stays_readable(ctx):
    hh = service.register_household(
        ctx, SYSTEM, sample_household(), source="round-1", valid_from=T0
    ).household_id
    service.update_household(
        ctx, SYSTEM, hh, {"floor_material": 8}, assets={"refrigerator": 1}, source="round-2", valid_from=T1
    )
    assert count_rows(ctx, household_version) == 2
    now = service.get_household(ctx, SYSTEM, hh)
    before = service.get_household(ctx, SYSTEM, hh, as_of=T0 + timedelta(days=1))
    assert (now.dwelling.floor_material, before.dwelling.floor_material) == (8, 2)
    assert (now.assets, before.assets) == ({"refrigerator": 1}, {"refrigerator": 1, "motorcycle": 2})
    assert now.version.source == "round-2" and before.version.valid_to == T1
    with pytest.raises(NotFound):
        service.get_household(ctx, SYSTEM, hh, as_of=T0 - timedelta(days=1))


def test_an_update_that_changes_nothing_writes_nothing(ctx):
    hh = service.register_household(ctx, SYSTEM, sample_household(), source="test").household_id
    version = service.get_household(ctx, SYSTEM, hh).version.version_id
    assert service.update_household(ctx, SYSTEM, hh, {"floor_material": 2}, source="again") == version
    assert count_rows(ctx, household_version) == 1


def test_changes_cannot_be_dated_before_the_current_version(ctx):
    hh = service.register_household(
        ctx, SYSTEM, sample_household(), source="test", valid_from=T1
    ).household_id
    with pytest.raises(Conflict):
        service.update_household(ctx, SYSTEM, hh, {"floor_material": 8}, source="late", valid_from=T0)


def test_history_tells_what_changed_when_and_by_whom(ctx):
    steward = user(ctx, "steward", ("steward", "31"))
    registered = service.register_household(ctx, SYSTEM, sample_household(), source="round-1", valid_from=T0)
    hh = registered.household_id
    service.update_household(ctx, steward, hh, {"roof_material": 3}, source="change-request", valid_from=T1)
    child = registered.person_ids[2]
    service.update_person(
        ctx, steward, child, {"school_participation": 2, "education": 3}, source="round-2", valid_from=T2
    )
    changes = service.get_household_history(ctx, SYSTEM, hh)
    created = [c for c in changes if c.action == "created"]
    assert {c.entity for c in created} == {"household", "family"}
    joined = [c.subject for c in changes if c.action == "joined"]
    assert joined == ["Budi Santoso", "Siti Aminah", "Dewi Lestari"]
    roof = next(c for c in changes if c.entity == "household" and c.action == "changed")
    assert roof.at == T1 and roof.version.source == "change-request"
    assert roof.version.actor_id == steward.user_id
    assert [(f.field, f.old, f.new) for f in roof.fields] == [("roof_material", 2, 3)]
    school = next(c for c in changes if c.entity == "person")
    assert school.subject == "Dewi Lestari" and school.at == T2
    assert {f.field for f in school.fields} == {"school_participation", "education"}
    assert changes == sorted(changes, key=lambda c: c.at)


def test_moving_a_person_closes_one_membership_and_opens_another(ctx):
    a = service.register_household(ctx, SYSTEM, sample_household(), source="test", valid_from=T0)
    b = service.register_household(
        ctx, SYSTEM, sample_household(BANDUNG_VILLAGE), source="test", valid_from=T0
    )
    mover = a.person_ids[2]
    service.move_person(ctx, SYSTEM, mover, b.family_ids[0], Relationship.other, source="test", valid_from=T1)
    assert service.get_household(ctx, SYSTEM, a.household_id).size == 2
    assert service.get_household(ctx, SYSTEM, b.household_id).size == 4
    assert service.get_household(ctx, SYSTEM, a.household_id, as_of=T0).size == 3
    person = service.get_person(ctx, SYSTEM, mover)
    assert person.household_id == b.household_id and person.relationship is Relationship.other
    left = [c for c in service.get_household_history(ctx, SYSTEM, a.household_id) if c.action == "left"]
    assert [(c.subject, c.at) for c in left] == [("Dewi Lestari", T1)]
    with pytest.raises(Conflict):
        service.move_person(ctx, SYSTEM, a.person_ids[1], b.family_ids[0], Relationship.head, source="test")


def test_invalid_input_is_refused_whole_with_every_reason(ctx):
    data = sample_household(floor_material=42, latitude=40.0)
    first = data.families[0]
    second_head = first.members[1].__class__(first.members[1].person, Relationship.head)
    wrong_sex = first.members[2].person.__class__(
        **{**first.members[2].person.__dict__, "sex": first.members[0].person.sex}
    )
    members = (first.members[0], second_head, first.members[2].__class__(wrong_sex, Relationship.child))
    data = data.__class__(data.dwelling, (first.__class__(members, first.kk_number),), {"unicorn": 1})
    with pytest.raises(Invalid) as raised:
        service.register_household(ctx, SYSTEM, data, source="test")
    fields = {(i.field, i.code) for i in raised.value.issues}
    assert fields >= {
        ("dwelling.floor_material", "code.unknown"),
        ("dwelling.latitude", "range"),
        ("assets", "code.unknown"),
        ("families[0].members", "family.heads"),
        ("families[0].members[2].nik", "nik.sex_mismatch"),
    }
    assert all(i.text.render("id") and i.text.render("en") for i in raised.value.issues)
    assert count_rows(ctx, household_version) == 0


def test_unknown_village_is_refused(ctx):
    with pytest.raises(Invalid) as raised:
        service.register_household(ctx, SYSTEM, sample_household("31.71.01.9999"), source="test")
    assert [i.code for i in raised.value.issues] == ["area.unknown"]


def test_the_database_enforces_one_head_one_family_and_known_villages(ctx):
    registered = service.register_household(ctx, SYSTEM, sample_household(), source="test", valid_from=T0)
    other = service.register_household(ctx, SYSTEM, sample_household(), source="test", valid_from=T0)
    version = {"valid_from": T1, "source": "raw", "recorded_at": T1}
    newcomer, empty_household = new_id(), new_id()  # a person in no family, a household with no version
    with ctx.engine.begin() as conn:
        conn.execute(insert(person).values(id=newcomer, created_at=T1))
        conn.execute(insert(household).values(id=empty_household, created_at=T1))
    attempts = [
        # a second current head in the same family
        (
            family_member,
            {"family_id": registered.family_ids[0], "person_id": newcomer, "relationship": 1},
            ("uq_family_member_current_head", "family_member.family_id"),
        ),
        # a person in two families at once
        (
            family_member,
            {"family_id": other.family_ids[0], "person_id": registered.person_ids[2], "relationship": 3},
            ("uq_family_member_current_person", "family_member.person_id"),
        ),
        # a village that does not exist
        (
            household_version,
            {"household_id": empty_household, "village_code": "31.71.01.9999"},
            ("fk_household_version_village_code_area", "FOREIGN KEY"),
        ),
    ]
    for table, row, (postgresql_says, sqlite_says) in attempts:
        with pytest.raises(IntegrityError) as refused, ctx.engine.begin() as conn:
            conn.execute(insert(table).values(version_id=new_id(), **version, **row))
        reason = str(refused.value.orig)
        assert postgresql_says in reason or sqlite_says in reason, reason


def test_a_kk_number_belongs_to_one_current_family(ctx):
    data = sample_household()
    service.register_household(ctx, SYSTEM, data, source="test")
    again = sample_household()
    clash = again.__class__(
        again.dwelling,
        (again.families[0].__class__(again.families[0].members, data.families[0].kk_number),),
        again.assets,
    )
    with pytest.raises(Conflict):
        service.register_household(ctx, SYSTEM, clash, source="test")


def test_a_scoped_user_sees_only_its_area(ctx):
    jakarta = service.register_household(ctx, SYSTEM, sample_household(JAKARTA_VILLAGE), source="test")
    bandung = service.register_household(ctx, SYSTEM, sample_household(BANDUNG_VILLAGE), source="test")
    dki = reader("31")
    assert service.get_household(ctx, dki, jakarta.household_id).dwelling.village_code == JAKARTA_VILLAGE
    for call in (
        lambda: service.get_household(ctx, dki, bandung.household_id),
        lambda: service.get_household_history(ctx, dki, bandung.household_id),
        lambda: service.get_person(ctx, dki, bandung.person_ids[0]),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(Forbidden):
        service.get_household(ctx, reader(), jakarta.household_id)


def test_writes_need_write_permission_in_the_area(ctx):
    hh = service.register_household(
        ctx, SYSTEM, sample_household(BANDUNG_VILLAGE), source="test", valid_from=T0
    ).household_id
    dki_steward = user(ctx, "dki", ("steward", "31"))
    with pytest.raises(NotFound):  # cannot even see it
        service.update_household(ctx, dki_steward, hh, {"floor_material": 8}, source="test")
    with pytest.raises(Forbidden):
        service.register_household(ctx, dki_steward, sample_household(BANDUNG_VILLAGE), source="test")
    viewer = user(ctx, "viewer", ("planner", "32"))
    with pytest.raises(Forbidden):
        service.update_household(ctx, viewer, hh, {"floor_material": 8}, source="test")


def test_reads_and_writes_are_audited_with_purpose(ctx):
    steward = user(ctx, "auditee", ("steward", "31"))
    hh = service.register_household(ctx, steward, sample_household(), source="test").household_id
    service.get_household(ctx, steward, hh)
    entries = audit.recent(ctx, SYSTEM, object_type="household", object_id=str(hh))
    assert [(e.action, e.purpose, e.actor_id, e.area_code) for e in entries] == [
        ("household.read", "registry_view", steward.user_id, JAKARTA_VILLAGE),
        ("household.create", "registry_update", steward.user_id, JAKARTA_VILLAGE),
    ]
    assert all(e.organisation_id == steward.organisation_id for e in entries)
    assert audit.verify(ctx, SYSTEM).intact


@pytest.mark.parametrize("grant_area", [JAKARTA_VILLAGE, JAKARTA_VILLAGE[:8], JAKARTA_VILLAGE[:5]])
def test_village_district_and_regency_grants_reach_their_households(ctx, grant_area):
    inside = service.register_household(ctx, SYSTEM, sample_household(JAKARTA_VILLAGE), source="t")
    outside = service.register_household(ctx, SYSTEM, sample_household(BANDUNG_VILLAGE), source="t")
    local = reader(grant_area)
    assert service.get_household(ctx, local, inside.household_id).size == 3
    assert service.get_household_history(ctx, local, inside.household_id)
    assert service.get_person(ctx, local, inside.person_ids[0]).household_id == inside.household_id
    assert {h.household_id for h in service.find_persons(ctx, local, "Budi Santoso")} == {inside.household_id}
    assert {h.household_id for h in service.browse_area(ctx, local, grant_area)} == {inside.household_id}
    with pytest.raises(NotFound):
        service.get_household(ctx, local, outside.household_id)


def test_changes_cannot_take_effect_in_the_future(ctx):
    hh = service.register_household(ctx, SYSTEM, sample_household(), source="t").household_id
    later = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(Invalid) as raised:
        service.update_household(ctx, SYSTEM, hh, {"floor_material": 8}, source="t", valid_from=later)
    assert raised.value.issues[0].code == "date.future"
    with pytest.raises(Invalid):
        service.register_household(ctx, SYSTEM, sample_household(), source="t", valid_from=later)


def test_moving_a_household_to_an_unknown_village_is_refused_clearly(ctx):
    hh = service.register_household(ctx, SYSTEM, sample_household(), source="t").household_id
    with pytest.raises(Invalid) as raised:
        service.update_household(ctx, SYSTEM, hh, {"village_code": "31.71.01.9999"}, source="t")
    assert [(i.field, i.code) for i in raised.value.issues] == [("dwelling.village_code", "area.unknown")]


def test_today_is_the_moment_of_the_current_view(ctx):
    hh = service.register_household(ctx, SYSTEM, sample_household(), source="t", valid_from=T0).household_id
    record = service.get_household(ctx, SYSTEM, hh)
    assert abs((record.as_of - datetime.now(UTC)).total_seconds()) < 60


def test_a_household_that_moved_belongs_to_its_new_area_past_included(ctx):
    hh = service.register_household(ctx, SYSTEM, sample_household(), source="t", valid_from=T0).household_id
    service.update_household(ctx, SYSTEM, hh, {"village_code": BANDUNG_VILLAGE}, source="t", valid_from=T1)
    with pytest.raises(NotFound):
        service.get_household(ctx, reader("31"), hh, as_of=T0 + timedelta(days=1))
    old = service.get_household(ctx, reader("32"), hh, as_of=T0 + timedelta(days=1))
    assert old.dwelling.village_code == JAKARTA_VILLAGE
    assert service.get_household_history(ctx, reader("32"), hh)


def test_concurrent_changes_either_win_or_are_refused(ctx):
    """Writers racing on one household: each succeeds or gets a Conflict; the history stays one line."""
    import threading

    hh = service.register_household(ctx, SYSTEM, sample_household(), source="t").household_id
    outcomes: list[str] = []

    def writer(floor: int) -> None:
        for round_ in range(8):
            try:
                service.update_household(
                    ctx, SYSTEM, hh, {"floor_area_m2": floor * 100 + round_}, source="race"
                )
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")
            except Exception as error:  # any other failure is a bug, reported by the assert below
                outcomes.append(repr(error))

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(outcomes) <= {"ok", "conflict"}, outcomes
    with ctx.engine.connect() as conn:
        versions = conn.execute(
            select(household_version.c.valid_from, household_version.c.valid_to)
            .where(household_version.c.household_id == hh)
            .order_by(household_version.c.valid_from, household_version.c.recorded_at)
        ).all()
    assert sum(valid_to is None for _start, valid_to in versions) == 1
    assert len(versions) == 1 + outcomes.count("ok")
    for (_s1, end), (start, _e2) in pairwise(versions):
        assert end == start  # each version ends where the next begins: no gaps, no overlaps


@contextmanager
def counted_transactions(ctx) -> Iterator[list[int]]:
    """How many transactions begin on the context's engine while the block runs."""
    begun = [0]

    def on_begin(_conn) -> None:
        begun[0] += 1

    event.listen(ctx.engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(ctx.engine, "begin", on_begin)


def test_the_household_page_reads_in_one_transaction_with_one_audit_entry(ctx):
    """Issue 12 #9: record, history, place and the names of who changed it and where it moved — one
    transaction, one audit entry with the purpose (not one per piece)."""
    steward = user(ctx, "pager", ("steward", "32"))
    hh = service.register_household(
        ctx, SYSTEM, sample_household(BANDUNG_VILLAGE), source="test", valid_from=T0
    ).household_id
    service.update_household(ctx, steward, hh, {"floor_material": 8}, source="test")
    other_village = BANDUNG_VILLAGE[:-1] + ("2" if BANDUNG_VILLAGE[-1] != "2" else "3")
    service.update_household(ctx, steward, hh, {"village_code": other_village}, source="test")
    before = count_rows(ctx, audit_log)
    with counted_transactions(ctx) as begun:
        view = service.view_household(ctx, steward, hh, purpose=Purpose.case_management)
    assert begun == [1] and count_rows(ctx, audit_log) == before + 1
    assert view.record.dwelling.village_code == other_village and view.place.area.code == other_village
    assert [a.code for a in view.place.ancestors] == [other_village[:2], other_village[:5], other_village[:8]]
    assert view.actors == {steward.user_id: steward.display_name}
    assert set(view.villages) == {BANDUNG_VILLAGE, other_village}
    assert [c.action for c in view.history].count("changed") == 2
    [entry] = audit.recent(ctx, SYSTEM, limit=1, object_type="household", object_id=str(hh))
    assert (entry.action, entry.purpose, entry.actor_id) == (
        "household.read",
        "case_management",
        steward.user_id,
    )
    assert json.loads(entry.detail) == {"history": True} and entry.area_code == other_village

    with counted_transactions(ctx) as begun:
        past = service.view_household(ctx, steward, hh, as_of=T1)  # before it moved
    assert begun == [1] and past.record.dwelling.village_code == BANDUNG_VILLAGE
    with pytest.raises(NotFound):
        service.view_household(ctx, reader("31"), hh)  # outside the reader's province: not found
