"""The sharing slice's use cases. What other slices, the edges and the demo may use is exported here."""

from __future__ import annotations

# --- Agreements, partner clients, the partner's reads, pseudonyms and match-only queries -------------------
# --- DCI Social Registry API --------------------------------------------------------------------------------
# --- Released tables and the privacy-budget ledger ---------------------------------------------------------
# --- Data-subject requests, breach reports ------------------------------------------------------------------
from inklusi.sharing.service.breach import (
    BreachReport,
    Exposure,
    breach_report,
    partner_actor,
    report_csv,
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
    # data-subject requests, breach reports
    "QUEUES",
    "AccessReport",
    "BreachReport",
    "Exposure",
    "LogLine",
    "RequestInput",
    "Subject",
    "SubjectRequest",
    "access_report",
    "breach_report",
    "close_request",
    "get_request",
    "partner_actor",
    "person_by_nik",
    "person_log",
    "report_csv",
    "report_document",
    "request_queue",
    "restricted",
    "submit_request",
]
