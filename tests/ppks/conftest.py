"""Crafted registries for the PPKS identification tests: households whose answers meet chosen rules."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

import pytest

from inklusi.access.model import Grant, Permission, Principal
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah.nik import Sex, format_nik
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household

WALKING_A_LOT_OF_DIFFICULTY = 2  # Regsosek 428: 1 cannot do at all, 2 a lot of difficulty
EARTH_FLOOR, BAMBOO_WALLS = 8, 4
STREET = 1


@dataclass(frozen=True)
class Crafted:
    """Jakarta: a household in an inadequate shelter (everyone ``poor``) whose head has a disability
    (sensitive); Bandung: an ordinary household whose head has a disability; an older man sleeping rough in
    Jakarta (``neglected_elderly`` and ``homeless``)."""

    jakarta_head: UUID
    jakarta_members: tuple[UUID, ...]
    bandung_head: UUID
    rough_sleeper: UUID


def _with_disabled_head(data):
    family = data.families[0]
    head = family.members[0]
    disabled = replace(head.person, difficulty_walking=WALKING_A_LOT_OF_DIFFICULTY)
    members = (replace(head, person=disabled), *family.members[1:])
    return replace(data, families=(replace(family, members=members),))


def craft(ctx) -> Crafted:
    jakarta = registry.register_household(
        ctx,
        SYSTEM,
        _with_disabled_head(
            household(JAKARTA_VILLAGE, floor_material=EARTH_FLOOR, wall_material=BAMBOO_WALLS)
        ),
        source="test",
    )
    bandung = registry.register_household(
        ctx, SYSTEM, _with_disabled_head(household(BANDUNG_VILLAGE)), source="test"
    )
    born = date(1950, 5, 5)
    nik = format_nik(JAKARTA_VILLAGE[:8], born, Sex.male, 9101)
    outside = registry.register_persons_outside(
        ctx,
        SYSTEM,
        [
            OutsidePerson(
                PersonData(name="Slamet", sex=Sex.male, nik=nik, birth_date=born), JAKARTA_VILLAGE, STREET
            )
        ],
        source="outreach",
    )
    return Crafted(
        jakarta.person_ids[0],
        tuple(jakarta.person_ids),
        bandung.person_ids[0],
        outside.person_ids[0],
    )


@pytest.fixture
def crafted(ctx) -> Crafted:
    return craft(ctx)


def principal(role: str, area: str | None, *permissions: Permission) -> Principal:
    return Principal(None, f"{role}@{area}", role, None, (Grant(role, frozenset(permissions), area),))


CASE_WORKER = (  # as in access/roles.yaml
    Permission.registry_read,
    Permission.ppks_read,
    Permission.ppks_persons,
    Permission.ppks_sensitive,
    Permission.ppks_verify,
)
STEWARD = (Permission.registry_read, Permission.ppks_read, Permission.ppks_persons)
