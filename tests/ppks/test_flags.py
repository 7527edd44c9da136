"""Issue 14: PPKS identification over the registry (both databases): flags from crafted households and people
outside households, decisions that survive re-runs, retirement when evidence goes away, scope, sensitive
categories, the audit trail."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

from inklusi.access.model import Grant, Permission, Principal
from inklusi.audit import service as audit
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.ppks import service
from inklusi.ppks.flags import FlagStatus
from inklusi.ppks.tables import ppks_flag_version
from inklusi.registry import service as registry
from tests.factories import JAKARTA_VILLAGE, SYSTEM
from tests.ppks.conftest import CASE_WORKER, STEWARD, principal

NATIONAL_WORKER = principal("case_worker", None, *CASE_WORKER)
DISABILITY = "persons_with_disabilities"


def flags(ctx, who=NATIONAL_WORKER, area="31", **filters) -> dict[tuple, service.FlagView]:
    page = service.candidates_in(ctx, who, area, limit=500, **filters)
    return {(f.person_id, f.category): f for f in page.flags}


def test_identify_flags_members_and_people_outside_households(ctx, crafted):
    run = service.identify(ctx, SYSTEM)
    everyone = flags(ctx) | flags(ctx, area="32")
    expected = {(p, "poor") for p in crafted.jakarta_members}
    expected |= {(crafted.jakarta_head, DISABILITY), (crafted.bandung_head, DISABILITY)}
    expected |= {(crafted.rough_sleeper, "neglected_elderly"), (crafted.rough_sleeper, "homeless")}
    assert set(everyone) == expected
    assert run.candidates == run.new_flags == len(expected)
    assert "poorest_two_deciles" in run.skipped_rules  # no welfare run: the decile rules cannot run
    assert run.welfare_run_id is None
    shelter = everyone[(crafted.jakarta_head, "poor")]
    assert shelter.status is FlagStatus.candidate
    assert shelter.rule_id == "inadequate_shelter" and shelter.rule_version == run.rules
    assert shelter.evidence["inadequate_shelter"]["floor_material"] == 8
    assert shelter.area_code == JAKARTA_VILLAGE and shelter.run_id == run.id
    outside = everyone[(crafted.rough_sleeper, "homeless")]
    assert outside.household_id is None and outside.area_code == JAKARTA_VILLAGE
    again = service.identify(ctx, SYSTEM)
    assert (again.new_flags, again.changed, again.retired, again.unchanged) == (0, 0, 0, len(expected))


def test_a_verified_flag_survives_a_rerun_that_no_longer_finds_it(ctx, crafted):
    service.identify(ctx, SYSTEM)
    jakarta = flags(ctx)[(crafted.jakarta_head, DISABILITY)]
    bandung = flags(ctx, area="32")[(crafted.bandung_head, DISABILITY)]
    service.verify(ctx, NATIONAL_WORKER, jakarta.id, note="home visit")
    for person in (crafted.jakarta_head, crafted.bandung_head):  # the evidence goes away
        registry.update_person(ctx, SYSTEM, person, {"difficulty_walking": 4}, source="test")
    run = service.identify(ctx, SYSTEM)
    assert run.retired == 1
    kept = flags(ctx)[(crafted.jakarta_head, DISABILITY)]
    assert kept.status is FlagStatus.verified and kept.decision_note == "home visit"
    assert flags(ctx, area="32")[(crafted.bandung_head, DISABILITY)].status is FlagStatus.retired
    assert flags(ctx, area="32", status=FlagStatus.candidate) == {}
    # the evidence comes back: the retired flag is a candidate again; history keeps every version
    registry.update_person(ctx, SYSTEM, crafted.bandung_head, {"difficulty_walking": 1}, source="test")
    service.identify(ctx, SYSTEM)
    back = flags(ctx, area="32")[(crafted.bandung_head, DISABILITY)]
    assert back.status is FlagStatus.candidate and back.id == bandung.id
    assert back.evidence["washington_group_disability"]["difficulty_walking"] == 1
    with ctx.transaction(readonly=True) as conn:
        v = ppks_flag_version
        statuses = conn.execute(select(v.c.status).where(v.c.flag_id == bandung.id).order_by(v.c.valid_from))
        assert [s for (s,) in statuses] == ["candidate", "retired", "candidate"]
        current = select(func.count()).where(v.c.flag_id == bandung.id, v.c.valid_to.is_(None))
        assert conn.execute(current).scalar_one() == 1


def test_rejection_needs_a_reason_and_survives_reruns(ctx, crafted):
    service.identify(ctx, SYSTEM)
    flag = flags(ctx)[(crafted.rough_sleeper, "homeless")]
    with pytest.raises(Invalid) as refused:
        service.reject(ctx, NATIONAL_WORKER, flag.id, reason="   ")
    assert [issue.field for issue in refused.value.issues] == ["reason"]
    rejected = service.reject(ctx, NATIONAL_WORKER, flag.id, reason="lives with his daughter")
    assert rejected.status is FlagStatus.rejected and rejected.decided_by == NATIONAL_WORKER.display_name
    with pytest.raises(Conflict):
        service.reject(ctx, NATIONAL_WORKER, flag.id, reason="again")
    service.identify(ctx, SYSTEM)
    assert flags(ctx)[(crafted.rough_sleeper, "homeless")].status is FlagStatus.rejected


def test_scope_and_sensitive_categories(ctx, crafted):
    service.identify(ctx, SYSTEM)
    aceh_worker = principal("case_worker", "11", *CASE_WORKER)
    assert flags(ctx, aceh_worker, "31") == {}
    bandung_steward = principal("steward", "32", *STEWARD)
    assert flags(ctx, bandung_steward, "31") == {}
    jakarta_steward = principal("steward", "31", *STEWARD)
    seen = flags(ctx, jakarta_steward, "31")
    assert seen and DISABILITY not in {category for _person, category in seen}
    assert DISABILITY not in {c.code for c in service.visible_categories(jakarta_steward)}
    with pytest.raises(Invalid):  # a sensitive category asked for without the permission: as if unknown
        service.candidates_in(ctx, jakarta_steward, "31", category=DISABILITY)
    disability = flags(ctx)[(crafted.jakarta_head, DISABILITY)]
    with pytest.raises(Forbidden):
        service.verify(ctx, jakarta_steward, disability.id)  # no ppks:verify at all
    with pytest.raises(NotFound):
        service.verify(ctx, principal("case_worker", "32", *CASE_WORKER), disability.id)
    no_sensitive = principal("worker", "31", Permission.ppks_persons, Permission.ppks_verify)
    with pytest.raises(NotFound):  # the flag of a sensitive category does not exist for them
        service.verify(ctx, no_sensitive, disability.id)
    with pytest.raises(Forbidden):
        service.candidates_in(ctx, principal("planner", None, Permission.ppks_read), "31")


def test_runs_reads_and_decisions_are_audited_without_naming_sensitive_categories(ctx, crafted):
    run = service.identify(ctx, SYSTEM)
    disability = service.candidates_in(ctx, NATIONAL_WORKER, "31", category=DISABILITY).flags[0]
    service.verify(ctx, NATIONAL_WORKER, disability.id)
    entries = audit.recent(ctx, SYSTEM, limit=20)
    by_action = {entry.action: entry for entry in entries}
    identified = json.loads(by_action["ppks.identify"].detail)
    assert by_action["ppks.identify"].object_id == str(run.id) and identified["new"] == run.new_flags
    listed = json.loads(by_action["ppks.candidates.read"].detail)
    assert listed["category"] == "sensitive" and listed["flags"] == [str(disability.id)]
    verified = by_action["ppks.flag.verify"]
    assert verified.object_id == str(disability.id) and verified.area_code == JAKARTA_VILLAGE
    assert json.loads(verified.detail) == {"category": "sensitive", "previous": "candidate"}
    assert not any(DISABILITY in entry.detail for entry in entries)


def test_case_workers_see_names_read_from_the_registry_in_one_audited_query(ctx, crafted):
    service.identify(ctx, SYSTEM)
    page = service.candidates_in(ctx, NATIONAL_WORKER, "31", limit=500)
    by_person = {f.person_id: f for f in page.flags}
    head, sleeper = by_person[crafted.jakarta_head], by_person[crafted.rough_sleeper]
    assert (head.name, head.sex, head.birth_date) == ("Budi Santoso", "male", date(1980, 3, 14))
    assert head.village_code == JAKARTA_VILLAGE and head.age is not None and head.age >= 45
    assert (sleeper.name, sleeper.sex, sleeper.household_id) == ("Slamet", "male", None)
    assert sleeper.village_code == JAKARTA_VILLAGE  # where outreach registered him
    assert all(f.name for f in page.flags)
    # one registry entry for the page, naming the persons (each once) and no category
    entries = [e for e in audit.recent(ctx, SYSTEM, limit=5) if e.action != "audit.read"]
    listed = entries[0]
    persons = list(dict.fromkeys(str(f.person_id) for f in page.flags))
    assert listed.action == "person.list" and entries[1].action == "ppks.candidates.read"
    assert json.loads(listed.detail) == {"persons": persons, "asked": len(persons)}
    assert listed.purpose == "case_management" and listed.object_type == "person"
    assert not any(f.category in listed.detail for f in page.flags)

    # the names of a page are one query, however long the page
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "person_version" in statement:
            statements.append(statement)

    sqlalchemy_event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        service.candidates_in(ctx, NATIONAL_WORKER, "31", limit=1)
        one = len(statements)
        service.candidates_in(ctx, NATIONAL_WORKER, "31", limit=500)
    finally:
        sqlalchemy_event.remove(ctx.engine, "before_cursor_execute", count)
    assert one == 1 and len(statements) == 2


def test_names_follow_the_registrys_own_scope(ctx, crafted):
    service.identify(ctx, SYSTEM)
    ppks_only = principal("worker", "31", *(p for p in CASE_WORKER if p is not Permission.registry_read))
    flags_only = service.candidates_in(ctx, ppks_only, "31").flags
    assert flags_only and all(f.name is None and f.birth_date is None for f in flags_only)
    assert not _listed(ctx)  # the list only: nothing read
    # PPKS persons in Jakarta, the registry only in Jawa Barat: the flags without names, the read recorded
    elsewhere = Principal(
        None,
        "worker@31",
        "worker",
        None,
        (
            Grant("ppks", frozenset(CASE_WORKER) - {Permission.registry_read}, "31"),
            Grant("reader", frozenset({Permission.registry_read}), "32"),
        ),
    )
    shown = service.candidates_in(ctx, elsewhere, "31").flags
    assert shown and all(f.name is None for f in shown)
    (listed,) = _listed(ctx)
    assert json.loads(listed.detail) == {"persons": [], "asked": len({f.person_id for f in shown})}


def _listed(ctx) -> list:
    return [e for e in audit.recent(ctx, SYSTEM, limit=500) if e.action == "person.list"]
