"""The demo's data sharing (issue 17): partner agreements and their clients' requests, DCI, released
tables and data-subject requests, each a module of its own; :func:`prepare_sharing` runs them in turn."""

from __future__ import annotations

from dataclasses import dataclass

from inklusi.access import service as access
from inklusi.context import Context
from inklusi.demo.sharing import dci
from inklusi.demo.sharing.agreements import DRAFTER, DemoSharing, share_demo
from inklusi.demo.sharing.releases import DemoReleases, publish_releases
from inklusi.demo.sharing.subjects import DemoSubjects, demo_subjects
from inklusi.sharing import service as sharing

DCI_AREA = "32"  # the gateway searches Jawa Barat, inside the ministry's agreement


@dataclass(frozen=True)
class DemoDataSharing:
    partners: DemoSharing
    dci: dci.DciDemoReport | None  # None: no NIK to search by
    releases: DemoReleases
    subjects: DemoSubjects | None  # None: too few households in DKI Jakarta


def prepare_sharing(ctx: Context) -> DemoDataSharing | None:
    """Agreements and partner reads, a DCI gateway's signed searches, public releases, data-subject
    requests and a breach report (``None``: the demo's agreements exist already)."""
    partners = share_demo(ctx)
    if partners is None:
        return None
    searched = None
    if partners.nik is not None:
        steward = access.principal_of(ctx, DRAFTER)
        gateway = sharing.issue_client(
            ctx, steward, partners.ministry_agreement, name="Gateway DCI kementerian"
        )
        searched = dci.run(ctx, steward, gateway, nik=partners.nik, area_code=DCI_AREA)
    return DemoDataSharing(partners, searched, publish_releases(ctx), demo_subjects(ctx))
