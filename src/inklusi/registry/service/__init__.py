"""Use cases of the registry. Every write makes new versions (the old ones get ``valid_to``) and one audit
entry, in one transaction; every read of personal data is audited with its purpose. Reads see only
households inside the caller's area scope: anything outside it is "not found", so existence does not leak.

What this package exports is the registry's interface to the other slices (the import contracts forbid them
its submodules): besides the use cases of the registry's own edges, applying an enumeration round
(instrument), the analytics snapshot and a household read inside the caller's audited transaction
(welfare), the export to record linkage and the resolution of its entities (linkage), a page of persons'
names for another slice's list (ppks); for case management (cases): the cards of the persons a case
relates its reader to, following merges, and an intake's registration inside the case's transaction; for
programmes: a change request inside the transaction that records a village deliberation (FKP) meeting.
"""

from inklusi.registry.service.cards import (
    MAX_CARDS,
    person_cards,
    person_cards_in,
    related_person_cards_in,
    survivors_in,
)
from inklusi.registry.service.change_requests import (
    change_request_queue,
    decide_change_request,
    get_change_request,
    may_decide,
    submit_change_request,
    submit_change_request_in,
)
from inklusi.registry.service.changes import move_person, update_household, update_person
from inklusi.registry.service.finding import browse_area, find_persons, query_kind, rebuild_name_index
from inklusi.registry.service.guards import moment
from inklusi.registry.service.linkage_export import export_persons
from inklusi.registry.service.loading import Loaded, Registered, load_households, register_household
from inklusi.registry.service.outside import (
    RegisteredOutside,
    read_outside_file,
    register_persons_outside,
    register_persons_outside_in,
)
from inklusi.registry.service.reads import (
    HouseholdView,
    count_households,
    get_household,
    get_household_history,
    get_person,
    household_record_in,
    view_household,
)
from inklusi.registry.service.resolution import households_of, resolve
from inklusi.registry.service.rounds import RoundState, apply_round_chunk
from inklusi.registry.service.sharing_reads import household_ids_in_area, persons_by_ids_in, persons_by_nik_in
from inklusi.registry.service.snapshot import SnapshotFiles, export_snapshot, household_tables

__all__ = [
    "MAX_CARDS",
    "HouseholdView",
    "Loaded",
    "Registered",
    "RegisteredOutside",
    "RoundState",
    "SnapshotFiles",
    "apply_round_chunk",
    "browse_area",
    "change_request_queue",
    "count_households",
    "decide_change_request",
    "export_persons",
    "export_snapshot",
    "find_persons",
    "get_change_request",
    "get_household",
    "get_household_history",
    "get_person",
    "household_ids_in_area",
    "household_record_in",
    "household_tables",
    "households_of",
    "load_households",
    "may_decide",
    "moment",
    "move_person",
    "person_cards",
    "person_cards_in",
    "persons_by_ids_in",
    "persons_by_nik_in",
    "query_kind",
    "read_outside_file",
    "rebuild_name_index",
    "register_household",
    "register_persons_outside",
    "register_persons_outside_in",
    "related_person_cards_in",
    "resolve",
    "submit_change_request",
    "submit_change_request_in",
    "survivors_in",
    "update_household",
    "update_person",
    "view_household",
]
