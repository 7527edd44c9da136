"""Issue 12 #5: the audit service checks ``audit:read`` itself, so a caller that is not the API or the web
(a command, a job, another slice) cannot read the log without it."""

from uuid import uuid4

import pytest

from inklusi.access.model import Grant, Permission, Principal
from inklusi.audit import service
from inklusi.audit.model import LogQuery
from inklusi.errors import Forbidden
from tests.factories import SYSTEM


def principal(*grants: Grant) -> Principal:
    return Principal(uuid4(), "someone", "Someone", None, grants)


STEWARD = principal(Grant("steward", frozenset({Permission.registry_read, Permission.registry_write}), None))
AREA_AUDITOR = principal(Grant("auditor", frozenset({Permission.audit_read}), "32.04"))


READS = {
    "recent": lambda ctx, reader: service.recent(ctx, reader),
    "search_log": lambda ctx, reader: service.search_log(ctx, reader, LogQuery()),
    "export_log": lambda ctx, reader: service.export_log(ctx, reader, LogQuery()),
    "verify": lambda ctx, reader: service.verify(ctx, reader),
    "verify_log": lambda ctx, reader: service.verify_log(ctx, reader),
    "verify_anchored": lambda ctx, reader: service.verify_anchored(ctx, reader, service.anchor_file(ctx)),
}


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("reader", [STEWARD, AREA_AUDITOR], ids=["steward", "area-auditor"])
def test_reading_the_log_without_audit_read_is_refused_by_the_service(ctx, read, reader):
    before = service.verify(ctx, SYSTEM).entries
    with pytest.raises(Forbidden) as raised:
        READS[read](ctx, reader)
    assert raised.value.text.params == {"permission": "audit:read"}
    assert service.verify(ctx, SYSTEM).entries == before  # nothing read, so nothing recorded
    assert not service.anchor_file(ctx).exists()  # and no head published


def test_an_auditor_reads_through_the_service(ctx):
    auditor = principal(Grant("auditor", frozenset({Permission.audit_read}), None))
    assert service.verify_log(ctx, auditor).intact
    [entry] = service.recent(ctx, auditor, object_type="audit_log", limit=1)
    assert (entry.action, entry.actor_name) == ("audit.verify", "someone")
