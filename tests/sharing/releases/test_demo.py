"""The demo's releases: one public release of each dataset by the planner, the same again on a second run."""

from __future__ import annotations

from inklusi.demo.sharing.releases import publish_releases
from tests.factories import user
from tests.sharing.releases.data import flagged, ranked


def test_the_demo_publishes_each_dataset_once(ctx):
    flagged(ctx)
    ranked(ctx)
    user(ctx, "perencana", ("planner", None))
    first = publish_releases(ctx)
    assert [r.dataset for r in first.releases] == ["persons_ppks", "households_decile"]
    assert all(r.created and r.accuracy > 0 for r in first.releases)
    again = publish_releases(ctx)
    assert [r.id for r in again.releases] == [r.id for r in first.releases]
    assert not any(r.created for r in again.releases)
    public = {line.dataset: line.spent for line in again.ledger if line.agreement_id is None}
    assert public == {"persons_ppks": 1.0, "households_decile": 1.0}
