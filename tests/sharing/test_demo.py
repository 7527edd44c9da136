"""The demo's partners: two agreements (four eyes), their clients and a few audited requests; once."""

from __future__ import annotations

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.demo.sharing.agreements import share_demo
from tests.factories import SYSTEM
from tests.sharing.world import build


def test_the_demo_shares_through_two_approved_agreements(ctx):
    build(ctx)
    report = share_demo(ctx)
    assert report is not None and len(report.agreements) == 2 and len(report.clients) == 2
    assert report.households_found >= 2 and report.looked_up and report.matched
    logged = [
        e
        for action in ("sharing.partner_read", "sharing.partner_match")
        for e in audit.search_log(ctx, SYSTEM, LogQuery(action=action)).entries
    ]
    assert len(logged) == report.reads
    assert share_demo(ctx) is None  # once
