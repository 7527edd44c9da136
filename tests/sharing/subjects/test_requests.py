"""Data-subject requests end to end (SQLite and PostgreSQL): each kind does what it says in one transaction
and is audited; what the law keeps is refused with its reason and nothing is half-written; the deadline is
visible in the queue; the handler's area bounds whom they can act for."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.db import utcnow
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.programmes import service as programmes
from inklusi.registry import service as registry
from inklusi.sharing import service
from inklusi.sharing.service import RequestInput
from inklusi.sharing.store.subjects import restricted_among
from inklusi.sharing.subjects import Deadline, RequestStatus
from tests.factories import SYSTEM, user
from tests.sharing.subjects.registries import head_of, small_registry


def _actions(ctx, action: str) -> list:
    return audit.search_log(ctx, SYSTEM, LogQuery(action=action), limit=200).entries


def test_an_access_request_reports_what_is_held_and_who_read_it(ctx):
    small = small_registry(ctx)
    person_id, nik = head_of(ctx, small.jakarta[0])
    reader = user(ctx, "enumerator.dki", ("enumerator", "31"))
    registry.view_household(ctx, reader, small.jakarta[0])  # a read the person is told about
    made = service.submit_request(
        ctx, small.steward, RequestInput(kind="access", nik=nik, statement="Data apa yang disimpan?")
    )
    assert (made.person_id, made.household_id) == (person_id, small.jakarta[0])
    assert made.status is RequestStatus.received
    report = service.access_report(ctx, small.steward, made.id)
    assert report.person.data.nik == nik and report.household is not None
    assert report.household.id == small.jakarta[0]
    readers = {(line.actor, line.action) for line in report.log}
    assert ("enumerator.dki", "household.read") in readers
    assert report.cases is None and report.sensitive_withheld  # a steward sees neither
    document = service.report_document(report, "en")
    json.dumps(document)  # the downloadable file
    assert document["person"]["id"] == str(person_id)
    assert any(line["by"] == "enumerator.dki" for line in document["accessed_by"])
    closed = service.close_request(ctx, small.steward, made.id, response="Laporan diserahkan.")
    assert closed.status is RequestStatus.answered and closed.deadline(utcnow()).state is Deadline.met
    with pytest.raises(Conflict):
        service.close_request(ctx, small.steward, made.id, response="again")
    (reported,) = _actions(ctx, "subject_request.report")
    assert json.loads(reported.detail)["persons"] == [str(person_id)] and reported.purpose == "subject_rights"
    assert len(_actions(ctx, "subject_request.close")) == 1


def test_a_correction_makes_exactly_one_change_request(ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[0])
    before = registry.change_request_queue(ctx, SYSTEM)
    made = service.submit_request(
        ctx, small.steward,
        RequestInput(kind="correction", person_id=person_id, statement="Pendidikan saya salah",
                     evidence="Ijazah SMA", changes={"education": 14}),
    )  # fmt: skip
    after = registry.change_request_queue(ctx, SYSTEM)
    assert len(after) == len(before) + 1
    (request,) = [r for r in after if r.id == made.change_request_id]
    assert request.target_id == person_id and request.changes == {"education": 14}
    assert made.status is RequestStatus.in_progress


def test_a_correction_the_registry_refuses_writes_nothing(ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[0])
    with pytest.raises(Invalid):
        service.submit_request(
            ctx, small.steward,
            RequestInput(kind="correction", person_id=person_id, statement="x", evidence="y",
                         changes={"education": "not a code"}),
        )  # fmt: skip
    assert registry.change_request_queue(ctx, SYSTEM) == []
    assert service.request_queue(ctx, small.steward, show="all") == []
    assert _actions(ctx, "subject_request.submit") == []


def test_an_objection_to_the_ranking_opens_exactly_one_grievance(ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[1])
    made = service.submit_request(
        ctx, small.steward, RequestInput(kind="objection", person_id=person_id, statement="Peringkat keliru")
    )
    (grievance,) = programmes.grievance_queue(ctx, small.steward)
    assert (grievance.id, grievance.kind, grievance.household_id) == (
        made.grievance_id,
        "ranking",
        small.jakarta[1],
    )
    assert "Pasal 10" in grievance.statement


def test_a_restriction_hides_the_person_until_a_deletion_lifts_it(ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[0])
    other, _ = head_of(ctx, small.jakarta[1])
    service.submit_request(
        ctx, small.steward, RequestInput(kind="restriction", person_id=person_id, statement="Jangan dibagi")
    )
    with ctx.transaction(readonly=True) as conn:
        assert restricted_among(conn, [person_id, other]) == {person_id}
    assert service.restricted(ctx, small.steward, [person_id, other]) == {person_id}
    with pytest.raises(Conflict):
        service.submit_request(
            ctx, small.steward, RequestInput(kind="restriction", person_id=person_id, statement="lagi")
        )
    lifted = service.submit_request(
        ctx, small.steward,
        RequestInput(kind="deletion", person_id=person_id, statement="Cabut", items=("restriction",)),
    )  # fmt: skip
    assert [d["allowed"] for d in lifted.decisions] == [True]
    with ctx.transaction(readonly=True) as conn:
        assert restricted_among(conn, [person_id, other]) == set()


def test_deleting_what_the_law_keeps_is_refused_with_the_reason_and_changes_nothing(ctx):
    small = small_registry(ctx)
    person_id, nik = head_of(ctx, small.jakarta[0])
    before = registry.get_person(ctx, SYSTEM, person_id)
    earlier = service.submit_request(
        ctx, small.steward,
        RequestInput(kind="access", person_id=person_id, statement="s", contact="0812-1111-2222"),
    )  # fmt: skip
    service.close_request(ctx, small.steward, earlier.id, response="done")
    made = service.submit_request(
        ctx, small.steward,
        RequestInput(kind="deletion", nik=nik, statement="Hapus data saya",
                     items=("registry_record", "access_log", "request_contact")),
    )  # fmt: skip
    decisions = {d["item"]: d for d in made.decisions}
    assert not decisions["registry_record"]["allowed"] and "Pasal 15" in decisions["registry_record"]["basis"]
    assert "UU 13/2011" in decisions["registry_record"]["reason_en"]
    assert not decisions["access_log"]["allowed"] and decisions["request_contact"]["allowed"]
    after = registry.get_person(ctx, SYSTEM, person_id)
    assert after.data == before.data and after.version == before.version  # the record is untouched
    assert service.get_request(ctx, small.steward, earlier.id).contact is None  # what may go went
    (submitted,) = [e for e in _actions(ctx, "subject_request.submit") if e.object_id == str(made.id)]
    assert json.loads(submitted.detail)["kept"] == ["registry_record", "access_log"]
    refused = service.close_request(ctx, small.steward, made.id, response="Ditolak sebagian", refused=True)
    assert refused.status is RequestStatus.refused


def test_a_wrong_request_is_refused_naming_the_fields_and_records_nothing(ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[0])
    with pytest.raises(Invalid) as raised:
        service.submit_request(
            ctx, small.steward,
            RequestInput(kind="deletion", person_id=person_id, statement="", channel="fax",
                         items=("registry_record", "everything")),
        )  # fmt: skip
    assert {i.field for i in raised.value.issues} == {"statement", "channel", "items"}
    assert service.request_queue(ctx, small.steward, show="all") == []
    assert registry.get_person(ctx, SYSTEM, person_id).version is not None


def test_the_handlers_area_bounds_whom_they_act_for(ctx):
    small = small_registry(ctx)
    bandung_person, bandung_nik = head_of(ctx, small.bandung)
    for given in (
        RequestInput(kind="access", person_id=bandung_person, statement="s"),
        RequestInput(kind="access", nik=bandung_nik, statement="s"),
    ):
        with pytest.raises(NotFound):
            service.submit_request(ctx, small.steward, given)
    planner = user(ctx, "perencana", ("planner", None))
    with pytest.raises(Forbidden):
        service.request_queue(ctx, planner)
    west_java = user(ctx, "dinsos.jabar", ("steward", "32"))
    made = service.submit_request(ctx, west_java, RequestInput(kind="access", nik=bandung_nik, statement="s"))
    assert [r.id for r in service.request_queue(ctx, west_java)] == [made.id]
    assert service.request_queue(ctx, small.steward) == []
    with pytest.raises(NotFound):
        service.get_request(ctx, small.steward, made.id)


def test_the_queue_shows_each_deadline_soonest_first(ctx):
    small = small_registry(ctx)
    person_id, _nik = head_of(ctx, small.jakarta[0])
    now = utcnow()
    for hours in (1, 50, 80):
        service.submit_request(
            ctx, small.steward,
            RequestInput(kind="access", person_id=person_id, statement=f"{hours}",
                         received_at=now - timedelta(hours=hours)),
        )  # fmt: skip
    queue = service.request_queue(ctx, small.steward)
    assert [r.statement for r in queue] == ["80", "50", "1"]
    states = [r.deadline(utcnow()).state for r in queue]
    assert states == [Deadline.overdue, Deadline.due_soon, Deadline.on_time]
    with pytest.raises(Invalid):
        service.submit_request(
            ctx, small.steward,
            RequestInput(kind="access", person_id=person_id, statement="s",
                         received_at=now + timedelta(days=1)),
        )  # fmt: skip
