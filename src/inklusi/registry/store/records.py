"""What a read returns, assembled from version rows: a household record (now or at a moment) and the
snapshots its history is built from. Like the store, functions take a connection and never commit."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.db import utcnow
from inklusi.registry.history import Snapshot
from inklusi.registry.model import FamilyRecord, HouseholdRecord, Member, Relationship
from inklusi.registry.store.resolution import resolved_into_at
from inklusi.registry.store.versions import (
    PROVENANCE,
    VERSIONS,
    assets_of,
    families_at,
    household_in_scope,
    members_at,
    persons_at,
    programmes_of,
    to_dwelling,
    to_person,
    to_version,
    version_at,
)
from inklusi.registry.tables import BLIND_INDEX_COLUMNS, family_member, family_version


def all_versions(conn: Connection, kind: str, ids: list[UUID]) -> list[RowMapping]:
    table, key = VERSIONS[kind]
    stmt = select(table).where(table.c[key].in_(ids)).order_by(table.c.valid_from, table.c.version_id)
    return list(conn.execute(stmt).mappings())


def family_ids_ever_in(conn: Connection, household_id: UUID) -> list[UUID]:
    t = family_version
    return list(conn.scalars(select(t.c.family_id).where(t.c.household_id == household_id).distinct()))


def membership_snapshots(conn: Connection, family_ids: list[UUID]) -> list[Snapshot]:
    """Every membership of the given families, oldest first, keyed by person."""
    if not family_ids:
        return []
    t = family_member
    stmt = select(t).where(t.c.family_id.in_(family_ids)).order_by(t.c.valid_from, t.c.version_id)
    return [
        Snapshot(
            row["person_id"],
            to_version(row),
            {"family_id": row["family_id"], "relationship": row["relationship"]},
        )
        for row in conn.execute(stmt).mappings()
    ]


def household_record(
    conn: Connection, household_id: UUID, at: datetime | None, scope: Scope
) -> HouseholdRecord | None:
    """The household as it is now (``at`` None) or was at ``at``; None if out of scope or not yet there."""
    if household_in_scope(conn, household_id, scope) is None:
        return None
    row = version_at(conn, "household", household_id, at)
    if row is None:
        return None
    family_rows = families_at(conn, household_id, at)
    family_ids = [f["family_id"] for f in family_rows]
    member_rows = members_at(conn, family_ids, at) if family_ids else []
    person_rows = persons_at(conn, [m["person_id"] for m in member_rows], at) if member_rows else {}
    person_programmes = programmes_of(conn, "person", [p["version_id"] for p in person_rows.values()])
    family_programmes = programmes_of(conn, "family", [f["version_id"] for f in family_rows])
    members_by_family: dict[UUID, list[Member]] = defaultdict(list)
    for m in member_rows:
        p = person_rows.get(m["person_id"])
        if p is None:  # the person's own record ended (death) while the membership had not
            continue
        members_by_family[m["family_id"]].append(
            Member(
                person_id=m["person_id"],
                person=to_person(p, person_programmes[p["version_id"]]),
                person_version=to_version(p),
                relationship=Relationship(m["relationship"]),
                membership=to_version(m),
            )
        )
    families_out = tuple(
        FamilyRecord(
            id=f["family_id"],
            kk_number=f["kk_number"],
            programmes=family_programmes[f["version_id"]],
            members=tuple(members_by_family[f["family_id"]]),
            version=to_version(f),
        )
        for f in family_rows
    )
    return HouseholdRecord(
        id=household_id,
        dwelling=to_dwelling(row),
        assets=assets_of(conn, [row["version_id"]]).get(row["version_id"], {}),
        families=families_out,
        version=to_version(row),
        as_of=at or utcnow(),
        resolved_into=resolved_into_at(conn, "household", household_id, at),
    )


def snapshots(conn: Connection, kind: str, ids: list[UUID]) -> list[Snapshot]:
    """Every version of the given entities, oldest first, with assets or programmes folded in."""
    if not ids:
        return []
    rows = all_versions(conn, kind, ids)
    _table, key = VERSIONS[kind]
    skip = {*PROVENANCE, key, *BLIND_INDEX_COLUMNS}  # an index is not a value of the record
    version_ids = [row["version_id"] for row in rows]
    extra: dict[UUID, dict[str, object]]
    if kind == "household":
        assets = assets_of(conn, version_ids)
        extra = {vid: {f"asset.{k}": v for k, v in assets.get(vid, {}).items()} for vid in version_ids}
    elif kind in ("person", "family"):
        programmes = programmes_of(conn, kind, version_ids)
        extra = {vid: {"programmes": tuple(sorted(programmes[vid]))} for vid in version_ids}
    else:
        extra = {}
    result = []
    for row in rows:
        values = {name: value for name, value in row.items() if name not in skip}
        values.update(extra.get(row["version_id"], {}))
        result.append(Snapshot(row[key], to_version(row), values))
    return result
