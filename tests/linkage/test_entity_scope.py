"""Issue 11 #19: a retired entity (merged into another) is read like any other, judged by every record it
ever held: a user of another province gets the same 404 as for an id that does not exist, on the API and
the page, and never the membership history or the steward's note."""

from __future__ import annotations

from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from inklusi.api import API_PREFIX
from inklusi.app import create_app
from inklusi.errors import NotFound
from inklusi.linkage import service as linkage
from inklusi.linkage.model import EntityKind
from tests.conftest import login
from tests.factories import SYSTEM, user
from tests.linkage.test_resolution_effects import _entity, _registered_twice

NOTE = "Same family; the mother told us the second list is wrong"


@pytest.fixture
def retired(ctx):
    first, second = _registered_twice(ctx)  # in Jakarta (31)
    a, b = _entity(ctx, first.person_ids[0]), _entity(ctx, second.person_ids[0])
    kept = linkage.merge_entities(ctx, SYSTEM, a, b, NOTE)
    gone = b if kept == a else a
    assert linkage.get_entity(ctx, SYSTEM, gone).retired_into == kept
    return gone


def test_a_retired_entity_is_not_found_outside_its_records_area(ctx, retired):
    jakarta = user(ctx, "steward.dki.entity", ("steward", "31"))
    assert linkage.get_entity(ctx, jakarta, retired).decisions[-1]["note"] == NOTE
    jabar = user(ctx, "steward.jabar.entity", ("steward", "32"))
    with pytest.raises(NotFound) as refused:
        linkage.get_entity(ctx, jabar, retired)
    with pytest.raises(NotFound) as missing:
        linkage.get_entity(ctx, jabar, uuid4())
    assert type(refused.value) is type(missing.value)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_api_and_the_page_answer_404_like_a_missing_id(settings, ctx, retired):
    user(ctx, "steward.jabar.page", ("steward", "32"))
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        token = client.post(
            f"{API_PREFIX}/auth/token",
            data={"username": "steward.jabar.page", "password": "steward.jabar.page-password"},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        answer = client.get(f"{API_PREFIX}/linkage/entities/{retired}", headers=headers)
        nothing = client.get(f"{API_PREFIX}/linkage/entities/{uuid4()}", headers=headers)
        assert answer.status_code == nothing.status_code == 404
        assert NOTE not in answer.text and str(EntityKind.person.value) not in answer.text
        login(client, "steward.jabar.page", "steward.jabar.page-password", next_path="/linkage/queue")
        page = client.get(f"/linkage/entities/{retired}")
        assert page.status_code == 404 and NOTE not in page.text
        assert client.get(f"/linkage/entities/{uuid4()}").status_code == 404
