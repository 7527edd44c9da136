"""A page of persons at once (``person_cards``): the names another slice's list shows, one query, scoped
by ``registry:read`` and audited with one entry naming the persons."""

from __future__ import annotations

import json
from datetime import date
from uuid import uuid4

import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import Purpose
from inklusi.errors import Forbidden, Invalid
from inklusi.registry import service
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah.nik import Sex
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user


def test_a_page_of_persons_in_the_readers_scope_with_one_audit_entry(ctx):
    jakarta = service.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="t")
    bandung = service.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="t")
    outside = service.register_persons_outside(
        ctx,
        SYSTEM,
        [OutsidePerson(PersonData(name="Slamet", sex=Sex.male), JAKARTA_VILLAGE, 1)],
        source="outreach",
    )
    (slamet,) = outside.person_ids
    unknown = uuid4()
    asked = [*jakarta.person_ids, slamet, bandung.person_ids[0], unknown, jakarta.person_ids[0]]
    dki = user(ctx, "dki", ("case_worker", "31"))

    cards = service.person_cards(ctx, dki, asked, purpose=Purpose.case_management)

    assert set(cards) == {*jakarta.person_ids, slamet}  # Bandung and the unknown id: as if absent
    head = cards[jakarta.person_ids[0]]
    assert (head.name, head.sex, head.birth_date) == ("Budi Santoso", Sex.male, date(1980, 3, 14))
    assert head.household_id == jakarta.household_id and head.village_code == JAKARTA_VILLAGE
    assert head.age_on(date(2025, 3, 13)) == 44 and head.age_on(date(2025, 3, 14)) == 45
    assert not hasattr(head, "nik")
    assert cards[slamet].household_id is None and cards[slamet].living_situation == 1
    (entry,) = [e for e in audit.recent(ctx, SYSTEM, limit=20) if e.action == "person.list"]
    read = [str(p) for p in (*jakarta.person_ids, slamet)]
    assert json.loads(entry.detail) == {"persons": read, "asked": 6}  # each id once, in the order asked
    assert entry.purpose == "case_management" and entry.object_type == "person"


def test_reading_nobody_writes_nothing_and_too_many_or_no_permission_is_refused(ctx):
    assert service.person_cards(ctx, SYSTEM, []) == {}
    assert not [e for e in audit.recent(ctx, SYSTEM, limit=20) if e.action == "person.list"]
    with pytest.raises(Invalid) as refused:
        service.person_cards(ctx, SYSTEM, [uuid4() for _ in range(service.MAX_CARDS + 1)])
    assert [issue.field for issue in refused.value.issues] == ["person_ids"]
    with pytest.raises(Forbidden):
        service.person_cards(ctx, user(ctx, "auditor", ("auditor", None)), [uuid4()])
