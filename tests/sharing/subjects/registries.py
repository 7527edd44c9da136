"""A small registry for the data-subject tests: two households in Jakarta, one in Bandung, and a steward of
Jakarta (``subjects:manage`` there) who takes the requests."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from inklusi.access.model import Principal
from inklusi.registry import service as registry
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user


@dataclass(frozen=True)
class Registry:
    jakarta: tuple[UUID, UUID]  # households
    bandung: UUID
    steward: Principal  # steward@31


def small_registry(ctx) -> Registry:
    def made(village: str, members: int) -> UUID:
        return registry.register_household(
            ctx, SYSTEM, household(village, members=members), source="test"
        ).household_id

    return Registry(
        (made(JAKARTA_VILLAGE, 3), made(JAKARTA_VILLAGE, 2)),
        made(BANDUNG_VILLAGE, 2),
        user(ctx, "dinsos.dki", ("steward", "31")),
    )


def members(ctx, household_id: UUID) -> set[UUID]:
    record = registry.get_household(ctx, SYSTEM, household_id)
    return {m.person_id for f in record.families for m in f.members}


def head_of(ctx, household_id: UUID) -> tuple[UUID, str]:
    """(person id, NIK) of the household's head."""
    record = registry.get_household(ctx, SYSTEM, household_id)
    head = record.families[0].head
    assert head is not None and head.person.nik is not None
    return head.person_id, head.person.nik
