"""Data-subject rights under UU 27/2022 (Pelindungan Data Pribadi): the kinds of request, their states,
the deadline, what a deletion may and may not remove, and what an audit entry says was read. Pure.

The legal reading here is the project's, not legal advice (``docs/sharing-rights.md``):

- A request is answered within **3 × 24 hours** of its receipt (the limit UU 27/2022 sets for the
  controller's answer to access and correction, e.g. Pasal 30 and 32, applied here to every kind);
  :func:`deadline_of` says whether a request is overdue or due within the next 24 hours.
- **Deletion**: the registry's records, the welfare ranking computed from them, the PPKS flags and the
  audit log are kept: the rights of Pasal 8 do not apply where processing serves the public interest in
  administering the state (Pasal 15 ayat (1) huruf c), the Ministry must keep the integrated social
  data it verifies and validates (UU 13/2011 Penanganan Fakir Miskin, Pasal 8–11) and the controller
  must record every processing (Pasal 31: the audit log). What no duty keeps may go: the contact details
  a person left with their earlier requests, and a restriction they asked for (lifted again).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from inklusi.i18n import Text, msg

ANSWER_WITHIN = timedelta(hours=3 * 24)
DUE_SOON = timedelta(hours=24)


class RequestKind(StrEnum):
    access = "access"  # what is held, and who read it (Pasal 7)
    correction = "correction"  # Pasal 6: becomes a registry change request
    objection = "objection"  # Pasal 10: to the automated ranking; becomes a programmes grievance
    restriction = "restriction"  # Pasal 11: hidden from partners and released person-level data
    deletion = "deletion"  # Pasal 8: what the law keeps is refused with the reason


class RequestStatus(StrEnum):
    received = "received"  # waiting for its first action
    in_progress = "in_progress"  # acted on (a change request, a grievance, a restriction ...), not answered
    answered = "answered"  # closed with a response that grants it, wholly or in part
    refused = "refused"  # closed with a response that refuses it (the reasons given)


OPEN = (RequestStatus.received, RequestStatus.in_progress)
CHANNELS = ("office", "letter", "phone", "email", "other")


class Deadline(StrEnum):
    on_time = "on_time"
    due_soon = "due_soon"  # due within 24 hours
    overdue = "overdue"
    met = "met"  # closed before its due moment
    late = "late"  # closed after it


@dataclass(frozen=True)
class DeadlineState:
    due_at: datetime
    state: Deadline
    remaining: timedelta  # negative when past due (for a closed request: at its closing)


def due_at(received_at: datetime) -> datetime:
    return received_at + ANSWER_WITHIN


def deadline_of(received_at: datetime, now: datetime, closed_at: datetime | None = None) -> DeadlineState:
    """Where a request stands against its 3 × 24 hours: closed in time or late; open: overdue, due within
    24 hours, or on time."""
    due = due_at(received_at)
    if closed_at is not None:
        return DeadlineState(due, Deadline.met if closed_at <= due else Deadline.late, due - closed_at)
    remaining = due - now
    if remaining < timedelta(0):
        state = Deadline.overdue
    elif remaining <= DUE_SOON:
        state = Deadline.due_soon
    else:
        state = Deadline.on_time
    return DeadlineState(due, state, remaining)


# --- Deletion: what is kept (and why), what may go ------------------------------------------------------


class DeletionItem(StrEnum):
    registry_record = "registry_record"  # name, NIK, household membership, answers
    welfare_rank = "welfare_rank"
    ppks_flags = "ppks_flags"
    access_log = "access_log"  # the audit log's entries about the person
    request_contact = "request_contact"  # contact details left with earlier (closed) requests
    restriction = "restriction"  # the person's own restriction, lifted at their request


REGISTRY_BASIS = (
    "UU 27/2022 Pasal 15 ayat (1) huruf c; UU 13/2011 Pasal 8-11 (data terpadu penanganan fakir miskin)"
)
KEPT: dict[DeletionItem, tuple[str, Text]] = {
    DeletionItem.registry_record: (
        REGISTRY_BASIS,
        msg(
            "The registry record is kept: the integrated social data that the Ministry verifies and "
            "validates must be kept for social-protection administration (UU 13/2011 Pasal 8-11), and the "
            "right to deletion does not apply to processing in the public interest of administering the "
            "state (UU 27/2022 Pasal 15 ayat (1) huruf c). A wrong value can be corrected instead."
        ),
    ),
    DeletionItem.welfare_rank: (
        REGISTRY_BASIS,
        msg(
            "The welfare ranking is kept: it is computed from the registry record for social-protection "
            "targeting, and decisions taken with it must stay verifiable (UU 27/2022 Pasal 15 ayat (1) "
            "huruf c). An objection to the ranking can be made instead."
        ),
    ),
    DeletionItem.ppks_flags: (
        REGISTRY_BASIS,
        msg(
            "The PPKS flags are kept: they serve social-welfare services under the same duty "
            "(UU 27/2022 Pasal 15 ayat (1) huruf c). A flag that is wrong is rejected by a case worker."
        ),
    ),
    DeletionItem.access_log: (
        "UU 27/2022 Pasal 31",
        msg(
            "The audit log is kept: the controller must record every processing of personal data "
            "(UU 27/2022 Pasal 31), and the log is how the person learns who read their data."
        ),
    ),
}
ERASABLE: dict[DeletionItem, Text] = {
    DeletionItem.request_contact: msg(
        "Contact details left with earlier requests are erased: no duty keeps them once a request is closed."
    ),
    DeletionItem.restriction: msg("The person's restriction is lifted, as they ask."),
}


@dataclass(frozen=True)
class DeletionDecision:
    item: DeletionItem
    allowed: bool
    reason: Text
    basis: str  # the legal basis of a refusal ("" when allowed)

    def as_json(self) -> dict[str, object]:
        return {
            "item": self.item.value,
            "allowed": self.allowed,
            "reason_id": self.reason.render("id"),
            "reason_en": self.reason.render("en"),
            "basis": self.basis,
        }


def decide_deletion(items: Iterable[DeletionItem]) -> list[DeletionDecision]:
    """Each item asked for, kept with its reason and legal basis or allowed to go; in the order asked."""
    decided = []
    for item in dict.fromkeys(items):
        if item in KEPT:
            basis, reason = KEPT[item]
            decided.append(DeletionDecision(item, False, reason, basis))
        else:
            decided.append(DeletionDecision(item, True, ERASABLE[item], ""))
    return decided


# --- What an audit entry says was read --------------------------------------------------------------------

PERSON_KEYS = ("persons", "person")
HOUSEHOLD_KEYS = ("households", "household")


@dataclass(frozen=True)
class Touched:
    persons: frozenset[UUID]
    households: frozenset[UUID]


def _ids(value: object) -> set[UUID]:
    values = value if isinstance(value, list) else [value]
    found = set()
    for item in values:
        try:
            found.add(UUID(str(item)))
        except ValueError:
            continue
    return found


def touched(object_type: str, object_id: str | None, detail: str) -> Touched:
    """The persons and households an entry names: its object, and the ids its detail lists under
    ``persons``/``person``/``households``/``household`` (a partner's read, a page of names, a case)."""
    persons: set[UUID] = set()
    households: set[UUID] = set()
    if object_id and object_type == "person":
        persons |= _ids(object_id)
    if object_id and object_type == "household":
        households |= _ids(object_id)
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        data = {}
    if isinstance(data, Mapping):
        for key in PERSON_KEYS:
            persons |= _ids(data.get(key)) if key in data else set()
        for key in HOUSEHOLD_KEYS:
            households |= _ids(data.get(key)) if key in data else set()
    return Touched(frozenset(persons), frozenset(households))
