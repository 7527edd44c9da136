"""Issue 15: who sees a case and what (both databases): relations, supervisors by area (government or their
own organisation), sensitive parts, break the glass (time-limited, audited, reported to the owner), the
per-case access log, and a case that follows its person through a record-linkage merge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from inklusi.cases import service
from inklusi.cases.model import Relation, View
from inklusi.cases.tables import case_glass
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.registry import service as registry
from tests.cases.conftest import opened

SENSITIVE = ("poor", "people_living_with_hiv")


def test_relations_decide_who_sees_the_case(world):
    ctx = world.ctx
    case_id = opened(world, categories=SENSITIVE)
    expected = {
        "worker": (View.full, {Relation.owner, Relation.assigned}),
        "colleague": (View.full, {Relation.owner}),
        "supervisor": (View.full, {Relation.owner, Relation.supervisor}),
        "centre": (View.full, {Relation.supervisor}),  # a ministry supervisor, nationwide
    }
    for username, (view, relations) in expected.items():
        seen = service.case_view(ctx, world[username], case_id)
        assert (seen.view, set(seen.relations)) == (view, relations), username
        assert set(seen.categories) == set(SENSITIVE) and seen.sensitive is True, username
    for username in ("foundation", "foundation_head", "lks_worker", "jakarta_worker"):
        with pytest.raises(NotFound):  # the NGO supervisor supervises only their own organisation's
            service.case_view(ctx, world[username], case_id)
    for username in ("planner", "steward"):
        with pytest.raises(Forbidden):  # no case permission at all
            service.case_view(ctx, world[username], case_id)
    with pytest.raises(NotFound):
        service.case_view(ctx, world["worker"], world.orgs["dinsos"])  # an id that is no case


def test_break_the_glass_is_time_limited_audited_and_reported_to_the_owner(world):
    ctx = world.ctx
    case_id = opened(world, categories=SENSITIVE)
    lks = world["lks_worker"]
    with pytest.raises(Invalid) as refused:
        service.break_glass(ctx, lks, case_id, reason="")
    assert refused.value.issues[0].field == "reason"
    with pytest.raises(Invalid) as refused:
        service.break_glass(ctx, lks, case_id, reason="found unconscious", hours=5)
    assert refused.value.issues[0].field == "hours"
    with pytest.raises(NotFound):  # outside their break-the-glass area: as if missing
        service.break_glass(ctx, world["jakarta_worker"], case_id, reason="curious")
    with pytest.raises(Conflict) as needless:
        service.break_glass(ctx, world["worker"], case_id, reason="mine already")
    assert needless.value.issues[0].code == "guard.glass_needless"
    grant = service.break_glass(ctx, lks, case_id, reason="found unconscious at the station", hours=2)
    assert grant.expires_at - grant.granted_at == timedelta(hours=2)
    seen = service.case_view(ctx, lks, case_id)
    assert seen.view is View.full and seen.relations == (Relation.glass,)
    assert seen.glass.reason == "found unconscious at the station" and seen.notes == ()
    with pytest.raises(Forbidden):  # the glass opens the case, not its access log
        service.access_log(ctx, lks, case_id)
    inbox = service.inbox(ctx, world["colleague"])
    (notice,) = inbox.glass_notices
    assert (
        notice.case_id == case_id and notice.user.id == lks.user_id and notice.person.name == "Budi Santoso"
    )
    with ctx.transaction() as conn:  # two hours later
        earlier = utcnow() - timedelta(hours=3)
        conn.execute(update(case_glass).values(granted_at=earlier, expires_at=earlier + timedelta(hours=2)))
    with pytest.raises(NotFound):
        service.case_view(ctx, lks, case_id)


def test_the_owner_sees_who_viewed_the_case(world):
    ctx = world.ctx
    case_id = opened(world)
    service.case_view(ctx, world["centre"], case_id)
    service.break_glass(ctx, world["lks_worker"], case_id, reason="emergency")
    service.case_view(ctx, world["lks_worker"], case_id)
    log = service.access_log(ctx, world["colleague"], case_id)
    reads = [(e.actor, e.view) for e in log if e.action == "case.read"]
    assert ("centre", "full") in reads and ("lks_worker", "full") in reads
    glass = [e for e in log if e.action == "case.glass"]
    assert glass[0].detail["reason"] == "emergency" and glass[0].organisation.id == world.orgs["lks"]
    assert [e.seq for e in log] == sorted((e.seq for e in log), reverse=True)
    assert service.access_log(ctx, world["centre"], case_id)  # a supervisor reads it too
    again = service.access_log(ctx, world["worker"], case_id)
    assert again[0].action == "case.access_log"
    for outsider in ("foundation", "planner"):
        with pytest.raises((NotFound, Forbidden)):
            service.access_log(ctx, world[outsider], case_id)


def test_notes_and_sensitive_categories_need_ppks_sensitive_even_in_the_full_view(world):
    from inklusi.access.model import Grant, Permission, Principal

    ctx = world.ctx
    case_id = opened(world, categories=SENSITIVE)
    service.add_note(ctx, world["worker"], case_id, "tested positive in 2019")
    colleague = world["colleague"]
    without = Principal(
        colleague.user_id,
        colleague.username,
        colleague.display_name,
        colleague.organisation_id,
        (Grant("custom", frozenset({Permission.cases_read}), "32.73"),),
    )
    seen = service.case_view(ctx, without, case_id)
    assert seen.view is View.full and seen.categories == ("poor",)
    assert seen.notes is None and seen.sensitive is None
    assert service.case_view(ctx, colleague, case_id).notes[0].text == "tested positive in 2019"


def test_a_case_follows_its_person_into_the_record_linkage_survivor(world):
    ctx = world.ctx
    case_id = opened(world, person="child")
    survivor = world.persons["adult"]  # registered first: the survivor of a (pretend) duplicate pair
    with ctx.transaction() as conn:
        registry.resolve(conn, "person", [[survivor, world.persons["child"]]], at=utcnow())
    seen = service.case_view(ctx, world["worker"], case_id)
    assert seen.person.person_id == survivor and seen.person.merged_from == world.persons["child"]
    assert seen.person.name == "Budi Santoso"


def test_a_person_s_cases_are_listed_to_those_who_may_read_the_person(world):
    ctx = world.ctx
    case_id = opened(world)
    (found,) = service.cases_of_person(ctx, world["lks_worker"], world.persons["adult"])
    assert found.id == case_id and found.view is None and found.owner_organisation.id == world.orgs["dinsos"]
    (mine,) = service.cases_of_person(ctx, world["worker"], world.persons["adult"])
    assert mine.view == "full"
    with pytest.raises(NotFound):
        service.cases_of_person(ctx, world["jakarta_worker"], world.persons["adult"])
