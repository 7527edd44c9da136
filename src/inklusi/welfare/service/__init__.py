"""Use cases of welfare ranking: train a model, rank the registry, read and explain a household's rank,
report movements between rankings, and the demo's train-and-rank.

- Training and ranking need ``registry:write`` nationwide (they change what programmes target); both are
  audited. Ranking exports a snapshot of the registry through the registry's service, scores and ranks it
  in the analytics engine (DuckDB, or PySpark when ``analytics_backend`` says so), and writes every
  household's rank back in bulk as a new run: earlier runs stay (history).
- Reading a household's rank or its explanation is a read of personal data: it needs ``registry:read``
  covering the household's village (otherwise "not found") and is audited in the same transaction.
"""

# The planner's pages: reads by area, the export of an area's ranked households, a run and its report
from inklusi.welfare.service.areas import (
    AreaDeciles,
    AreaMovements,
    decile_distribution,
    export_ranked,
    movements_by_area,
)
from inklusi.welfare.service.models import (
    design_of,
    engine_for,
    fit_survey,
    list_models,
    targeting_report,
    train_model,
)
from inklusi.welfare.service.ranking import (
    DecileFile,
    export_deciles,
    get_run,
    list_runs,
    poverty_curve,
    poverty_curve_of,
    rank_registry,
)
from inklusi.welfare.service.reads import (
    decile_summary,
    explain_household,
    household_rank,
    movements,
    rank_history,
)
from inklusi.welfare.service.release_counts import DecileCounts, households_by_decile
from inklusi.welfare.service.reports import (
    RunDetails,
    candidate_metrics,
    report_available,
    run_details,
    run_report,
)
from inklusi.welfare.service.sharing_reads import SharedRank, latest_ranks_in, ranked_in_deciles

__all__ = [
    "AreaDeciles",
    "AreaMovements",
    "DecileCounts",
    "DecileFile",
    "RunDetails",
    "SharedRank",
    "candidate_metrics",
    "decile_distribution",
    "decile_summary",
    "design_of",
    "engine_for",
    "explain_household",
    "export_deciles",
    "export_ranked",
    "fit_survey",
    "get_run",
    "household_rank",
    "households_by_decile",
    "latest_ranks_in",
    "list_models",
    "list_runs",
    "movements",
    "movements_by_area",
    "poverty_curve",
    "poverty_curve_of",
    "rank_history",
    "rank_registry",
    "ranked_in_deciles",
    "report_available",
    "run_details",
    "run_report",
    "targeting_report",
    "train_model",
]
