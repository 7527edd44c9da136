"""Case management in ``inklusi demo`` (issue 15): organisations of every kind working cases together.

A ministry rehabilitation centre (central), the Dinas Sosial of Kota Bandung (regional) and two foundations
(NGO: the existing Yayasan Peduli Sesama, with a shelter for street children, and Yayasan Kayu Harapan, whose
workshop trains people recovering from drug use and living with HIV to make furniture from waste wood), each
with case workers and a supervisor. The service directory is seeded with their services (an HSDS 3 document
built with ``directory.hsds_out.to_hsds`` and imported like any other, then linked to the organisations that
answer referrals in Inklusi). Then the cases, through the cases service as each worker (scoped and audited as
them), for people the PPKS identification found in Kota Bandung (the demo's outreach list) and one resident of
the centre:

- **Asep Saepudin** (Dinas Sosial): assessed, plan approved by the supervisor, referred with his consent to
  the centre (psychosocial therapy) and to Yayasan Kayu Harapan (vocational training, chosen from the
  directory); both referrals completed, the training with an income outcome (before and after); now in
  monitoring.
- **Entis Sutisna** (Dinas Sosial): a transfer to the centre, with his consent, refused (no room).
- **Ujang** (Yayasan Peduli Sesama), a child: consent through his guardian; the plan waits for approval.
- **Nining** (Yayasan Peduli Sesama): in intervention, a shelter stay recorded.
- **Darsih** (Dinas Sosial, the district's TKSK): through to the end, termination approved, closed.
- **Mbok Sumi** (Dinas Sosial, TKSK): intake, follow-up overdue, a referral waiting for the foundation.
- **Andri Firmansyah** (the centre): rehabilitation done, termination waiting for approval.

Each path is skipped when its person has a case already: running the demo again keeps what exists.

Modules: ``organisations`` (the organisations, places, workers and supervisors), ``directory`` (the service
directory seeded for them), ``people`` (finding or registering the persons), ``casework`` (the report and the
workers' steps), ``paths`` (the paths above).
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from inklusi.access import service as access
from inklusi.context import Context
from inklusi.demo.cases import paths, people
from inklusi.demo.cases.casework import Casework, DemoCase, DemoCases
from inklusi.demo.cases.directory import OFFERS, PROVIDERS, directory_document, seed_directory
from inklusi.demo.cases.organisations import (
    BANDUNG,
    CATCHMENT,
    CENTRE,
    CENTRE_SUPERVISOR,
    CENTRE_WORKER,
    DINSOS,
    KAYU,
    KAYU_SUPERVISOR,
    KAYU_WORKER,
    ORGANISATIONS,
    PEDULI,
    PEDULI_SUPERVISOR,
    PEDULI_WORKER,
    SUKABUMI,
    SUKASARI,
    SUPERVISOR,
    TKSK,
    USERS,
    WORKER,
)
from inklusi.demo.cases.people import SOURCE
from inklusi.errors import Invalid
from inklusi.i18n import msg

__all__ = [
    "BANDUNG",
    "CATCHMENT",
    "CENTRE",
    "CENTRE_SUPERVISOR",
    "CENTRE_WORKER",
    "DINSOS",
    "KAYU",
    "KAYU_SUPERVISOR",
    "KAYU_WORKER",
    "OFFERS",
    "ORGANISATIONS",
    "PEDULI",
    "PEDULI_SUPERVISOR",
    "PEDULI_WORKER",
    "PROVIDERS",
    "SOURCE",
    "SUKABUMI",
    "SUKASARI",
    "SUPERVISOR",
    "TKSK",
    "USERS",
    "WORKER",
    "DemoCase",
    "DemoCases",
    "directory_document",
    "prepare_cases",
    "seed_directory",
]


def prepare_cases(
    ctx: Context, *, progress: Callable[..., None] = lambda _text, _done=0, _total=None: None
) -> DemoCases | None:
    """Seed the directory and work the demo's cases, each path as its workers would; None when every
    path's person had a case already (a demo run before)."""
    organisations = {name: access.organisation_id(ctx, name) for name in (CENTRE, DINSOS, PEDULI, KAYU)}
    missing = [name for name, found in organisations.items() if found is None]
    if missing:
        raise Invalid(msg("The demo's organisations are missing: {names}", names=", ".join(missing)))
    known = {name: found for name, found in organisations.items() if found is not None}
    progress(msg("Seeding the service directory (Open Referral HSDS) with the organisations' services"))
    services = seed_directory(ctx, known)
    demo = Casework(ctx, known, services)
    along: tuple[tuple[Callable[[Casework, UUID], None], Callable[[Context], tuple[UUID, str]]], ...] = (
        (paths.completed_referral, lambda c: people.outreach_person(c, "Asep Saepudin")),
        (paths.refused_transfer, lambda c: people.outreach_person(c, "Entis Sutisna")),
        (paths.waiting_for_approval, lambda c: people.outreach_person(c, "Ujang")),
        (paths.in_the_shelter, lambda c: people.outreach_person(c, "Nining")),
        (paths.closed, lambda c: people.outreach_person(c, "Darsih")),
        (paths.new_intake, lambda c: people.outreach_person(c, "Mbok Sumi")),
        (paths.termination_waiting, people.resident),
    )
    for done, (path, find) in enumerate(along):
        progress(msg("Case management: working the demo's cases"), done, len(along))
        person_id, _area = find(ctx)
        if not people.has_case(ctx, person_id):
            path(demo, person_id)
    progress(msg("Case management: working the demo's cases"), len(along), len(along))
    if not demo.opened:
        return None
    facts = demo.facts
    return DemoCases(
        organisations=len(known),
        services=len(OFFERS),
        cases=tuple(demo.opened.values()),
        referred=facts.get("referred"),  # type: ignore[arg-type]
        income=facts.get("income"),  # type: ignore[arg-type]
        refused=facts.get("refused"),  # type: ignore[arg-type]
        waiting=facts.get("waiting"),  # type: ignore[arg-type]
        guardian=facts.get("guardian"),  # type: ignore[arg-type]
    )
