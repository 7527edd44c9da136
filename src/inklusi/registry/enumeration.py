"""Enumeration rounds in registry terms: a family form, its listed members, and the report of what a
round changed. Pure types; :mod:`inklusi.registry.round_plan` plans a round's chunk with them and
:mod:`inklusi.registry.service.rounds` applies it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from uuid import UUID

from inklusi.i18n import msg
from inklusi.registry.model import Dwelling, PersonData, Relationship


class Presence(IntEnum):
    """Whether a listed member is still there (Regsosek 404)."""

    lives_here = 1
    died = 2
    moved_away = 3
    new_member = 4
    not_found = 5

    @property
    def present(self) -> bool:
        return self in (Presence.lives_here, Presence.new_member)


@dataclass(frozen=True)
class RoundMember:
    """A listed member: who they are (to recognise them) and, if still present, their answers."""

    presence: Presence
    name: str
    nik: str | None
    birth_date: date | None
    relationship: Relationship | None = None  # None for members who are gone
    person: PersonData | None = None  # None for members who are gone
    number: int | None = None  # the member's number on the form, to name it when the form is held


@dataclass(frozen=True)
class RoundForm:
    """One family form of an enumeration round, in registry terms.

    ``building`` is the dwelling's number in its SLS for this round: families with the same village,
    SLS and building live in one household.
    """

    submission_id: str
    building: int
    dwelling: Dwelling
    assets: Mapping[str, float]
    kk_number: str | None
    programmes: frozenset[str]
    members: tuple[RoundMember, ...]

    @property
    def household_key(self) -> tuple[str, str | None, int]:
        return (self.dwelling.village_code, self.dwelling.sls, self.building)


@dataclass(frozen=True)
class RoundHold:
    """Why the registry did not take a form in: one reason, about the form or one of its members.

    ``code`` is one of :data:`HOLD_REASONS`; ``subject`` says which answer the reason is about:
    ``village``, ``kk_number``, ``nik`` (or ``member`` when the member was recognised by name and birth
    date), ``relationship`` or the whole ``form``.
    """

    submission_id: str
    code: str
    subject: str
    member: int | None = None


HOLD_REASONS = (
    "registry.out_of_scope",  # it would change a family or person where the importer may not write
    "registry.kk_repeated",  # another form of the same import carries this KK number
    "registry.person_repeated",  # another form of the same import (or this one) lists this person
    "registry.two_heads",  # the family's head is neither listed nor gone, and the form lists another head
    "registry.newer_version",  # the registry holds data newer than the round's date for this record
    "registry.refused",  # the database refused the form's building for a reason none of these foresaw
)


ROUND_COUNT_LABELS = {
    "households_new": msg("New households"),
    "households_changed": msg("Households with changed data"),
    "households_moved": msg("Households moved"),
    "households_split": msg("Households split"),
    "households_merged": msg("Households merged"),
    "families_new": msg("New families"),
    "persons_new": msg("New persons"),
    "births": msg("Births"),
    "deaths": msg("Deaths"),
    "persons_left": msg("Persons who left"),
    "persons_moved": msg("Persons who moved to another family"),
    "persons_changed": msg("Persons with changed data"),
}
ROUND_COUNTS = tuple(ROUND_COUNT_LABELS)


@dataclass
class ChangeReport:
    """What an enumeration round changed, per village (counts named in :data:`ROUND_COUNTS`)."""

    by_village: dict[str, dict[str, int]] = field(default_factory=dict)
    changed_fields: dict[str, int] = field(default_factory=dict)  # field → households or persons changed

    def count(self, village: str, what: str, n: int = 1) -> None:
        counts = self.by_village.setdefault(village, dict.fromkeys(ROUND_COUNTS, 0))
        counts[what] += n

    def merge(self, other: ChangeReport) -> None:
        for village, counts in other.by_village.items():
            for what, n in counts.items():
                if n:
                    self.count(village, what, n)
        for name, n in other.changed_fields.items():
            self.changed_fields[name] = self.changed_fields.get(name, 0) + n

    def note_change(self, field_name: str) -> None:
        self.changed_fields[field_name] = self.changed_fields.get(field_name, 0) + 1

    def total(self, what: str) -> int:
        return sum(counts[what] for counts in self.by_village.values())

    @property
    def totals(self) -> dict[str, int]:
        return {what: self.total(what) for what in ROUND_COUNTS}


@dataclass
class RoundState:
    """What a round has decided so far, across chunks."""

    report: ChangeReport = field(default_factory=ChangeReport)
    claimed: set[UUID] = field(default_factory=set)  # households already given to a building
    statistics_fresh: bool = False  # the planner has seen this round's first writes
    held: list[RoundHold] = field(default_factory=list)  # forms the registry did not take, with why
    kk_taken: set[str] = field(default_factory=set)  # KK numbers of the forms taken in so far
    persons_taken: set[UUID] = field(default_factory=set)  # people listed by the forms taken in so far
    areas: set[str] = field(default_factory=set)  # villages where the round changed something
    households: set[UUID] = field(default_factory=set)  # households the round changed

    @property
    def held_ids(self) -> set[str]:
        return {hold.submission_id for hold in self.held}

    def absorb(self, chunk: RoundState) -> None:
        """Take in what a chunk decided, once its writes went through."""
        self.report.merge(chunk.report)
        self.held += chunk.held
        for name in ("claimed", "kk_taken", "persons_taken", "areas", "households"):
            getattr(self, name).update(getattr(chunk, name))
