"""Finding people by NIK, KK number, name (with typos and spelling variants) and area."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from inklusi.audit import service as audit
from inklusi.audit.model import Purpose
from inklusi.registry import service
from inklusi.registry.model import FamilyData, HouseholdData, MemberData, PersonData, Relationship
from inklusi.wilayah.nik import Sex
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household
from tests.registry.test_registry import reader


def one_person_household(name: str, sex: Sex, village: str) -> HouseholdData:
    base = household(village, members=1)
    head = base.families[0].members[0].person
    nik = head.nik if sex == head.sex else None
    person = PersonData(name=name, sex=sex, nik=nik, birth_date=head.birth_date)
    family = FamilyData((MemberData(person, Relationship.head),), kk_number=None)
    return HouseholdData(base.dwelling, (family,), {})


def test_search_by_name_with_typos_and_variants(ctx):
    for name, sex in (
        ("Muhammad Rizky Pratama", Sex.male),
        ("Mochamad Riski", Sex.male),
        ("Rizky Amelia", Sex.female),
        ("Hj. Siti Nurhaliza, S.E.", Sex.female),
    ):
        service.register_household(ctx, SYSTEM, one_person_household(name, sex, JAKARTA_VILLAGE), source="t")
    names = lambda query: [hit.name for hit in service.find_persons(ctx, SYSTEM, query)]  # noqa: E731
    assert names("Muhamad Rizky")[0] == "Muhammad Rizky Pratama"
    assert set(names("M. Rizki")) == {"Muhammad Rizky Pratama", "Mochamad Riski"}
    assert names("siti nurhaliza") == ["Hj. Siti Nurhaliza, S.E."]
    assert names("Siti Nurhalizza") == ["Hj. Siti Nurhaliza, S.E."]
    assert names("Rizky Amelai") == ["Rizky Amelia"]
    assert names("Zaskia") == []
    hits = service.find_persons(ctx, SYSTEM, "Muhammad Rizky Pratama")
    assert hits[0].score == 1.0 and all(a.score >= b.score for a, b in pairwise(hits))


def test_a_name_change_updates_the_index(ctx):
    registered = service.register_household(
        ctx, SYSTEM, one_person_household("Dewi Sartika", Sex.female, JAKARTA_VILLAGE), source="t"
    )
    service.update_person(ctx, SYSTEM, registered.person_ids[0], {"name": "Dewi Lestari"}, source="t")
    assert service.find_persons(ctx, SYSTEM, "Sartika") == []
    assert [h.name for h in service.find_persons(ctx, SYSTEM, "Lestari")] == ["Dewi Lestari"]


def test_search_by_nik_and_kk(ctx):
    data = household()
    registered = service.register_household(ctx, SYSTEM, data, source="t")
    nik = data.families[0].members[1].person.nik
    [hit] = service.find_persons(ctx, SYSTEM, nik)
    assert (hit.person_id, hit.household_id) == (registered.person_ids[1], registered.household_id)
    spaced = " ".join(data.families[0].kk_number[i : i + 4] for i in range(0, 16, 4))
    members = service.find_persons(ctx, SYSTEM, spaced)
    assert [h.relationship for h in members] == [1, 2, 3]
    assert service.query_kind("3171 0445 0990 0003") == "number"


def test_search_stays_inside_the_scope_and_the_area(ctx):
    for village in (JAKARTA_VILLAGE, BANDUNG_VILLAGE):
        service.register_household(ctx, SYSTEM, household(village), source="t")
    everywhere = service.find_persons(ctx, SYSTEM, "Budi Santoso")
    assert {h.village_code for h in everywhere} == {JAKARTA_VILLAGE, BANDUNG_VILLAGE}
    dki = service.find_persons(ctx, reader("31"), "Budi Santoso")
    assert {h.village_code for h in dki} == {JAKARTA_VILLAGE}
    within = service.find_persons(ctx, SYSTEM, "Budi Santoso", within="32.73")
    assert {h.village_code for h in within} == {BANDUNG_VILLAGE}


def two_family_household() -> HouseholdData:
    first, second = household(), household()
    return HouseholdData(first.dwelling, (first.families[0], second.families[0]), first.assets)


def test_browse_an_area_page_by_page(ctx):
    """Pages end anywhere, even between the two heads of a household of two families."""
    registered = [service.register_household(ctx, SYSTEM, household(), source="t") for _ in range(2)]
    registered.append(service.register_household(ctx, SYSTEM, two_family_household(), source="t"))
    registered += [service.register_household(ctx, SYSTEM, household(), source="t") for _ in range(2)]
    service.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="t")
    seen, after = [], None
    while page := service.browse_area(ctx, SYSTEM, "31.71", after=after, limit=3):
        seen += page
        after = (page[-1].household_id, page[-1].person_id)
    assert [hit.household_id for hit in seen] == [r.household_id for r in registered[:3]] + [
        registered[2].household_id
    ] + [r.household_id for r in registered[3:]]
    assert len({hit.person_id for hit in seen}) == 6 and all(hit.relationship == 1 for hit in seen)
    assert service.browse_area(ctx, reader("32"), "31") == []


def test_searches_are_audited(ctx):
    service.find_persons(ctx, SYSTEM, "Budi", purpose=Purpose.registry_view)
    [entry] = [e for e in audit.recent(ctx, SYSTEM) if e.action == "registry.search"]
    assert '"query":"Budi"' in entry.detail and entry.purpose == "registry_view"


def test_birthdays_in_hits(ctx):
    service.register_household(ctx, SYSTEM, household(members=1), source="t")
    [hit] = service.find_persons(ctx, SYSTEM, "budi santoso")
    assert hit.birth_date == date(1980, 3, 14) and hit.sex == 1


def test_two_typos_in_a_long_name_are_found(ctx):
    service.register_household(
        ctx, SYSTEM, one_person_household("Sri Wahyuningsih", Sex.female, JAKARTA_VILLAGE), source="t"
    )
    assert [h.name for h in service.find_persons(ctx, SYSTEM, "Sri Wahyuningh")] == ["Sri Wahyuningsih"]
    assert [h.name for h in service.find_persons(ctx, SYSTEM, "Sri Wahyunigsh")] == ["Sri Wahyuningsih"]


def test_the_name_index_can_be_rebuilt(ctx):
    service.register_household(ctx, SYSTEM, household(), source="t")
    assert service.rebuild_name_index(ctx) == 3
    assert [h.name for h in service.find_persons(ctx, SYSTEM, "Dewi Lestary")] == ["Dewi Lestari"]
