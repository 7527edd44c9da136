"""The round planner without a database: every kind of change it decides, and every reason it holds a
form, asserted as the exact writes and decisions (issue 12 #4)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import count
from uuid import UUID

from inklusi.access.model import Scope
from inklusi.registry.enumeration import Presence, RoundForm, RoundHold, RoundMember, RoundState
from inklusi.registry.model import Dwelling, PersonData, Relationship
from inklusi.registry.round_plan import (
    CurrentFamily,
    CurrentHousehold,
    CurrentMembership,
    CurrentPerson,
    FamilyMember,
    NewFamily,
    NewHousehold,
    NewMembership,
    NewPerson,
    Plan,
    RoundLookups,
    RoundWrites,
    plan,
)
from inklusi.wilayah.nik import Sex

BEFORE = datetime(2024, 1, 1, tzinfo=UTC)  # when the registry's versions start
ROUND = datetime(2025, 1, 1, tzinfo=UTC)  # the round's date
BANDUNG = "32.73.01.1001"
BANDUNG_2 = "32.73.01.1002"
JAKARTA = "31.71.01.1001"
NATIONAL = Scope(national=True, areas=())
WEST_JAVA = Scope(national=False, areas=("32",))
KK_A, KK_B, KK_C = "3273010101010001", "3273010101010002", "3273010101010003"


def uid(n: int) -> UUID:
    return UUID(int=n)


def new_ids() -> Iterator[UUID]:
    """The ids the planner gives new records: uid(1001), uid(1002), …"""
    return (uid(n) for n in count(1001))


def home(village: str = BANDUNG, **answers: object) -> Dwelling:
    return Dwelling(**{"village_code": village, "sls": "RT 001 RW 002", "roof_material": 1, **answers})


def adult(name: str, nik: str | None = None, **answers: object) -> PersonData:
    return PersonData(name=name, sex=Sex.female, nik=nik, birth_date=date(1980, 5, 1), education=3, **answers)


ANI, BUDI, CITRA = adult("Ani", "3273014105800001"), adult("Budi", "3273010105800002"), adult("Citra")


class Registry:
    """What the registry holds now, built by hand: lookups for every family and person in it (the planner
    looks up by key, so records no form refers to change nothing)."""

    def __init__(self) -> None:
        self.households: dict[UUID, CurrentHousehold] = {}
        self.families: dict[UUID, CurrentFamily] = {}
        self.persons: dict[UUID, CurrentPerson] = {}
        self.memberships: dict[UUID, CurrentMembership] = {}
        self.last_villages: dict[UUID, str] = {}

    def household(
        self, n: int, dwelling: Dwelling, assets: dict[str, float] | None = None, since=BEFORE
    ) -> UUID:
        self.households[uid(n)] = CurrentHousehold(uid(n + 100), uid(n), since, dwelling, assets or {})
        return uid(n)

    def family(self, n: int, household_id: UUID, kk: str | None, programmes=frozenset()) -> UUID:
        self.families[uid(n)] = CurrentFamily(uid(n + 100), uid(n), household_id, kk, programmes)
        return uid(n)

    def person(
        self, n: int, data: PersonData, family_id: UUID | None, relationship=Relationship.head, since=BEFORE
    ):
        self.persons[uid(n)] = CurrentPerson(uid(n + 100), uid(n), since, data)
        if family_id is not None:
            self.memberships[uid(n)] = CurrentMembership(uid(n + 200), uid(n), family_id, int(relationship))
        return uid(n)

    def lookups(self) -> RoundLookups:
        persons = self.persons.values()
        return RoundLookups(
            families={f.kk_number: f for f in self.families.values() if f.kk_number},
            persons={p.data.nik: p for p in persons if p.data.nik},
            members=tuple(
                FamilyMember(m.person_id, m.family_id, m.relationship, p.data.name, p.data.birth_date)
                for m in self.memberships.values()
                for p in [self.persons[m.person_id]]
            ),
            memberships=dict(self.memberships),
            families_by_id=dict(self.families),
            households=dict(self.households),
            person_versions=dict(self.persons),
            last_villages=dict(self.last_villages),
        )


def one_family() -> Registry:
    """Household 1 in Bandung: family 11 (KK A) with Ani (21, head, by NIK) and Citra (22, child, no NIK)."""
    registry = Registry()
    family = registry.family(11, registry.household(1, home(), {"tv": 1}), KK_A, frozenset({"pkh"}))
    registry.person(21, ANI, family)
    registry.person(22, CITRA, family, Relationship.child)
    return registry


def lives(data: PersonData, relationship: Relationship = Relationship.head, number: int = 1) -> RoundMember:
    return RoundMember(Presence.lives_here, data.name, data.nik, data.birth_date, relationship, data, number)


def newcomer(data: PersonData, relationship: Relationship, number: int) -> RoundMember:
    return RoundMember(Presence.new_member, data.name, data.nik, data.birth_date, relationship, data, number)


def listed_as(presence: Presence, data: PersonData, number: int) -> RoundMember:
    return RoundMember(presence, data.name, data.nik, data.birth_date, number=number)


def form(
    sid: str,
    *members: RoundMember,
    kk: str | None = KK_A,
    dwelling: Dwelling | None = None,
    building: int = 1,
    assets: dict[str, float] | None = None,
    programmes: frozenset[str] = frozenset({"pkh"}),
) -> RoundForm:
    return RoundForm(
        sid, building, dwelling or home(), {"tv": 1} if assets is None else assets, kk, programmes, members
    )


THE_FAMILY = (lives(ANI), lives(CITRA, Relationship.child, 2))


def planned(registry: Registry, *forms: RoundForm, state=None, scope=NATIONAL, effective=ROUND) -> Plan:
    ids = new_ids()
    return plan(
        list(forms),
        registry.lookups(),
        state=state or RoundState(),
        effective=effective,
        scope=scope,
        new_id=lambda: next(ids),
    )


def counts(result: Plan) -> dict[str, dict[str, int]]:
    """The change report's counts that are not zero, per village."""
    return {
        village: {what: n for what, n in found.items() if n}
        for village, found in result.decided.report.by_village.items()
    }


# --- households ---------------------------------------------------------------------------------------


def test_a_new_household_is_written_whole():
    result = planned(
        Registry(), form("F1", lives(ANI), newcomer(CITRA, Relationship.child, 2), assets={"tv": 2})
    )

    household, family, ani, citra = uid(1001), uid(1002), uid(1003), uid(1004)
    assert result.writes == RoundWrites(
        identities={"household": [household], "family": [family], "person": [ani, citra]},
        households=[NewHousehold(household, home(), {"tv": 2})],
        families=[NewFamily(family, household, KK_A, frozenset({"pkh"}))],
        persons=[NewPerson(ani, ANI), NewPerson(citra, CITRA)],
        memberships=[
            NewMembership(family, ani, Relationship.head),
            NewMembership(family, citra, Relationship.child),
        ],
        named={ani: "Ani", citra: "Citra"},
    )
    assert counts(result) == {BANDUNG: {"households_new": 1, "families_new": 1, "persons_new": 2}}
    decided = result.decided
    assert decided.held == [] and decided.households == {household} and decided.areas == {BANDUNG}
    assert decided.claimed == {household} and decided.kk_taken == {KK_A} and decided.persons_taken == set()


def test_an_unchanged_household_writes_nothing_but_claims_its_kk_and_people():
    result = planned(one_family(), form("F1", *THE_FAMILY))

    assert result.writes == RoundWrites()
    assert counts(result) == {} and result.decided.report.changed_fields == {}
    assert result.decided.households == set() and result.decided.areas == set()
    assert result.decided.claimed == {uid(1)} and result.decided.kk_taken == {KK_A}
    assert result.decided.persons_taken == {uid(21), uid(22)}  # Citra recognised by name and birth date


def test_a_changed_dwelling_and_assets_end_the_household_version_and_write_a_new_one():
    result = planned(one_family(), form("F1", *THE_FAMILY, dwelling=home(roof_material=2), assets={"tv": 0}))

    assert result.writes == RoundWrites(
        ended={"household": [uid(101)]}, households=[NewHousehold(uid(1), home(roof_material=2), {"tv": 0})]
    )
    assert counts(result) == {BANDUNG: {"households_changed": 1}}
    assert result.decided.report.changed_fields == {"household.roof_material": 1, "household.assets": 1}
    assert result.decided.households == {uid(1)} and result.decided.areas == {BANDUNG}


def test_changed_assets_alone_change_the_household():
    result = planned(one_family(), form("F1", *THE_FAMILY, assets={"tv": 1, "fridge": 1}))

    assert result.writes == RoundWrites(
        ended={"household": [uid(101)]}, households=[NewHousehold(uid(1), home(), {"tv": 1, "fridge": 1})]
    )
    assert result.decided.report.changed_fields == {"household.assets": 1}


def test_a_household_in_another_village_has_moved():
    result = planned(one_family(), form("F1", *THE_FAMILY, dwelling=home(BANDUNG_2)))

    assert result.writes == RoundWrites(
        ended={"household": [uid(101)]}, households=[NewHousehold(uid(1), home(BANDUNG_2), {"tv": 1})]
    )
    assert counts(result) == {BANDUNG_2: {"households_moved": 1}}
    assert result.decided.report.changed_fields == {"household.village_code": 1}
    assert result.decided.areas == {BANDUNG, BANDUNG_2}  # where it was and where it is


def test_families_of_one_household_in_two_buildings_split_it():
    registry = one_family()
    second = registry.family(12, uid(1), KK_B)
    registry.person(23, BUDI, second)

    result = planned(
        registry,
        form("F1", *THE_FAMILY),
        form("F2", lives(BUDI), kk=KK_B, building=2, programmes=frozenset()),
    )

    new_household = uid(1001)
    assert result.writes == RoundWrites(
        ended={"family": [uid(112)]},
        identities={"household": [new_household]},
        households=[NewHousehold(new_household, home(), {"tv": 1})],
        families=[NewFamily(uid(12), new_household, KK_B, frozenset())],
    )
    assert counts(result) == {BANDUNG: {"households_split": 1}}  # the first building keeps household 1
    assert result.decided.claimed == {uid(1), new_household}
    assert result.decided.households == {new_household}


def test_households_in_one_building_merge_into_the_one_with_most_families():
    registry = one_family()
    registry.family(12, uid(1), KK_B)  # household 1 has two families, household 2 one
    other = registry.family(13, registry.household(2, home(BANDUNG_2)), KK_C)
    registry.person(23, BUDI, other)

    result = planned(
        registry,
        form("F1", *THE_FAMILY),
        form("F2", kk=KK_B, programmes=frozenset()),
        form("F3", lives(BUDI), kk=KK_C, programmes=frozenset(), assets={}),
    )

    assert result.writes == RoundWrites(
        ended={"household": [uid(102)], "family": [uid(113)]},
        families=[NewFamily(uid(13), uid(1), KK_C, frozenset())],
    )
    assert counts(result) == {BANDUNG: {"households_merged": 1}}
    assert result.decided.claimed == {uid(1), uid(2)} and result.decided.households == {uid(1), uid(2)}


def test_a_household_an_earlier_chunk_claimed_is_not_taken_again():
    earlier = RoundState(claimed={uid(1)})

    result = planned(one_family(), form("F1", *THE_FAMILY), state=earlier)

    assert result.writes.identities == {"household": [uid(1001)]}
    assert result.writes.families == [NewFamily(uid(11), uid(1001), KK_A, frozenset({"pkh"}))]
    assert counts(result) == {BANDUNG: {"households_split": 1}}


# --- families and members -----------------------------------------------------------------------------


def test_new_programmes_give_the_family_a_new_version():
    result = planned(one_family(), form("F1", *THE_FAMILY, programmes=frozenset({"pkh", "bpnt"})))

    assert result.writes == RoundWrites(
        ended={"family": [uid(111)]}, families=[NewFamily(uid(11), uid(1), KK_A, frozenset({"pkh", "bpnt"}))]
    )
    assert counts(result) == {} and result.decided.households == {uid(1)}


def test_a_changed_answer_ends_the_person_version():
    studied = replace(ANI, education=5)

    result = planned(one_family(), form("F1", lives(studied), lives(CITRA, Relationship.child, 2)))

    assert result.writes == RoundWrites(ended={"person": [uid(121)]}, persons=[NewPerson(uid(21), studied)])
    assert counts(result) == {BANDUNG: {"persons_changed": 1}}
    assert result.decided.report.changed_fields == {"person.education": 1}


def test_a_new_name_is_indexed_again():
    renamed = replace(ANI, name="Ani Lestari")

    result = planned(one_family(), form("F1", lives(renamed), lives(CITRA, Relationship.child, 2)))

    assert result.writes == RoundWrites(
        ended={"person": [uid(121)]}, persons=[NewPerson(uid(21), renamed)], renamed={uid(21): "Ani Lestari"}
    )
    assert result.decided.report.changed_fields == {"person.name": 1}


def test_a_baby_new_to_a_known_family_is_a_birth():
    baby = PersonData(name="Dewi", sex=Sex.female, birth_date=date(2024, 10, 1))

    result = planned(one_family(), form("F1", *THE_FAMILY, newcomer(baby, Relationship.child, 3)))

    assert result.writes == RoundWrites(
        identities={"person": [uid(1001)]},
        persons=[NewPerson(uid(1001), baby)],
        memberships=[NewMembership(uid(11), uid(1001), Relationship.child)],
        named={uid(1001): "Dewi"},
    )
    assert counts(result) == {BANDUNG: {"births": 1}}


def test_an_adult_new_to_a_known_family_is_a_new_person_not_a_birth():
    result = planned(one_family(), form("F1", *THE_FAMILY, newcomer(BUDI, Relationship.other, 3)))

    assert result.writes.memberships == [NewMembership(uid(11), uid(1001), Relationship.other)]
    assert counts(result) == {BANDUNG: {"persons_new": 1}}


def test_a_member_who_died_leaves_the_family_the_person_versions_and_the_name_index():
    result = planned(one_family(), form("F1", lives(ANI), listed_as(Presence.died, CITRA, 2)))

    assert result.writes == RoundWrites(
        ended={"membership": [uid(222)], "person": [uid(122)]}, gone=[uid(22)]
    )
    assert counts(result) == {BANDUNG: {"deaths": 1}}
    assert result.decided.persons_taken == {uid(21), uid(22)}  # the dead are listed: no other form may


def test_a_member_who_moved_away_leaves_the_family_only():
    result = planned(one_family(), form("F1", lives(ANI), listed_as(Presence.moved_away, CITRA, 2)))

    assert result.writes == RoundWrites(ended={"membership": [uid(222)]})
    assert counts(result) == {BANDUNG: {"persons_left": 1}}
    assert result.decided.persons_taken == {uid(21)}  # gone from here: another form may list her


def test_someone_gone_whom_the_registry_never_had_changes_nothing():
    stranger = adult("Eko")

    result = planned(one_family(), form("F1", *THE_FAMILY, listed_as(Presence.died, stranger, 3)))

    assert result.writes == RoundWrites() and counts(result) == {}


def test_a_new_relationship_to_the_head_is_a_new_membership():
    result = planned(one_family(), form("F1", lives(ANI), lives(CITRA, Relationship.grandchild, 2)))

    assert result.writes == RoundWrites(
        ended={"membership": [uid(222)]},
        memberships=[NewMembership(uid(11), uid(22), Relationship.grandchild)],
    )
    assert counts(result) == {}


def test_a_person_listed_in_another_family_moves_there():
    registry = one_family()
    other = registry.family(12, registry.household(2, home(BANDUNG_2)), KK_B)
    registry.person(23, BUDI, other)

    result = planned(
        registry,
        form(
            "F2",
            lives(BUDI),
            lives(ANI, Relationship.spouse, 2),
            kk=KK_B,
            dwelling=home(BANDUNG_2),
            assets={},
            programmes=frozenset(),
        ),
    )

    assert result.writes == RoundWrites(
        ended={"membership": [uid(221)]}, memberships=[NewMembership(uid(12), uid(21), Relationship.spouse)]
    )
    assert counts(result) == {BANDUNG_2: {"persons_moved": 1}}
    assert result.decided.households == {uid(2), uid(1)}  # the household she left changes too
    assert result.decided.areas == {BANDUNG_2, BANDUNG}


def test_a_person_without_a_family_who_returns_is_recognised_by_nik():
    registry = one_family()
    budi = registry.person(23, BUDI, None)
    registry.last_villages[budi] = BANDUNG

    result = planned(registry, form("F1", *THE_FAMILY, newcomer(BUDI, Relationship.other, 3)))

    assert result.writes == RoundWrites(memberships=[NewMembership(uid(11), budi, Relationship.other)])
    assert counts(result) == {}


# --- forms held ---------------------------------------------------------------------------------------


def test_a_form_outside_the_importers_area_is_held_and_writes_nothing():
    result = planned(Registry(), form("F1", lives(ANI), dwelling=home(JAKARTA)), scope=WEST_JAVA)

    assert result.decided.held == [RoundHold("F1", "registry.out_of_scope", "village")]
    assert result.writes == RoundWrites() and result.decided.kk_taken == set()


def test_a_kk_of_a_family_outside_the_area_is_held():
    registry = Registry()
    registry.family(11, registry.household(1, home(JAKARTA)), KK_A)

    result = planned(registry, form("F1", lives(CITRA)), scope=WEST_JAVA)

    assert result.decided.held == [RoundHold("F1", "registry.out_of_scope", "kk_number")]


def test_a_nik_of_a_person_outside_the_area_is_held():
    registry = Registry()
    jakarta = registry.family(12, registry.household(2, home(JAKARTA)), KK_B)
    registry.person(23, BUDI, jakarta)

    result = planned(
        registry, form("F1", lives(CITRA), newcomer(BUDI, Relationship.spouse, 2)), scope=WEST_JAVA
    )

    assert result.decided.held == [RoundHold("F1", "registry.out_of_scope", "nik", 2)]
    assert result.writes == RoundWrites()


def test_a_kk_number_repeated_in_the_round_holds_the_later_form():
    result = planned(Registry(), form("F1", lives(ANI)), form("F2", lives(BUDI), building=2))

    assert result.decided.held == [RoundHold("F2", "registry.kk_repeated", "kk_number")]
    assert result.writes.persons == [NewPerson(uid(1003), ANI)]


def test_a_kk_number_an_earlier_chunk_took_is_held():
    result = planned(Registry(), form("F2", lives(BUDI)), state=RoundState(kk_taken={KK_A}))

    assert result.decided.held == [RoundHold("F2", "registry.kk_repeated", "kk_number")]


def test_a_person_listed_by_two_forms_holds_the_later_one():
    registry = one_family()

    result = planned(registry, form("F1", *THE_FAMILY), form("F2", lives(ANI), kk=KK_B, building=2))

    assert result.decided.held == [RoundHold("F2", "registry.person_repeated", "nik", 1)]
    assert result.decided.persons_taken == {uid(21), uid(22)}


def test_a_person_listed_twice_on_one_form_is_held():
    result = planned(one_family(), form("F1", lives(ANI), lives(ANI, Relationship.other, 2)))

    assert result.decided.held == [RoundHold("F1", "registry.person_repeated", "nik", 2)]


def test_a_second_head_while_the_head_stays_is_held():
    result = planned(one_family(), form("F1", lives(CITRA, Relationship.head, 2)))

    assert result.decided.held == [RoundHold("F1", "registry.two_heads", "relationship", 2)]


def test_a_new_head_when_the_old_one_is_listed_as_gone_goes_in():
    result = planned(
        one_family(), form("F1", listed_as(Presence.died, ANI, 1), lives(CITRA, Relationship.head, 2))
    )

    assert result.decided.held == []
    assert result.writes.memberships == [NewMembership(uid(11), uid(22), Relationship.head)]
    assert counts(result) == {BANDUNG: {"deaths": 1}}


def test_a_household_with_newer_data_holds_the_form():
    registry = Registry()
    registry.family(11, registry.household(1, home(), since=datetime(2025, 6, 1, tzinfo=UTC)), KK_A)

    result = planned(registry, form("F1", lives(ANI)))

    assert result.decided.held == [RoundHold("F1", "registry.newer_version", "kk_number")]
    assert result.writes == RoundWrites()


def test_a_person_with_newer_data_holds_the_form():
    registry = Registry()
    registry.person(23, BUDI, None, since=datetime(2025, 6, 1, tzinfo=UTC))

    result = planned(registry, form("F1", lives(BUDI)))

    assert result.decided.held == [RoundHold("F1", "registry.newer_version", "nik", 1)]


def test_a_held_form_leaves_the_others_of_its_chunk_to_go_in():
    result = planned(
        Registry(),
        form("F1", lives(ANI), dwelling=home(JAKARTA)),
        form("F2", lives(BUDI), kk=KK_B, building=2),
        scope=WEST_JAVA,
    )

    assert [hold.submission_id for hold in result.decided.held] == ["F1"]
    assert result.writes.families == [NewFamily(uid(1002), uid(1001), KK_B, frozenset({"pkh"}))]
    assert result.decided.kk_taken == {KK_B}
