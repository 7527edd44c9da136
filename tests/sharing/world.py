"""A small world for the sharing tests: households in Jakarta, Bandung and Aceh with stated welfare ranks
and verified PPKS flags, two partner organisations with approved agreements (drafted by a steward,
approved by a privacy officer) and a client each, and a released table for each agreement and a public
one (made by a planner, who holds ``sharing:release``).

The ranks and flags are written as the welfare ranking and the PPKS identification store them (their
tables), so each test does not train a model or run the rules: what is under test here is what the
sharing slice does with them."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import insert

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.db import utcnow
from inklusi.ids import new_id
from inklusi.ppks.model import Sensitivity
from inklusi.ppks.tables import ppks_flag, ppks_flag_version, ppks_run
from inklusi.registry import service as registry
from inklusi.sharing import service as sharing
from inklusi.sharing.model import AgreementTerms, Operation, Transform
from inklusi.welfare.tables import household_rank, welfare_model, welfare_run
from tests.factories import ACEH_VILLAGE, BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user

ELDERLY, HIV, DISABILITY = "neglected_elderly", "people_living_with_hiv", "persons_with_disabilities"
FOUNDATION_FIELDS = {
    "household.id": Transform.pseudonymise,
    "household.area_code": Transform.generalise,
    "household.decile": Transform.as_is,
    "household.welfare_score": Transform.generalise,
    "household.address": Transform.drop,
    "person.id": Transform.pseudonymise,
    "person.nik": Transform.as_is,
    "person.name": Transform.as_is,
    "person.birth_date": Transform.generalise,
    "person.ppks_categories": Transform.as_is,
}
MINISTRY_FIELDS = {
    "household.id": Transform.as_is,
    "household.kk_number": Transform.pseudonymise,
    "household.area_code": Transform.as_is,
    "household.size": Transform.as_is,
    "household.decile": Transform.as_is,
    "household.regional_decile": Transform.as_is,
    "person.id": Transform.as_is,
    "person.nik": Transform.pseudonymise,
    "person.sex": Transform.as_is,
    "person.relationship": Transform.as_is,
}
ALL_OPERATIONS = {
    Operation.lookup: 1000,
    Operation.search: 1000,
    Operation.extract: 1000,
    Operation.match: 1000,
    Operation.aggregates: 1000,
}


@dataclass(frozen=True)
class World:
    jakarta: tuple[UUID, UUID]  # deciles 2 and 7
    bandung: tuple[UUID, UUID]  # deciles 3 and 1
    aceh: UUID  # decile 4
    members: dict[UUID, tuple[UUID, ...]]  # household -> its persons
    niks: dict[UUID, str]  # person -> NIK
    drafter: Principal
    approver: Principal
    foundation: UUID  # organisation: Jakarta, deciles 1-4, personal ceiling
    ministry: UUID  # organisation: Jawa Barat, any decile
    foundation_agreement: UUID
    ministry_agreement: UUID
    foundation_client: sharing.IssuedClient
    ministry_client: sharing.IssuedClient
    releases: dict[str, UUID]  # "foundation", "ministry", "public" -> a released table

    def person(self, household_id: UUID, index: int = 0) -> UUID:
        return self.members[household_id][index]


def terms(organisation_id: UUID, **changes) -> AgreementTerms:
    day = date.today()
    base = AgreementTerms(
        organisation_id=organisation_id,
        name="Perjanjian uji",
        purpose="Penyaluran zakat bagi rumah tangga miskin",
        legal_basis="UU 27/2022 Pasal 20; perjanjian kerja sama",
        operations=dict(ALL_OPERATIONS),
        areas=(),
        deciles=(),
        ppks_categories=(),
        fields=dict(FOUNDATION_FIELDS),
        sensitivity_ceiling=Sensitivity.personal,
        valid_from=day - timedelta(days=30),
        valid_to=day + timedelta(days=365),
        retention_days=365,
        rate_per_minute=1000,
    )
    return replace(base, **changes)


def approved(ctx, drafter: Principal, approver: Principal, agreement_terms: AgreementTerms) -> UUID:
    agreement = sharing.draft_agreement(ctx, drafter, agreement_terms)
    sharing.approve_agreement(ctx, approver, agreement.id)
    return agreement.id


def state_ranks(ctx, deciles: dict[UUID, tuple[str, int]]) -> UUID:
    """A welfare run ranking these households (village, national decile), as the ranking stores it."""
    now = utcnow()
    model_id, run_id = new_id(), new_id()
    with ctx.transaction() as conn:
        conn.execute(
            insert(welfare_model).values(
                id=model_id, version=f"test-{model_id.hex[:8]}", spec_name="test", spec_version=1,
                kind="linear",
                created_at=now, training_file="-", training_fingerprint="0" * 64, training_households=0,
                spec="{}", metrics="{}", artifact="{}",
            )
        )  # fmt: skip
        conn.execute(
            insert(welfare_run).values(
                id=run_id, model_id=model_id, ranked_at=now, reference_date=date.today(), snapshot_at=now,
                backend="duckdb", households=len(deciles), persons=0,
            )
        )  # fmt: skip
        for household_id, (village, decile) in deciles.items():
            conn.execute(
                insert(household_rank).values(
                    run_id=run_id, household_id=household_id, village_code=village, people=1,
                    score=10 + decile + 0.123, national_percentile=decile * 10, national_decile=decile,
                    household_decile=decile, province_decile=decile, regency_decile=decile,
                )
            )  # fmt: skip
    return run_id


def state_flag(
    ctx, person_id: UUID, household_id: UUID, village: str, category: str, status="verified"
) -> None:
    """A PPKS flag as the identification and a verification store it."""
    now = utcnow()
    run_id, flag_id = new_id(), new_id()
    with ctx.transaction() as conn:
        conn.execute(
            insert(ppks_run).values(
                id=run_id, rules="test", rules_version="test-1", reference_date=date.today(), registry_at=now,
                skipped_rules="[]", started_at=now, finished_at=now, candidates=1, new_flags=1, changed=0,
                retired=0,
            )
        )  # fmt: skip
        conn.execute(
            insert(ppks_flag).values(
                id=flag_id, person_id=person_id, category=category, created_at=now, run_id=run_id
            )
        )
        conn.execute(
            insert(ppks_flag_version).values(
                version_id=new_id(), flag_id=flag_id, valid_from=now, status=status, area_code=village,
                household_id=household_id, rule_id="test", rule_version="1", evidence=json.dumps({}),
                run_id=run_id, registry_at=now, recorded_at=now,
            )
        )  # fmt: skip


def organisation(ctx, name: str) -> UUID:
    return access.create_organisation(ctx, SYSTEM, name, OrganisationKind.ngo)


def build(ctx) -> World:
    def made(village: str, members: int) -> tuple[UUID, tuple[UUID, ...]]:
        registered = registry.register_household(
            ctx, SYSTEM, household(village, members=members), source="test"
        )
        return registered.household_id, tuple(registered.person_ids)

    (j1, j1m), (j2, j2m) = made(JAKARTA_VILLAGE, 3), made(JAKARTA_VILLAGE, 2)
    (b1, b1m), (b2, b2m) = made(BANDUNG_VILLAGE, 4), made(BANDUNG_VILLAGE, 1)
    a1, a1m = made(ACEH_VILLAGE, 2)
    members = {j1: j1m, j2: j2m, b1: b1m, b2: b2m, a1: a1m}
    state_ranks(
        ctx,
        {j1: (JAKARTA_VILLAGE, 2), j2: (JAKARTA_VILLAGE, 7), b1: (BANDUNG_VILLAGE, 3),
         b2: (BANDUNG_VILLAGE, 1), a1: (ACEH_VILLAGE, 4)},
    )  # fmt: skip
    state_flag(ctx, j1m[0], j1, JAKARTA_VILLAGE, ELDERLY)
    state_flag(ctx, j1m[1], j1, JAKARTA_VILLAGE, HIV)
    state_flag(ctx, b1m[2], b1, BANDUNG_VILLAGE, DISABILITY, status="candidate")
    niks = {
        member.person_id: member.person.nik
        for household_id in members
        for family in registry.get_household(ctx, SYSTEM, household_id).families
        for member in family.members
        if member.person.nik
    }
    drafter = user(ctx, "pengelola", ("steward", None))
    approver = user(ctx, "petugas_privasi", ("privacy_officer", None))
    foundation, ministry = organisation(ctx, "Yayasan Zakat Jakarta"), organisation(ctx, "Kementerian Uji")
    foundation_agreement = approved(
        ctx, drafter, approver,
        terms(foundation, name="Zakat DKI", areas=("31",), deciles=(1, 2, 3, 4)),
    )  # fmt: skip
    ministry_agreement = approved(
        ctx, drafter, approver,
        terms(ministry, name="Program Kementerian", areas=("32",), fields=dict(MINISTRY_FIELDS)),
    )  # fmt: skip
    foundation_client = sharing.issue_client(ctx, drafter, foundation_agreement, name="Aplikasi zakat")
    ministry_client = sharing.issue_client(ctx, drafter, ministry_agreement, name="Sistem kementerian")
    planner = user(ctx, "perencana.uji", ("planner", None))
    releases = {
        name: sharing.create_release(
            ctx, planner, dataset="persons_ppks", epsilon=0.5, agreement_id=agreement_id
        ).release.id
        for name, agreement_id in (
            ("foundation", foundation_agreement), ("ministry", ministry_agreement), ("public", None)
        )
    }  # fmt: skip
    return World(
        (j1, j2), (b1, b2), a1, members, niks, drafter, approver, foundation, ministry,
        foundation_agreement, ministry_agreement, foundation_client, ministry_client, releases,
    )  # fmt: skip


def token(ctx, client: sharing.IssuedClient) -> str:
    return sharing.issue_token(ctx, client.client_id, client.client_secret).access_token


def partner(ctx, client: sharing.IssuedClient) -> sharing.Partner:
    return sharing.authenticate_partner(ctx, token(ctx, client))
