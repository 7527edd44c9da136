"""The demo's DCI partner, run over the sharing world: every search answers inside the agreement, the
on-search arrives, every registry signature verifies, and each search leaves one audit row."""

from __future__ import annotations

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.demo.sharing import dci as demo
from tests.factories import SYSTEM


def test_the_demo_partner_searches_signed_and_receives_its_on_search(ctx, world):
    nik = world.niks[world.person(world.jakarta[0])]
    report = demo.run(ctx, world.drafter, world.foundation_client, nik=nik, area_code="31")
    assert (report.by_nik, report.by_predicate, report.on_search_records) == (1, 1, 1)
    assert report.callback_status == "200" and report.signatures_verified == 3
    assert report.lines()
    entries = audit.search_log(ctx, SYSTEM, LogQuery(action="sharing.partner_read")).entries
    assert len(entries) == 3
