"""A small registry for the lists, FKP and grievance tests: two households in Jakarta, two in Bandung, and a
programme every household is eligible for (no welfare run needed: no decile cut)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from inklusi.programmes.spec import ProgrammeSpec, parse_programme
from inklusi.registry import service as registry
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household

BENEFIT = 1_200_000.0
EVERYONE = {
    "name": "bantuan_uji",
    "version": 1,
    "label": {"id": "Bantuan uji", "en": "Test assistance"},
    "description": {"id": "Setiap rumah tangga", "en": "Every household"},
    "periodicity": "yearly",
    "benefit": {"per_household": BENEFIT},
    "budget": None,
}


def everyone() -> ProgrammeSpec:
    return parse_programme(EVERYONE)


@dataclass(frozen=True)
class Small:
    jakarta: tuple[UUID, ...]
    bandung: tuple[UUID, ...]

    @property
    def all(self) -> tuple[UUID, ...]:
        return self.jakarta + self.bandung


def small_registry(ctx) -> Small:
    def made(village: str, members: int) -> UUID:
        return registry.register_household(
            ctx, SYSTEM, household(village, members=members), source="test"
        ).household_id

    return Small(
        (made(JAKARTA_VILLAGE, 3), made(JAKARTA_VILLAGE, 2)),
        (made(BANDUNG_VILLAGE, 4), made(BANDUNG_VILLAGE, 1)),
    )
