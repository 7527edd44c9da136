"""The demo's released tables: one public release of each dataset (people flagged in the non-sensitive PPKS
categories by province, households by province and national welfare decile), made by the demo's planner
through the sharing service like any caller, and the ledger they spent from. Run again, the same requests
return the stored tables and spend nothing."""

from __future__ import annotations

from dataclasses import dataclass

from inklusi.access import service as access
from inklusi.context import Context
from inklusi.sharing import service as sharing

PLANNER = "perencana"  # sharing:release, nationwide
EPSILON = 1.0
"""What each demo release spends, of a budget of 3 per dataset: the noise's scale is the table's
sensitivity (14 non-sensitive categories; 1 for households) over epsilon."""


@dataclass(frozen=True)
class DemoRelease:
    dataset: str
    id: str
    accuracy: int  # 95 % half-width of a cell's noise
    suppressed: int
    cells: int
    created: bool  # False: the stored release of an earlier run


@dataclass(frozen=True)
class DemoReleases:
    releases: tuple[DemoRelease, ...]
    ledger: tuple[sharing.BudgetLine, ...]


def publish_releases(ctx: Context) -> DemoReleases:
    """One public province-level release of each dataset, and the ledger."""
    planner = access.principal_of(ctx, PLANNER)
    made = []
    for dataset in sharing.DATASETS:
        result = sharing.create_release(ctx, planner, dataset=dataset, level="province", epsilon=EPSILON)
        release = result.release
        made.append(
            DemoRelease(
                dataset, str(release.id), release.accuracy, release.suppressed, release.cells, result.created
            )
        )
    return DemoReleases(tuple(made), tuple(sharing.budget_lines(ctx, planner)))
