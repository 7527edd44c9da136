"""A world of organisations and workers for the case-management tests: a Dinas Sosial (regional) and a
ministry centre (central) and two foundations (NGO), their workers and supervisors, a planner, and people in
the registry in Bandung (and one in Jakarta)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.cases import service
from inklusi.cases.handovers import Consent, ConsentPurpose
from inklusi.registry import service as registry
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household

BANDUNG = "32.73"

ORGANISATIONS = {
    "dinsos": ("Dinas Sosial Kota Bandung", OrganisationKind.regional, BANDUNG),
    "sentra": ("Sentra Wyata Guna", OrganisationKind.central, None),
    "yayasan": ("Yayasan Kayu Bekas", OrganisationKind.ngo, BANDUNG),
    "lks": ("LKS Harapan", OrganisationKind.ngo, BANDUNG),
    "jakarta": ("Dinas Sosial DKI", OrganisationKind.regional, "31"),
    "bappeda": ("Bappeda Jawa Barat", OrganisationKind.regional, "32"),
}
USERS = {
    # username: (organisation, role, area)
    "worker": ("dinsos", "case_worker", BANDUNG),
    "colleague": ("dinsos", "case_worker", BANDUNG),
    "supervisor": ("dinsos", "case_supervisor", BANDUNG),
    "centre": ("sentra", "case_supervisor", None),
    "foundation": ("yayasan", "case_worker", BANDUNG),
    "foundation_head": ("yayasan", "case_supervisor", BANDUNG),
    "lks_worker": ("lks", "case_worker", BANDUNG),
    "jakarta_worker": ("jakarta", "case_worker", "31"),
    "planner": ("bappeda", "planner", "32"),
    "steward": ("dinsos", "steward", BANDUNG),
    "admin2": ("dinsos", "admin", None),
}


@dataclass
class World:
    ctx: object
    orgs: dict[str, UUID]
    users: dict[str, Principal]
    persons: dict[str, UUID]

    def __getitem__(self, username: str) -> Principal:
        return self.users[username]


def make_world(ctx) -> World:
    orgs = {
        key: access.create_organisation(ctx, SYSTEM, name, kind, home)
        for key, (name, kind, home) in ORGANISATIONS.items()
    }
    users = {}
    for username, (org, role, area) in USERS.items():
        password = f"{username}-password"
        access.create_user(
            ctx,
            SYSTEM,
            username=username,
            password=password,
            organisation_id=orgs[org],
            display_name=username.title(),
            grants=[(role, area)],
        )
        users[username] = access.principal_of(ctx, username)
    bandung = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE, members=4), source="test")
    jakarta = registry.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="test")
    persons = {
        "adult": bandung.person_ids[0],  # Budi, born 1980
        "child": bandung.person_ids[3],  # Agus, born 2014
        "jakarta": jakarta.person_ids[0],
    }
    return World(ctx, orgs, users, persons)


@pytest.fixture
def world(ctx) -> World:
    return make_world(ctx)


def consent(world: World, case_id: UUID, to: str, purpose=ConsentPurpose.referral, by="worker") -> UUID:
    return service.record_consent(
        world.ctx,
        world[by],
        case_id,
        Consent(
            purpose,
            "vocational training and its records",
            date.today(),
            recipient_organisation_id=world.orgs[to],
        ),
    )


def opened(world: World, person="adult", categories=("poor",), by="worker") -> UUID:
    return service.open_case(
        world.ctx, world[by], person_id=world.persons[person], categories=list(categories)
    ).id
