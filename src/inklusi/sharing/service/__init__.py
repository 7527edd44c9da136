"""The sharing slice's use cases. What other slices, the edges and the demo may use is exported here."""

from __future__ import annotations

# --- Agreements, partner clients, the partner's reads, pseudonyms and match-only queries -------------------
# --- DCI Social Registry API --------------------------------------------------------------------------------
# --- Released tables and the privacy-budget ledger ---------------------------------------------------------
from inklusi.sharing.service.releases import (
    DATASET_NAMES,
    DATASETS,
    LEVELS,
    BudgetLine,
    CreatedRelease,
    ReleasedTable,
    ReleaseExport,
    ReleaseSummary,
    budget_lines,
    create_release,
    csv_of,
    export_release,
    get_release,
    list_releases,
)

# --- Data-subject requests, breach reports ------------------------------------------------------------------

__all__: list[str] = [
    "DATASETS",
    "DATASET_NAMES",
    "LEVELS",
    "BudgetLine",
    "CreatedRelease",
    "ReleaseExport",
    "ReleaseSummary",
    "ReleasedTable",
    "budget_lines",
    "create_release",
    "csv_of",
    "export_release",
    "get_release",
    "list_releases",
]
