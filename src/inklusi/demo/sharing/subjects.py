"""The demo's data-subject requests and breach report: the DKI steward takes, for people of two households
of Jakarta, an access request (answered with its report), a correction (a change request), an objection to
the ranking (a grievance), a deletion of the registry record (refused with its reason) and a restriction;
the auditor then lists who the steward read in the last hour. Everything goes through the sharing service
as the demo's users, like any caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from inklusi.access import service as access
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.registry import service as registry
from inklusi.sharing import service as sharing
from inklusi.sharing.service import RequestInput

STEWARD = "dinsos.dki"  # subjects:manage over DKI Jakarta (31)
AUDITOR = "auditor"  # audit:read, nationwide
AREA = "31"


@dataclass(frozen=True)
class DemoSubjects:
    requests: dict[str, UUID]  # kind → the request made
    kept: tuple[str, ...]  # what the deletion was refused, each with its reason
    accessed_by: int  # audit entries in the access report
    breach_persons: int  # persons the steward read in the last hour (the breach report)
    breach_households: int


def demo_subjects(ctx: Context) -> DemoSubjects | None:
    """The requests and the report; None when the demo registry has no two households in DKI Jakarta."""
    steward = access.principal_of(ctx, STEWARD)
    auditor = access.principal_of(ctx, AUDITOR)
    since = utcnow() - timedelta(hours=1)
    heads = [hit for hit in registry.browse_area(ctx, steward, AREA, limit=2) if hit.household_id]
    if len(heads) < 2:
        return None
    first, second = heads[0], heads[1]
    assert first.household_id is not None  # kept above
    registry.view_household(ctx, steward, first.household_id)
    made: dict[str, UUID] = {}

    def take(given: RequestInput) -> sharing.SubjectRequest:
        request = sharing.submit_request(ctx, steward, given)
        made[given.kind] = request.id
        return request

    asked = take(RequestInput("access", "Data apa yang disimpan tentang saya?", first.person_id))
    report = sharing.access_report(ctx, steward, asked.id)
    sharing.close_request(ctx, steward, asked.id, response="Laporan akses diserahkan di kantor desa.")
    place = registry.get_person(ctx, steward, first.person_id).data.birth_place
    changes = {"birth_place": "Bogor" if place != "Bogor" else "Depok"}
    take(
        RequestInput("correction", "Tempat lahir saya tercatat salah.", first.person_id,
                     evidence="Akta kelahiran", changes=changes)
    )  # fmt: skip
    take(RequestInput("objection", "Rumah tangga kami lebih miskin daripada peringkatnya.", second.person_id))
    deletion = take(
        RequestInput("deletion", "Hapus semua data saya.", second.person_id,
                     items=("registry_record", "request_contact"))
    )  # fmt: skip
    take(RequestInput("restriction", "Data saya jangan dibagikan kepada mitra.", second.person_id))
    until = utcnow() + timedelta(seconds=1)
    breach = sharing.breach_report(ctx, auditor, actor=STEWARD, since=since, until=until)
    return DemoSubjects(
        requests=made,
        kept=tuple(str(d["item"]) for d in deletion.decisions if not d["allowed"]),
        accessed_by=len(report.log),
        breach_persons=len(breach.persons),
        breach_households=len(breach.households),
    )
