"""Use cases of the programmes slice (docs/programmes.md).

- ``evaluate_folder``: programmes evaluated on a synthetic population folder against its truth.

- ``list_programmes``, ``get_programme``, ``save_programme``: the shipped and stored specifications
  (``programmes:read``; storing: ``programmes:manage``, a new version when the spec changed; audited).
- ``simulate_registry``: programmes simulated together on the current registry (snapshot, the latest welfare
  ranks and poverty curve, PPKS flags), optionally saved as scenarios (``programmes:manage``; audited);
  ``list_scenarios``, ``get_scenario``.
- ``freeze``: a scenario re-run on the current registry and stored as an immutable beneficiary list for a
  cycle (audited); ``list_lists``, ``get_list`` (per-village counts in the reader's scope), ``list_entries``
  (named households of a village: ``registry:read`` covering it; audited), ``export_list`` (CSV, XLSX,
  Parquet of the reader's scope; audited).
- ``record_meeting``, ``list_meetings``, ``get_meeting``: village deliberation (FKP) meetings, whose
  decisions become registry change requests or grievances (``programmes:validate`` over the village).
- ``submit_grievance``, ``grievance_queue``, ``get_grievance`` (with the household's welfare explanation),
  ``decide_grievance`` (never one's own), ``reassessment_queue``; audited. ``submit_objection_in``: a
  data subject's objection to the ranking as a grievance, inside the sharing slice's transaction.
"""

from inklusi.programmes.service.catalogue import get_programme, list_programmes, save_programme
from inklusi.programmes.service.evaluating import FolderEvaluation, evaluate_folder
from inklusi.programmes.service.fkp import get_meeting, list_meetings, record_meeting
from inklusi.programmes.service.grievances import (
    decide_grievance,
    get_grievance,
    grievance_queue,
    reassessment_queue,
    submit_grievance,
)
from inklusi.programmes.service.lists import export_list, get_list, list_entries, list_lists
from inklusi.programmes.service.objections import submit_objection_in
from inklusi.programmes.service.simulating import freeze, get_scenario, list_scenarios, simulate_registry
from inklusi.programmes.service.views import (
    DecisionInput,
    DecisionView,
    EntryView,
    Export,
    ExportFormat,
    GrievanceInfo,
    GrievanceView,
    ListInfo,
    MeetingInfo,
    ProgrammeInfo,
    RegistrySimulation,
    ScenarioInfo,
    VillageCount,
)

__all__ = [
    "DecisionInput",
    "DecisionView",
    "EntryView",
    "Export",
    "ExportFormat",
    "FolderEvaluation",
    "GrievanceInfo",
    "GrievanceView",
    "ListInfo",
    "MeetingInfo",
    "ProgrammeInfo",
    "RegistrySimulation",
    "ScenarioInfo",
    "VillageCount",
    "decide_grievance",
    "evaluate_folder",
    "export_list",
    "freeze",
    "get_grievance",
    "get_list",
    "get_meeting",
    "get_programme",
    "get_scenario",
    "grievance_queue",
    "list_entries",
    "list_lists",
    "list_meetings",
    "list_programmes",
    "list_scenarios",
    "reassessment_queue",
    "record_meeting",
    "save_programme",
    "simulate_registry",
    "submit_grievance",
    "submit_objection_in",
]
