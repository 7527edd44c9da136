"""Enumeration rounds in registry terms: a family form, its listed members, and the report of what a
round changed. Pure types; :mod:`inklusi.registry.service.rounds` applies them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

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
    date) or ``relationship``.
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

    def note_change(self, field_name: str) -> None:
        self.changed_fields[field_name] = self.changed_fields.get(field_name, 0) + 1

    def total(self, what: str) -> int:
        return sum(counts[what] for counts in self.by_village.values())

    @property
    def totals(self) -> dict[str, int]:
        return {what: self.total(what) for what in ROUND_COUNTS}
