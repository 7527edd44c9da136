"""Change requests on SQLite and PostgreSQL: submit with evidence, review in the area, apply as a new
version or reject with a reason; four eyes; every step audited."""

from __future__ import annotations

import re

import pytest

from inklusi.audit import service as audit
from inklusi.errors import Conflict, Forbidden, Invalid, NotFound
from inklusi.registry import service
from inklusi.registry.model import Relationship, RequestStatus
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
    entries = audit.recent(ctx, SYSTEM, object_type="change_request", object_id=str(request.id))
    assert [(e.action, e.actor_name) for e in reversed(entries)] == [
        ("change_request.submit", "partner"),
        ("change_request.read", "steward"),
        ("change_request.applied", "steward"),
    ]
    [update] = audit.recent(ctx, SYSTEM, object_type="household", object_id=str(people["household"]))[:1]
    assert update.action == "household.update" and update.actor_name == "steward"


# --- Issue 11 #18: a request goes with its household when the household moves ----------------------


@pytest.fixture
def moved(ctx, people):
    """Requests made while the household lived in Jakarta, then a move to Bandung applied through a
    change request by a steward with rights in both provinces."""
    national = user(ctx, "national", ("steward", None))
    older = submit(ctx, people["partner"], "household", people["household"], {"roof_material": "5"})
    about_person = submit(ctx, people["partner"], "person", people["person"], {"education": "9"})
    move = submit(
        ctx,
        people["partner"],
        "household",
        people["household"],
        {"village_code": BANDUNG_VILLAGE, "address": "Jl. Asia Afrika 8"},
    )
    service.decide_change_request(ctx, national, move.id, approve=True)
    return {"older": older.id, "person": about_person.id, "move": move.id, "national": national}


def test_after_a_move_the_old_area_no_longer_sees_the_requests(ctx, people, moved):
    jakarta = people["steward"]
    for request_id in (moved["older"], moved["person"], moved["move"]):
        with pytest.raises(NotFound):
            service.get_change_request(ctx, jakarta, request_id)
    with pytest.raises(NotFound):  # nor decide on them
        service.decide_change_request(ctx, jakarta, moved["older"], approve=False, note="Bukan wilayah kami")
    assert service.change_request_queue(ctx, jakarta, status=None) == []
    assert service.change_request_queue(ctx, people["partner"], status=None, mine=True) == []


def test_after_a_move_the_new_area_sees_and_decides_the_requests(ctx, people, moved):
    bandung = people["bandung"]
    shown = service.get_change_request(ctx, bandung, moved["move"])
    assert shown.village_code == BANDUNG_VILLAGE  # where the household is now
    assert service.get_change_request(ctx, bandung, moved["person"]).village_code == BANDUNG_VILLAGE
    queued = {request.id for request in service.change_request_queue(ctx, bandung)}
    assert queued == {moved["older"], moved["person"]}
    rejected = service.decide_change_request(
        ctx, bandung, moved["older"], approve=False, note="Atap sudah diperiksa"
    )
    assert rejected.status is RequestStatus.rejected
    applied = service.decide_change_request(ctx, bandung, moved["person"], approve=True)
    assert applied.status is RequestStatus.applied


def test_a_person_request_follows_the_person_to_another_household(ctx, people):
    """The person moves into a Bandung household's family: their request goes with them."""
    request = submit(ctx, people["partner"], "person", people["person"], {"education": "9"})
    elsewhere = service.register_household(ctx, SYSTEM, sample_household(BANDUNG_VILLAGE), source="round-1")
    family_id = service.get_household(ctx, SYSTEM, elsewhere.household_id).families[0].id
    service.move_person(ctx, SYSTEM, people["person"], family_id, Relationship.other, source="round-2")
    with pytest.raises(NotFound):
        service.get_change_request(ctx, people["steward"], request.id)
    assert service.get_change_request(ctx, people["bandung"], request.id).village_code == BANDUNG_VILLAGE
    assert [r.id for r in service.change_request_queue(ctx, people["bandung"])] == [request.id]


# --- Issue 11 #9: the review page keeps the value a request replaced --------------------------------


def test_an_applied_request_keeps_the_values_it_replaced(ctx, people):
    request = submit(ctx, people["partner"], "person", people["person"], {"education": "9"})
    service.decide_change_request(ctx, people["steward"], request.id, approve=True)
    shown = service.get_change_request(ctx, people["steward"], request.id)
    assert shown.changes == {"education": 9}
    assert shown.replaced == {"education": 8}  # not the new value twice
    service.update_person(ctx, SYSTEM, people["person"], {"education": 10}, source="round-2")
    later = service.get_change_request(ctx, people["steward"], request.id)
    assert later.replaced == {"education": 8} and later.current == {"education": 10}


# --- The same over HTTP: the API and the pages ------------------------------------------------------


def web_login(client, username):
    form = client.get("/login").text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)
    data = {"username": username, "password": f"{username}-password", "login_csrf": token, "next": "/"}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def api_headers(client, username):
    body = {"username": username, "password": f"{username}-password"}
    token = client.post("/api/v1/auth/token", data=body).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_after_a_move_the_api_and_pages_follow_the_household(client, people, moved):
    jakarta, bandung = api_headers(client, "steward"), api_headers(client, "bandung")
    for request_id in (moved["older"], moved["move"]):
        assert client.get(f"/api/v1/change-requests/{request_id}", headers=jakarta).status_code == 404
        shown = client.get(f"/api/v1/change-requests/{request_id}", headers=bandung)
        assert shown.status_code == 200 and shown.json()["village_code"] == BANDUNG_VILLAGE
    refused = client.post(
        f"/api/v1/change-requests/{moved['older']}/decision",
        json={"approve": False, "note": "Bukan wilayah kami"},
        headers=jakarta,
    )
    assert refused.status_code == 404
    assert client.get("/api/v1/change-requests", headers=jakarta).json() == []
    listed = client.get("/api/v1/change-requests", headers=bandung).json()
    assert {item["id"] for item in listed} == {str(moved["older"]), str(moved["person"])}

    web_login(client, "steward")
    page = client.get(f"/change-requests/{moved['move']}")
    assert page.status_code == 404 and "Asia Afrika" not in page.text
    assert "Asia Afrika" not in client.get("/change-requests?status=all").text
    client.cookies.clear()
    web_login(client, "bandung")
    page = client.get(f"/change-requests/{moved['move']}")
    assert page.status_code == 200 and "Asia Afrika" in page.text


def test_rejecting_without_a_note_says_so_once_and_keeps_the_form(client, ctx, people):
    request = submit(ctx, people["partner"], "household", people["household"], {"roof_material": "5"})
    web_login(client, "steward")
    review = client.get(f"/change-requests/{request.id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', review).group(1)

    def reject(note):
        data = {"csrf_token": token, "decision": "reject", "note": note}
        return client.post(f"/change-requests/{request.id}/decision", data=data, follow_redirects=False)

    page = reject("   ")
    assert page.status_code == 422
    assert page.text.count("Sebutkan alasan permintaan ditolak") == 1
    assert "note:" not in page.text and 'aria-invalid="true"' in page.text
    long_note = "Atap sudah diperiksa. " * 100  # over the 2,000 characters a note may hold
    page = reject(long_note)
    assert page.status_code == 422 and "2.000" in page.text
    assert long_note.strip() in page.text  # what was typed is still in the form
    client.cookies.set("inklusi_lang", "en")
    page = reject("")
    assert page.text.count("Say why the request is rejected") == 1 and "note:" not in page.text
    assert service.get_change_request(ctx, SYSTEM, request.id).status is RequestStatus.submitted


def test_the_review_page_shows_old_and_new_after_applying(client, ctx, people):
    request = submit(ctx, people["partner"], "household", people["household"], {"roof_material": "5"})
    service.decide_change_request(ctx, people["steward"], request.id, approve=True)
    web_login(client, "steward")
    page = client.get(f"/change-requests/{request.id}").text
    row = re.search(r"<tr><td>Atap</td>(.*?)</tr>", page).group(1)
    assert "Genteng" in row and "Bambu" in row
