"""Change requests on SQLite and PostgreSQL: submit with evidence, review in the area, apply as a new
version or reject with a reason; four eyes; every step audited."""

from __future__ import annotations

import pytest

from inklusi.audit import service as audit
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.registry import service
from inklusi.registry.model import RequestStatus
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, user
from tests.factories import household as sample_household

JAKARTA_PROVINCE = JAKARTA_VILLAGE[:2]


@pytest.fixture
def people(ctx):
    """A household in Jakarta, a partner who may read there, stewards in Jakarta and in Bandung."""
    registered = service.register_household(ctx, SYSTEM, sample_household(), source="round-1")
    return {
        "household": registered.household_id,
        "person": registered.person_ids[1],
        "partner": user(ctx, "partner", ("planner", JAKARTA_PROVINCE)),
        "steward": user(ctx, "steward", ("steward", JAKARTA_PROVINCE)),
        "bandung": user(ctx, "bandung", ("steward", BANDUNG_VILLAGE[:5])),
    }


def submit(ctx, who, target_type, target_id, changes, **text):
    text = {"reason": "Data keliru", "evidence": "Foto KK, kunjungan 3 Nov"} | text
    return service.submit_change_request(ctx, who, target_type, target_id, changes, **text)


def test_applied_request_writes_a_new_version_linked_to_the_request(ctx, people):
    request = submit(
        ctx, people["partner"], "person", people["person"], {"education": "9", "name": "Siti Aminah"}
    )
    assert request.status is RequestStatus.submitted
    assert request.changes == {"education": 9}  # unchanged fields are not part of the request
    assert request.household_id == people["household"]

    [queued] = service.change_request_queue(ctx, people["steward"])
    assert queued.id == request.id
    shown = service.get_change_request(ctx, people["steward"], request.id)
    assert shown.current == {"education": 8}

    decided = service.decide_change_request(ctx, people["steward"], request.id, approve=True)
    assert decided.status is RequestStatus.applied and decided.decided_by == people["steward"].user_id
    record = service.get_person(ctx, SYSTEM, people["person"])
    assert record.data.education == 9
    assert record.version.version_id == decided.applied_version_id
    assert record.version.source == "change_request" and record.version.batch_id == request.id
    assert service.change_request_queue(ctx, people["steward"]) == []


def test_household_request_and_rejection_with_a_reason(ctx, people):
    request = submit(ctx, people["partner"], "household", people["household"], {"roof_material": "5"})
    with pytest.raises(Invalid) as refused:
        service.decide_change_request(ctx, people["steward"], request.id, approve=False, note=" ")
    assert refused.value.issues[0].field == "note"
    rejected = service.decide_change_request(
        ctx, people["steward"], request.id, approve=False, note="Atap sudah diperiksa: genteng"
    )
    assert rejected.status is RequestStatus.rejected and rejected.applied_version_id is None
    assert service.get_household(ctx, SYSTEM, people["household"]).dwelling.roof_material == 2
    with pytest.raises(Conflict):
        service.decide_change_request(ctx, people["steward"], request.id, approve=True)


def test_bad_requests_name_every_problem_and_store_nothing(ctx, people):
    with pytest.raises(Invalid) as refused:
        submit(
            ctx,
            people["partner"],
            "person",
            people["person"],
            {"education": "banyak", "shoe_size": 42, "marital_status": 9},
            reason="",
            evidence="",
        )
    fields = sorted(issue.field for issue in refused.value.issues)
    assert fields == ["education", "evidence", "marital_status", "reason", "shoe_size"]
    assert all(issue.text.render("id") != issue.text.render("en") for issue in refused.value.issues)
    with pytest.raises(Invalid):
        submit(ctx, people["partner"], "person", people["person"], {"education": 8})  # changes nothing
    assert service.change_request_queue(ctx, SYSTEM, status=None) == []


def test_only_a_reviewer_over_the_area_who_did_not_submit_decides(ctx, people):
    own = submit(ctx, people["steward"], "household", people["household"], {"floor_material": "3"})
    with pytest.raises(Forbidden):
        service.decide_change_request(ctx, people["steward"], own.id, approve=True)
    with pytest.raises(NotFound):  # outside the Bandung steward's area, the request does not exist
        service.decide_change_request(ctx, people["bandung"], own.id, approve=True)
    with pytest.raises(Forbidden):  # a planner may propose, not decide
        service.decide_change_request(ctx, people["partner"], own.id, approve=True)
    with pytest.raises(Forbidden):
        service.change_request_queue(ctx, people["partner"])
    assert service.change_request_queue(ctx, people["bandung"]) == []
    [mine] = service.change_request_queue(ctx, people["steward"], mine=True)
    assert mine.id == own.id


def test_a_failed_apply_changes_nothing(ctx, people):
    """Moving a household to Bandung needs write rights there too: refused, the request stays open."""
    request = submit(
        ctx, people["partner"], "household", people["household"], {"village_code": BANDUNG_VILLAGE}
    )
    with pytest.raises(Forbidden):
        service.decide_change_request(ctx, people["steward"], request.id, approve=True)
    assert service.get_change_request(ctx, people["steward"], request.id).status is RequestStatus.submitted
    assert service.get_household(ctx, SYSTEM, people["household"]).dwelling.village_code == JAKARTA_VILLAGE


def test_every_step_is_audited(ctx, people):
    request = submit(ctx, people["partner"], "household", people["household"], {"toilet": "1"})
    service.get_change_request(ctx, people["steward"], request.id)
    service.decide_change_request(ctx, people["steward"], request.id, approve=True)
    entries = audit.recent(ctx, SYSTEM.actor, object_type="change_request", object_id=str(request.id))
    assert [(e.action, e.actor_name) for e in reversed(entries)] == [
        ("change_request.submit", "partner"),
        ("change_request.read", "steward"),
        ("change_request.applied", "steward"),
    ]
    [update] = audit.recent(ctx, SYSTEM.actor, object_type="household", object_id=str(people["household"]))[
        :1
    ]
    assert update.action == "household.update" and update.actor_name == "steward"
