"""Issue 12 #6: every action the log can hold is one kind of one catalogue (``inklusi.audit.events``);
an event outside it cannot be built, and ``docs/audit-events.md`` lists the catalogue as it is."""

from __future__ import annotations

import re

import pytest

from inklusi.audit import events
from inklusi.audit.events import CATALOGUE, Event, EventKind
from inklusi.audit.model import FIELD_LIMITS, Actor, Purpose
from inklusi.i18n import msg
from tests.conftest import REPOSITORY as ROOT

DOCUMENT = ROOT / "docs" / "audit-events.md"
ACTOR = Actor(None, "tester")


def test_the_document_lists_the_catalogue_as_it_is():
    regenerate = "python -m inklusi.audit.events --markdown > docs/audit-events.md"
    assert DOCUMENT.read_text(encoding="utf-8") == events.markdown(), f"run: {regenerate}"
    listed = re.findall(r"^\| `([a-z_.]+)` \|", DOCUMENT.read_text(encoding="utf-8"), re.M)
    assert listed == list(CATALOGUE) and len(listed) >= 40


def test_every_kind_fits_the_log_and_is_named_object_dot_verb():
    for action, kind in CATALOGUE.items():
        assert kind.action == action
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", action), action
        assert len(action) <= FIELD_LIMITS["action"]
        assert kind.object_type is None or len(kind.object_type) <= FIELD_LIMITS["object_type"]
        assert kind.description.render("id") != kind.description.render("en"), action  # translated
        assert all(kind.detail.values()), action  # every detail field is explained


def test_an_action_outside_the_catalogue_cannot_be_logged():
    stray = EventKind("test.event", "thing", msg("A person's record was read"), (), {})
    with pytest.raises(ValueError, match="not an action of the audit catalogue"):
        Event(kind=stray, actor=ACTOR, purpose=Purpose.administration)
    lookalike = EventKind("person.read", "person", msg("A person's record was read"), (), {})
    with pytest.raises(ValueError, match="not an action of the audit catalogue"):
        Event(kind=lookalike, actor=ACTOR, purpose=Purpose.registry_view)
    with pytest.raises(TypeError):  # no positional seven-tuple
        Event(events.PERSON_READ, ACTOR, Purpose.registry_view)  # type: ignore[misc]


def test_an_event_holds_only_what_its_kind_declares():
    read = Event(kind=events.PERSON_READ, actor=ACTOR, purpose=Purpose.case_management, object_id="p")
    assert (read.action, read.object_type, read.area_code, read.detail) == ("person.read", "person", None, {})
    with pytest.raises(ValueError, match="has no detail nik"):
        Event(kind=events.PERSON_READ, actor=ACTOR, purpose=Purpose.registry_view, detail={"nik": "1"})
    with pytest.raises(ValueError, match="is not logged for registry_view"):
        Event(kind=events.LOGIN, actor=ACTOR, purpose=Purpose.registry_view)
    with pytest.raises(ValueError, match="is about person, not household"):
        Event(kind=events.PERSON_READ, actor=ACTOR, purpose=Purpose.registry_view, object_type="household")
    with pytest.raises(ValueError, match="needs the object type"):
        Event(kind=events.ACCESS_DENIED, actor=ACTOR, purpose=Purpose.registry_view)
    denied = Event(
        kind=events.ACCESS_DENIED, actor=ACTOR, purpose=Purpose.registry_view, object_type="household"
    )
    assert (denied.action, denied.object_type) == ("access.denied", "household")


def test_the_auditor_reads_what_an_action_means():
    assert events.describe("person.read").render("id") == "Data seseorang dibaca"
    assert events.describe("test.event") is None  # an entry from before the catalogue shows its code only
