"""The demo's data-subject requests and breach report, over a small registry with the demo's steward and
auditor: every kind is taken, the deletion of the registry record is refused, the breach report finds
what the steward read."""

from __future__ import annotations

from inklusi.demo.sharing.subjects import demo_subjects
from inklusi.sharing import service
from tests.factories import SYSTEM, user
from tests.sharing.subjects.registries import small_registry


def test_the_demo_takes_every_kind_and_reports_the_stewards_reads(ctx):
    small = small_registry(ctx)  # its steward is the demo's (dinsos.dki, steward@31)
    user(ctx, "auditor", ("auditor", None))
    made = demo_subjects(ctx)
    assert made is not None
    assert set(made.requests) == {"access", "correction", "objection", "deletion", "restriction"}
    assert made.kept == ("registry_record",)
    assert made.accessed_by >= 1 and made.breach_households >= 1 and made.breach_persons >= 3
    statuses = {r.kind.value: r.status.value for r in service.request_queue(ctx, small.steward, show="all")}
    assert statuses["access"] == "answered" and statuses["restriction"] == "in_progress"
    assert service.restricted(
        ctx, SYSTEM, [service.get_request(ctx, SYSTEM, made.requests["restriction"]).person_id]
    )
