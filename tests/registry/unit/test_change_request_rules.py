"""The change-request rules (issue 12 #5): which fields a request may change (the model), and who may decide
one (four eyes: the model; ``may_decide`` of the service, which enforces it). Pure, no database; the
service refusing is tested in test_change_requests.py."""

from dataclasses import fields, replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from inklusi.access.model import Grant, Permission, Principal
from inklusi.registry.model import (
    REQUESTABLE_FIELDS,
    ChangeRequest,
    Dwelling,
    PersonData,
    RequestStatus,
)
from inklusi.registry.service import may_decide

VILLAGE = "32.04.01.2001"
WRITE = frozenset({Permission.registry_read, Permission.registry_write})


def reviewer(area: str | None = "32.04") -> Principal:
    return Principal(uuid4(), "reviewer", "Reviewer", None, (Grant("steward", WRITE, area),))


def request(submitted_by=None, status=RequestStatus.submitted) -> ChangeRequest:
    return ChangeRequest(
        id=uuid4(),
        target_type="household",
        target_id=uuid4(),
        household_id=None,
        village_code=VILLAGE,
        changes={"floor_material": 3},
        reason="r",
        evidence="e",
        status=status,
        submitted_by=submitted_by or uuid4(),
        submitted_by_name="requester",
        organisation_id=None,
        submitted_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


def test_a_reviewer_with_write_access_in_the_area_may_decide_a_waiting_request():
    assert may_decide(reviewer(), request())
    assert may_decide(reviewer(None), request())  # nationwide


def test_nobody_decides_their_own_request():
    me = reviewer()
    mine = request(submitted_by=me.user_id)
    assert mine.submitted_by_user(me.user_id) and not may_decide(me, mine)
    assert not replace(mine, submitted_by=None).submitted_by_user(None)  # the system's is nobody's


@pytest.mark.parametrize("status", [RequestStatus.applied, RequestStatus.rejected])
def test_a_decided_request_is_not_decided_again(status):
    assert not may_decide(reviewer(), request(status=status))


def test_write_access_elsewhere_or_read_access_only_is_not_enough():
    assert not may_decide(reviewer("31"), request())
    read_only = Grant("reader", frozenset({Permission.registry_read}), None)
    reader = Principal(uuid4(), "r", "R", None, (read_only,))
    assert not may_decide(reader, request())


def test_a_request_may_change_every_field_but_the_lists_that_change_by_round():
    for target_type, kind in (("household", Dwelling), ("person", PersonData)):
        every = {f.name for f in fields(kind)}
        assert set(REQUESTABLE_FIELDS[target_type]) == every - {"programmes"}
        assert len(REQUESTABLE_FIELDS[target_type]) == len(set(REQUESTABLE_FIELDS[target_type]))
