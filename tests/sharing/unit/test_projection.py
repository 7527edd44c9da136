"""The agreement's rules and its projection, pure: row scope, allow-list, transforms, pseudonyms, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inklusi.errors import Forbidden
from inklusi.ppks.model import Sensitivity
from inklusi.sharing.model import (
    FIELDS,
    Agreement,
    AgreementStatus,
    AgreementTerms,
    Operation,
    Transform,
    check_terms,
)
from inklusi.sharing.projection import (
    HouseholdRow,
    PersonRow,
    agreement_key,
    generalised,
    household_in_scope,
    project,
    pseudonym,
)

TODAY = date(2026, 12, 5)
SECRET = b"s" * 32
ELDERLY, HIV = "neglected_elderly", "people_living_with_hiv"


def agreement(**changes) -> Agreement:
    base = Agreement(
        id=UUID(int=1), organisation_id=UUID(int=2), name="Uji", purpose="p", legal_basis="l",
        operations={Operation.lookup: 10}, areas=("31",), deciles=(1, 2, 3, 4), ppks_categories=(),
        fields={"person.nik": Transform.as_is, "household.decile": Transform.as_is},
        sensitivity_ceiling=Sensitivity.personal, valid_from=TODAY - timedelta(days=1),
        valid_to=TODAY + timedelta(days=1), retention_days=30, status=AgreementStatus.approved,
        drafted_by=UUID(int=3),
    )  # fmt: skip
    return replace(base, **changes)


def person(**changes) -> PersonRow:
    base = PersonRow(
        id=uuid4(), nik="3171011403800001", name="Budi", sex="male", birth_date=date(1980, 3, 14),
        relationship="head", ppks_categories=(),
    )  # fmt: skip
    return replace(base, **changes)


def household(**changes) -> HouseholdRow:
    base = HouseholdRow(
        id=uuid4(), kk_number="3171010106150002", area_code="31.71.01.1001", address="Jl. Merdeka",
        size=2, welfare_score=11.26, decile=2, regional_decile=3, members=(person(),),
    )  # fmt: skip
    return replace(base, **changes)


def test_validity_refuses_with_the_reason():
    assert agreement().refusal(TODAY) is None
    assert "expired on" in str(agreement(valid_to=TODAY - timedelta(days=1)).refusal(TODAY))
    assert "only from" in str(agreement(valid_from=TODAY + timedelta(days=1)).refusal(TODAY))
    assert "not approved" in str(agreement(status=AgreementStatus.draft).refusal(TODAY))
    revoked = agreement(status=AgreementStatus.revoked, revoked_reason="bocor")
    with pytest.raises(Forbidden, match="revoked: bocor"):
        revoked.require_in_force(TODAY)
    assert agreement(valid_to=TODAY - timedelta(days=1)).state(TODAY) == "expired"


def test_requests_outside_are_refused_naming_what():
    a = agreement()
    with pytest.raises(Forbidden, match="operation search"):
        a.require_operation(Operation.search)
    with pytest.raises(Forbidden, match="Area 32 is outside"):
        a.require_area("32")
    a.require_area("31.71.01.1001")  # sub-areas are inside
    with pytest.raises(Forbidden, match="Deciles 5"):
        a.require_deciles((4, 5))
    with pytest.raises(Forbidden, match=HIV):
        agreement(ppks_categories=()).require_categories((HIV,))  # above the personal ceiling


def test_the_row_scope():
    a = agreement()
    assert household_in_scope(a, household())
    assert not household_in_scope(a, household(area_code="32.73.01.1001"))
    assert not household_in_scope(a, household(decile=5))
    assert not household_in_scope(a, household(decile=None))
    scoped = agreement(ppks_categories=(ELDERLY,))
    assert not household_in_scope(scoped, household())
    assert household_in_scope(scoped, household(members=(person(ppks_categories=(ELDERLY,)),)))


def test_transforms():
    assert generalised("person.birth_date", date(1980, 3, 14)) == 1980
    assert generalised("household.area_code", "31.71.01.1001") == "31.71.01"
    assert generalised("household.welfare_score", 11.26) == 11.3
    fields = {
        "household.area_code": Transform.generalise, "person.birth_date": Transform.generalise,
        "person.nik": Transform.pseudonymise, "person.name": Transform.drop,
    }  # fmt: skip
    (shared,) = project(agreement(fields=fields), b"k" * 32, [household()]).households
    assert shared.fields == {"household.area_code": "31.71.01"}
    (member,) = shared.members
    assert set(member) == {"person.birth_date", "person.nik"} and member["person.birth_date"] == 1980
    assert len(str(member["person.nik"])) == 32 and member["person.nik"] != "3171011403800001"


def test_pseudonyms_are_stable_per_agreement_and_differ_between_agreements():
    one, two = agreement_key(SECRET, UUID(int=1)), agreement_key(SECRET, UUID(int=2))
    assert pseudonym(one, "person.id", "x") == pseudonym(one, "person.id", "x")
    assert pseudonym(one, "person.id", "x") != pseudonym(two, "person.id", "x")
    assert pseudonym(one, "person.id", "x") != pseudonym(one, "person.nik", "x")


def test_sensitive_categories_only_under_a_sensitive_ceiling():
    row = household(members=(person(ppks_categories=(ELDERLY, HIV)),))
    fields = {"person.ppks_categories": Transform.as_is}
    personal = project(agreement(fields=fields), b"k", [row]).households[0].members[0]
    sensitive = (
        project(agreement(fields=fields, sensitivity_ceiling=Sensitivity.sensitive), b"k", [row])
        .households[0]
        .members[0]
    )
    assert personal["person.ppks_categories"] == [ELDERLY]
    assert sensitive["person.ppks_categories"] == [ELDERLY, HIV]


def test_restricted_persons_are_left_out_and_counted():
    kept, restricted = person(), person()
    projected = project(agreement(), b"k", [household(members=(kept, restricted))], {restricted.id})
    assert projected.person_ids == [kept.id] and projected.restricted == 1


def test_draft_checks_name_each_field():
    terms = AgreementTerms(
        organisation_id=UUID(int=2), name="", purpose="p", legal_basis="l", operations={},
        areas=(), deciles=(0,), ppks_categories=(HIV, "nope"),
        fields={"person.nik": Transform.generalise, "person.religion": Transform.as_is},
        sensitivity_ceiling=Sensitivity.personal, valid_from=TODAY, valid_to=TODAY - timedelta(days=1),
        retention_days=0,
    )  # fmt: skip
    fields = {issue.field for issue in check_terms(terms)}
    assert fields >= {
        "name", "operations", "deciles", "ppks_categories", "fields.person.nik", "fields.person.religion",
        "valid_to", "retention_days",
    }  # fmt: skip


transforms = st.sampled_from(list(Transform))
allow_lists = st.dictionaries(st.sampled_from(sorted(FIELDS)), transforms, max_size=len(FIELDS))
categories = st.lists(st.sampled_from([ELDERLY, HIV, "homeless", "sex_workers"]), max_size=3)
persons = st.builds(
    person,
    nik=st.one_of(st.none(), st.from_regex(r"\d{16}", fullmatch=True)),
    birth_date=st.one_of(st.none(), st.dates()),
    ppks_categories=categories.map(tuple),
)
households = st.builds(
    household,
    area_code=st.sampled_from(["31.71.01.1001", "32.73.01.1001", "11.01.01.2001"]),
    decile=st.one_of(st.none(), st.integers(1, 10)),
    welfare_score=st.one_of(st.none(), st.floats(0, 100)),
    members=st.lists(persons, max_size=4).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(
    fields=allow_lists,
    rows=st.lists(households, max_size=5),
    ceiling=st.sampled_from(list(Sensitivity)),
    areas=st.sampled_from([(), ("31",), ("32.73",)]),
    deciles=st.sampled_from([(), (1, 2, 3, 4)]),
    wanted=st.sampled_from([(), (ELDERLY,)]),
)
def test_output_keys_are_always_a_subset_of_the_allow_list(fields, rows, ceiling, areas, deciles, wanted):
    a = agreement(
        fields={f: t for f, t in fields.items() if t in FIELDS[f].transforms},
        sensitivity_ceiling=ceiling, areas=areas, deciles=deciles, ppks_categories=wanted,
    )  # fmt: skip
    allowed = set(a.shared_fields())
    projected = project(a, b"k" * 32, rows)
    for shared in projected.households:
        assert set(shared.fields) <= allowed
        for member in shared.members:
            assert set(member) <= allowed
            if ceiling is Sensitivity.personal:
                assert HIV not in member.get(
                    "person.ppks_categories", []
                ) and "sex_workers" not in member.get("person.ppks_categories", [])
    kept = [r for r in rows if household_in_scope(a, r)]
    assert len(projected.households) == len(kept)
    for row in kept:
        assert a.covers_area(row.area_code) and (not deciles or row.decile in deciles)
