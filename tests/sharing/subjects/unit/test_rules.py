"""The pure rules of data-subject requests: the 3 × 24 hours deadline against a fixed clock, what a deletion
keeps (with its reason and legal basis) and what may go, and what an audit entry says was read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from inklusi.sharing.subjects import (
    Deadline,
    DeletionItem,
    deadline_of,
    decide_deletion,
    due_at,
    touched,
)

RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_a_request_is_due_three_times_24_hours_after_receipt() -> None:
    assert due_at(RECEIVED) == datetime(2026, 3, 5, 9, 30, tzinfo=UTC)


def test_the_deadline_states_against_a_fixed_clock() -> None:
    assert deadline_of(RECEIVED, RECEIVED + timedelta(hours=1)).state is Deadline.on_time
    assert deadline_of(RECEIVED, RECEIVED + timedelta(hours=47, minutes=59)).state is Deadline.on_time
    assert deadline_of(RECEIVED, RECEIVED + timedelta(hours=48)).state is Deadline.due_soon
    soon = deadline_of(RECEIVED, RECEIVED + timedelta(hours=71))
    assert (soon.state, soon.remaining) == (Deadline.due_soon, timedelta(hours=1))
    assert deadline_of(RECEIVED, RECEIVED + timedelta(hours=72)).state is Deadline.due_soon
    late = deadline_of(RECEIVED, RECEIVED + timedelta(hours=73))
    assert (late.state, late.remaining) == (Deadline.overdue, -timedelta(hours=1))


def test_a_closed_request_met_its_deadline_or_was_late_whatever_the_clock_says() -> None:
    far_later = RECEIVED + timedelta(days=30)
    assert deadline_of(RECEIVED, far_later, RECEIVED + timedelta(hours=70)).state is Deadline.met
    assert deadline_of(RECEIVED, far_later, RECEIVED + timedelta(hours=80)).state is Deadline.late


def test_what_the_law_keeps_is_refused_with_its_reason_and_basis() -> None:
    decided = {d.item: d for d in decide_deletion(list(DeletionItem))}
    for kept in (DeletionItem.registry_record, DeletionItem.welfare_rank, DeletionItem.ppks_flags):
        assert not decided[kept].allowed and "Pasal 15" in decided[kept].basis
        assert "Pasal 15" in decided[kept].reason.render("id")
    assert decided[DeletionItem.access_log].basis == "UU 27/2022 Pasal 31"
    assert decided[DeletionItem.request_contact].allowed and decided[DeletionItem.restriction].allowed
    assert decided[DeletionItem.request_contact].basis == ""


def test_each_item_is_decided_once_in_the_order_asked() -> None:
    items = [DeletionItem.restriction, DeletionItem.registry_record, DeletionItem.restriction]
    decided = [d.item for d in decide_deletion(items)]
    assert decided == [DeletionItem.restriction, DeletionItem.registry_record]


def test_an_entry_names_its_object_and_the_ids_its_detail_lists() -> None:
    person, other, household = uuid4(), uuid4(), uuid4()
    assert touched("person", str(person), "{}").persons == {person}
    assert touched("household", str(household), "{}").households == {household}
    detail = json.dumps({"persons": [str(person), str(other), "not an id"], "households": [str(household)]})
    found = touched("audit_log", None, detail)
    assert (found.persons, found.households) == ({person, other}, {household})
    assert touched("grievance", str(uuid4()), json.dumps({"household": str(household)})).households == {
        household
    }
    assert touched("person", None, "not json") == touched("area", "31", "{}")
