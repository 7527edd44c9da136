"""Use cases of record linkage: runs over the registry (full, incremental), the review queue and
decisions, merges and unmerges, resolved entities, evaluation of labelled files.

Runs and decisions write an overlay (entities, memberships, pairs, decisions) and never change the
registry's rows; every read of personal data and every decision is audited in its own transaction.
"""

from inklusi.linkage.service.entities import (
    EntityView,
    MemberView,
    entity_of_record,
    get_entity,
    merge_entities,
    unmerge,
)
from inklusi.linkage.service.evaluating import evaluate_file, evaluate_table, read_table
from inklusi.linkage.service.review import (
    Queue,
    RecordFacts,
    count_pending,
    decide,
    get_pair,
    pair_records,
    review_queue,
)
from inklusi.linkage.service.runs import RunSummary, link_new_persons, link_registry, list_runs

__all__ = [
    "EntityView",
    "MemberView",
    "Queue",
    "RecordFacts",
    "RunSummary",
    "count_pending",
    "decide",
    "entity_of_record",
    "evaluate_file",
    "evaluate_table",
    "get_entity",
    "get_pair",
    "link_new_persons",
    "link_registry",
    "list_runs",
    "merge_entities",
    "pair_records",
    "read_table",
    "review_queue",
    "unmerge",
]
