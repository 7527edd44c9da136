"""Use cases of the PPKS slice.

- ``identify``: run the identification rules over the registry (a snapshot and the latest welfare deciles
  in the analytics engine) and write the flags back as a new run; needs ``registry:write`` nationwide,
  audited. A re-run keeps verified and rejected flags and retires candidates whose evidence went away.
- ``candidates_in``, ``verify``, ``reject``: the flags of an area (``ppks:persons``), decisions
  (``ppks:verify``), scoped to the person's area and audited; sensitive categories only with
  ``ppks:sensitive``. ``visible_categories``: the taxonomy as a principal may see it.
- ``evaluate_folder``: the same rules on a synthetic population folder, scored against its truth.
- ``dashboard``, ``export_dashboard``: the planner dashboard's figures of an area (its summary as the caller
  may see it, with the names of the area, its ancestors and children); the exports (CSV, XLSX) audited.
- ``summary``: an area's who/where/what tables from the latest run's stored publication (``ppks:read``
  over the area; sensitive categories and the ``all`` rows only with ``ppks:sensitive`` over it); every
  ``identify`` computes, protects and stores them (``summarising.publish_run``).
- ``export_flags``: the current flags of people in households as a table, for programme eligibility
  (nationwide ``registry:read`` and ``ppks:read``; audited).
"""

from inklusi.ppks.service.dashboards import Dashboard, Export, dashboard, export_dashboard
from inklusi.ppks.service.evaluating import DecileSource, Evaluation, evaluate_folder
from inklusi.ppks.service.exporting import FLAGS_SCHEMA, export_flags
from inklusi.ppks.service.flags import (
    CandidatePage,
    FlagView,
    audited_category,
    candidates_in,
    person_categories_in,
    reject,
    verify,
    visible_categories,
)
from inklusi.ppks.service.identifying import RunSummary, identify, require_identify
from inklusi.ppks.service.release_counts import FlaggedCounts, flagged_people_by_area
from inklusi.ppks.service.sharing_reads import households_verified_in, verified_categories_in
from inklusi.ppks.service.summarising import summary, thresholds_of
from inklusi.ppks.summary import Cell, Summary, SummaryTable

__all__ = [
    "FLAGS_SCHEMA",
    "CandidatePage",
    "Cell",
    "Dashboard",
    "DecileSource",
    "Evaluation",
    "Export",
    "FlagView",
    "FlaggedCounts",
    "RunSummary",
    "Summary",
    "SummaryTable",
    "audited_category",
    "candidates_in",
    "dashboard",
    "evaluate_folder",
    "export_dashboard",
    "export_flags",
    "flagged_people_by_area",
    "households_verified_in",
    "identify",
    "person_categories_in",
    "reject",
    "require_identify",
    "summary",
    "thresholds_of",
    "verified_categories_in",
    "verify",
    "visible_categories",
]
