"""The sharing slice's use cases. What other slices, the edges and the demo may use is exported here."""

from __future__ import annotations

# --- Data-subject requests, breach reports ------------------------------------------------------------------
from inklusi.sharing.service.breach import (
    BreachReport,
    Exposure,
    breach_report,
    partner_actor,
    report_csv,
)

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
from inklusi.sharing.service.subjects import (
    QUEUES,
    AccessReport,
    LogLine,
    RequestInput,
    Subject,
    SubjectRequest,
    access_report,
    close_request,
    get_request,
    person_by_nik,
    person_log,
    report_document,
    request_queue,
    restricted,
    submit_request,
)

__all__: list[str] = [
    "DATASETS",
    "DATASET_NAMES",
    "LEVELS",
    "QUEUES",
    "AccessReport",
    "BreachReport",
    "BudgetLine",
    "CreatedRelease",
    "Exposure",
    "LogLine",
    "ReleaseExport",
    "ReleaseSummary",
    "ReleasedTable",
    "RequestInput",
    "Subject",
    "SubjectRequest",
    "access_report",
    "breach_report",
    "budget_lines",
    "close_request",
    "create_release",
    "csv_of",
    "export_release",
    "get_release",
    "get_request",
    "list_releases",
    "partner_actor",
    "person_by_nik",
    "person_log",
    "report_csv",
    "report_document",
    "request_queue",
    "restricted",
    "submit_request",
]
