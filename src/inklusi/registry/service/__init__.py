"""Use cases of the registry. Every write makes new versions (the old ones get ``valid_to``) and one audit
entry, in one transaction; every read of personal data is audited with its purpose. Reads see only
households inside the caller's area scope: anything outside it is "not found", so existence does not leak.
"""

from inklusi.registry.service.change_requests import (
    change_request_queue,
    decide_change_request,
    get_change_request,
    submit_change_request,
)
from inklusi.registry.service.changes import move_person, update_household, update_person
from inklusi.registry.service.finding import browse_area, find_persons, query_kind, rebuild_name_index
from inklusi.registry.service.loading import Loaded, Registered, load_households, register_household
from inklusi.registry.service.reads import (
    count_households,
    get_household,
    get_household_history,
    get_person,
)

__all__ = [
    "Loaded",
    "Registered",
    "browse_area",
    "change_request_queue",
    "count_households",
    "decide_change_request",
    "find_persons",
    "get_change_request",
    "get_household",
    "get_household_history",
    "get_person",
    "load_households",
    "move_person",
    "query_kind",
    "rebuild_name_index",
    "register_household",
    "submit_change_request",
    "update_household",
    "update_person",
]
