"""Registering new households: one (``register_household``) or many (``load_households``), through the
same checks and the same set-based write path (one round trip per table per chunk).

A load is one transaction: every chunk is checked before it is written, and a single problem anywhere
rolls the whole load back, with every problem of that chunk named (``[index].field``). Memory stays
bounded by the chunk size, whatever the number of households.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Issue
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.registry.model import HouseholdData
from inklusi.registry.service.guards import (
    audit_write,
    moment,
    provenance,
    raise_if_errors,
    refusals_as_conflicts,
    registration_issues,
    require_write,
)
from inklusi.registry.store import versions as store
from inklusi.wilayah import service as wilayah


@dataclass(frozen=True)
class Registered:
    household_id: UUID
    family_ids: tuple[UUID, ...]
    person_ids: tuple[UUID, ...]
    warnings: tuple[Issue, ...]


@dataclass(frozen=True)
class Loaded:
    batch_id: UUID
    households: int
    persons: int
    warnings: int


@dataclass(frozen=True)
class _Written:
    household_ids: list[UUID]
    family_ids: list[UUID]
    person_ids: list[UUID]


def register_household(
    ctx: Context,
    principal: Principal,
    data: HouseholdData,
    *,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
) -> Registered:
    """Create a household with its families and members; all or nothing."""
    known = wilayah.area_names(ctx, {data.dwelling.village_code})
    issues = registration_issues(data, date.today(), known)
    warnings = raise_if_errors(issues, msg("The household was not registered"))
    require_write(principal, data.dwelling.village_code)
    now = utcnow()
    effective = moment(valid_from, now)
    with ctx.transaction() as conn, refusals_as_conflicts():
        written = _write(conn, [data], provenance(principal, source, batch_id, effective, now), now)
        household_id = written.household_ids[0]
        audit_write(
            ctx,
            conn,
            principal,
            events.HOUSEHOLD_CREATE,
            household_id,
            data.dwelling.village_code,
            source=source,
            persons=len(written.person_ids),
        )
    return Registered(household_id, tuple(written.family_ids), tuple(written.person_ids), warnings)


def load_households(
    ctx: Context,
    principal: Principal,
    households: Iterable[HouseholdData],
    *,
    source: str,
    batch_id: UUID | None = None,
    valid_from: datetime | None = None,
    chunk_size: int = 1000,
    progress: Callable[[int], None] = lambda _n: None,
) -> Loaded:
    """Register many households in one transaction; one audit entry names the batch."""
    batch_id = batch_id or new_id()
    today, now = date.today(), utcnow()
    written_provenance = provenance(principal, source, batch_id, moment(valid_from, now), now)
    remaining = iter(households)
    done = persons = warnings = 0
    with ctx.transaction() as conn, refusals_as_conflicts():
        while chunk := list(islice(remaining, chunk_size)):
            known = wilayah.area_names(ctx, {data.dwelling.village_code for data in chunk})
            issues = [
                Issue(f"[{done + index}].{issue.field}", issue.code, issue.text, issue.severity)
                for index, data in enumerate(chunk)
                for issue in registration_issues(data, today, known)
            ]
            warnings += len(raise_if_errors(issues, msg("The load was refused: nothing was written")))
            for village in {data.dwelling.village_code for data in chunk}:
                require_write(principal, village)
            persons += len(_write(conn, chunk, written_provenance, now).person_ids)
            done += len(chunk)
            progress(done)
        audit_write(
            ctx,
            conn,
            principal,
            events.HOUSEHOLD_LOAD,
            batch_id,
            None,
            source=source,
            households=done,
            persons=persons,
        )
    return Loaded(batch_id, done, persons, warnings)


def _write(
    conn: Connection, chunk: list[HouseholdData], version: dict[str, object], now: datetime
) -> _Written:
    """Identity rows, versions, assets, programmes, memberships and name index of new households."""
    household_ids = [new_id() for _ in chunk]
    store.insert_identities(conn, "household", household_ids, now)
    household_versions = store.insert_versions(
        conn,
        "household",
        [
            {**version, **vars(data.dwelling), "household_id": id_}
            for id_, data in zip(household_ids, chunk, strict=True)
        ],
    )
    store.insert_assets(conn, {v: data.assets for v, data in zip(household_versions, chunk, strict=True)})
    families = [
        (household_id, family)
        for household_id, data in zip(household_ids, chunk, strict=True)
        for family in data.families
    ]
    family_ids = [new_id() for _ in families]
    store.insert_identities(conn, "family", family_ids, now)
    family_versions = store.insert_versions(
        conn,
        "family",
        [
            {**version, "family_id": family_id, "household_id": household_id, "kk_number": family.kk_number}
            for family_id, (household_id, family) in zip(family_ids, families, strict=True)
        ],
    )
    store.insert_programmes(
        conn,
        "family",
        {v: family.programmes for v, (_h, family) in zip(family_versions, families, strict=True)},
    )
    members = [
        (family_id, member)
        for family_id, (_h, family) in zip(family_ids, families, strict=True)
        for member in family.members
    ]
    person_ids = [new_id() for _ in members]
    store.insert_identities(conn, "person", person_ids, now)
    person_versions = store.insert_versions(
        conn,
        "person",
        [
            {**version, **store.person_row(member.person), "person_id": person_id}
            for person_id, (_family, member) in zip(person_ids, members, strict=True)
        ],
    )
    store.insert_programmes(
        conn,
        "person",
        {v: member.person.programmes for v, (_f, member) in zip(person_versions, members, strict=True)},
    )
    store.insert_versions(
        conn,
        "membership",
        [
            {
                **version,
                "family_id": family_id,
                "person_id": person_id,
                "relationship": int(member.relationship),
            }
            for person_id, (family_id, member) in zip(person_ids, members, strict=True)
        ],
    )
    store.index_names(
        conn,
        {person_id: member.person.name for person_id, (_f, member) in zip(person_ids, members, strict=True)},
        fresh=True,
    )
    return _Written(household_ids, family_ids, person_ids)
