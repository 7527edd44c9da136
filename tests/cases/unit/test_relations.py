"""Issue 15: a principal's relation to a case, the view it gives and what each view holds (pure)."""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

import pytest

from inklusi.access.model import OrganisationKind
from inklusi.cases.model import (
    VIEW_PARTS,
    Part,
    Relation,
    RelationFacts,
    View,
    may_assign,
    may_read_access_log,
    may_work,
    notes_shown,
    relation,
    shows_sensitive,
    view_of,
)

OWNER, OTHER, USER = uuid4(), uuid4(), uuid4()
NOBODY = RelationFacts(
    user_id=USER,
    organisation_id=OTHER,
    organisation_kind=OrganisationKind.ngo,
    reads=True,
    supervises_area=False,
    owner_organisation_id=OWNER,
    assigned_user_id=None,
    referral_organisations=frozenset(),
    transfer_organisations=frozenset(),
    glass=False,
)


def test_no_relation_means_no_view():
    assert relation(NOBODY) == frozenset()
    assert view_of(frozenset()) is None


def test_owner_organisation_and_assigned_worker():
    owner = replace(NOBODY, organisation_id=OWNER)
    assert relation(owner) == {Relation.owner}
    assigned = replace(NOBODY, assigned_user_id=USER)
    assert relation(assigned) == {Relation.assigned}
    assert relation(replace(owner, reads=False)) == frozenset()  # no cases:read anywhere: nothing


def test_referral_and_transfer_receivers():
    receiver = replace(NOBODY, referral_organisations=frozenset({OTHER}))
    assert relation(receiver) == {Relation.receiver}
    assert view_of(relation(receiver)) is View.referral
    taker = replace(NOBODY, transfer_organisations=frozenset({OTHER}))
    assert view_of(relation(taker)) is View.summary
    both = replace(receiver, transfer_organisations=frozenset({OTHER}))
    assert view_of(relation(both)) is View.referral


@pytest.mark.parametrize(
    ("kind", "own_org", "expected"),
    [
        (OrganisationKind.central, False, True),
        (OrganisationKind.regional, False, True),
        (OrganisationKind.ngo, False, False),  # NGO supervisors supervise only their own organisation's
        (OrganisationKind.ngo, True, True),
    ],
)
def test_supervisors_by_area_government_or_own_organisation(kind, own_org, expected):
    facts = replace(
        NOBODY, organisation_kind=kind, organisation_id=OWNER if own_org else OTHER, supervises_area=True
    )
    assert (Relation.supervisor in relation(facts)) is expected
    outside = replace(facts, supervises_area=False)
    assert Relation.supervisor not in relation(outside)


def test_glass_gives_the_full_view():
    glass = replace(NOBODY, glass=True, reads=False)
    assert relation(glass) == {Relation.glass}
    assert view_of(relation(glass)) is View.full


def test_the_full_view_wins():
    for full in (Relation.owner, Relation.assigned, Relation.supervisor, Relation.glass):
        assert view_of(frozenset({full, Relation.receiver, Relation.transfer_receiver})) is View.full


def test_what_each_view_holds():
    assert VIEW_PARTS[View.full] == frozenset(Part)
    referral = VIEW_PARTS[View.referral]
    for hidden in (Part.categories, Part.assessments, Part.plans, Part.notes, Part.needs, Part.header):
        assert hidden not in referral
    assert {Part.person, Part.referrals, Part.services, Part.outcomes} <= referral
    summary = VIEW_PARTS[View.summary]
    assert {Part.person, Part.phase, Part.categories, Part.needs} <= summary
    for hidden in (Part.assessments, Part.plans, Part.notes, Part.services, Part.referrals, Part.consents):
        assert hidden not in summary


def test_sensitive_parts_need_ppks_sensitive_and_the_full_view():
    assert shows_sensitive(View.full, True)
    assert not shows_sensitive(View.full, False)
    assert not shows_sensitive(View.summary, True)
    assert not shows_sensitive(View.referral, True)
    assert notes_shown(View.referral, True) and not notes_shown(View.referral, False)
    assert not notes_shown(View.summary, True)


def test_who_may_work_assign_and_read_the_access_log():
    owner, assigned = frozenset({Relation.owner}), frozenset({Relation.assigned})
    supervisor, receiver = frozenset({Relation.supervisor}), frozenset({Relation.receiver})
    glass = frozenset({Relation.glass})
    assert may_work(owner, True) and may_work(assigned, True)
    assert not may_work(owner, False) and not may_work(supervisor, True) and not may_work(receiver, True)
    assert not may_work(glass, True)
    assert may_assign(owner, True) and may_assign(supervisor, False)
    assert not may_assign(owner, False) and not may_assign(assigned, True)
    assert may_read_access_log(owner) and may_read_access_log(supervisor)
    assert not may_read_access_log(assigned) and not may_read_access_log(glass)
    assert not may_read_access_log(receiver)
