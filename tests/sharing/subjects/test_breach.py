"""Breach reports (SQLite and PostgreSQL): from the audit log, exactly the persons and households a user
read in a time window — not those read before or after it, nor those read by someone else — with counts;
the CSV; the audit:read permission; the report is itself recorded.

Partners' reads (``sharing.partner_read``, whose detail lists ``persons`` and ``households``) are not on
this branch: the reads here are the registry's own (a household page, a page of names), which name what
they read the same two ways (as the entry's object, and as ids in its detail)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid
from inklusi.registry import service as registry
from inklusi.sharing import service
from tests.factories import SYSTEM, user
from tests.sharing.subjects.registries import head_of, members, small_registry


def _moment():
    time.sleep(0.01)  # entries' moments differ from the window's edges
    at = utcnow()
    time.sleep(0.01)
    return at


def test_the_report_lists_exactly_what_the_user_read_in_the_window(ctx):
    small = small_registry(ctx)
    suspect = user(ctx, "enumerator.dki", ("enumerator", "31"))
    colleague = user(ctx, "enumerator2.dki", ("enumerator", "31"))
    bandung_head, _ = head_of(ctx, small.bandung)
    registry.view_household(ctx, suspect, small.jakarta[1])  # before the window
    since = _moment()
    registry.view_household(ctx, suspect, small.jakarta[0])
    registry.view_household(ctx, suspect, small.jakarta[0])
    registry.person_cards(ctx, SYSTEM, [bandung_head])  # someone else, inside the window
    registry.view_household(ctx, colleague, small.jakarta[1])
    until = _moment()
    registry.view_household(ctx, suspect, small.jakarta[1])  # after it
    auditor = user(ctx, "auditor", ("auditor", None))
    report = service.breach_report(ctx, auditor, actor="enumerator.dki", since=since, until=until)
    assert [(h.id, h.reads) for h in report.households] == [(small.jakarta[0], 2)]
    assert {p.id for p in report.persons} == members(ctx, small.jakarta[0])
    assert all(p.reads == 2 and p.through_household for p in report.persons)
    assert len(report.entries) == 2 and report.complete
    rows = service.report_csv(report).lstrip("\ufeff").splitlines()
    assert rows[0] == "kind,id,reads,first,last,through_household"
    assert sum(1 for row in rows if row.startswith("person,")) == len(report.persons)
    (recorded,) = audit.search_log(ctx, SYSTEM, LogQuery(action="breach.report")).entries
    assert recorded.purpose == "breach_response"
    assert json.loads(recorded.detail)["persons"] == len(report.persons)


def test_persons_named_in_a_detail_are_listed_directly(ctx):
    small = small_registry(ctx)
    steward = small.steward
    head, _ = head_of(ctx, small.jakarta[0])
    since = _moment()
    registry.person_cards(ctx, steward, [head])  # person.list names the persons in its detail
    report = service.breach_report(ctx, SYSTEM, actor="dinsos.dki", since=since, until=_moment())
    assert [(p.id, p.reads, p.through_household) for p in report.persons] == [(head, 1, False)]
    assert report.households == ()


def test_only_an_auditor_makes_a_report_and_the_window_must_make_sense(ctx):
    small = small_registry(ctx)
    now = utcnow()
    with pytest.raises(Forbidden):
        service.breach_report(ctx, small.steward, actor="x", since=now - timedelta(days=1), until=now)
    with pytest.raises(Invalid) as raised:
        service.breach_report(ctx, SYSTEM, actor=" ", since=now, until=now - timedelta(days=1))
    assert {i.field for i in raised.value.issues} == {"actor", "until"}
    assert service.partner_actor("dinkes-kota") == "partner:dinkes-kota"
