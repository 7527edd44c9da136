"""SQL for the temporal registry. Functions take a connection and never commit.

A read "at" a moment takes the versions with ``valid_from <= at < valid_to`` (or open-ended); ``at=None``
reads the current versions through the partial unique indexes on ``valid_to IS NULL``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy import ColumnElement, Table, and_, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_scope
from inklusi.db import bulk_insert
from inklusi.ids import new_ids
from inklusi.registry.model import (
    Dwelling,
    Outside,
    PersonData,
    Version,
    field_names,
)
from inklusi.registry.names import name_tokens, variants
from inklusi.registry.tables import (
    family,
    family_member,
    family_programme,
    family_version,
    household,
    household_asset,
    household_version,
    name_variant,
    person,
    person_name_token,
    person_outside,
    person_programme,
    person_version,
    with_blind_indexes,
)
from inklusi.wilayah.nik import Sex

IDENTITY = {"household": household, "family": family, "person": person}
VERSIONS: dict[str, tuple[Table, str]] = {
    "household": (household_version, "household_id"),
    "family": (family_version, "family_id"),
    "person": (person_version, "person_id"),
    "membership": (family_member, "person_id"),
    "outside": (person_outside, "person_id"),
}
PROVENANCE = (
    "version_id",
    "valid_from",
    "valid_to",
    "source",
    "batch_id",
    "actor_id",
    "recorded_at",
)
_DWELLING_FIELDS = field_names(Dwelling)
_PERSON_FIELDS = tuple(name for name in field_names(PersonData) if name != "programmes")


def valid_at(table: Table, at: datetime | None) -> ColumnElement[bool]:
    if at is None:
        return table.c.valid_to.is_(None)
    return and_(table.c.valid_from <= at, or_(table.c.valid_to.is_(None), table.c.valid_to > at))


# --- Writes (one household or a million go the same way: db.bulk_insert) ---------------------------


def insert_identities(conn: Connection, kind: str, ids: list[UUID], at: datetime) -> None:
    bulk_insert(conn, IDENTITY[kind], [{"id": id_, "created_at": at} for id_ in ids])


def insert_versions(
    conn: Connection, kind: str, rows: list[Mapping[str, object]], *, common: Mapping[str, object] = {}
) -> list[UUID]:
    """Insert versions (``common``: values every row shares, such as provenance); returns their new ids
    (UUIDv7), in the order of ``rows``."""
    ids = new_ids(len(rows))
    table, _key = VERSIONS[kind]
    full = [{**common, **row, "version_id": id_} for id_, row in zip(ids, rows, strict=True)]
    bulk_insert(conn, table, with_blind_indexes(table, full))
    return ids


def insert_version(conn: Connection, kind: str, row: Mapping[str, object]) -> UUID:
    return insert_versions(conn, kind, [row])[0]


def close_version(conn: Connection, kind: str, version_id: UUID, at: datetime) -> bool:
    """End a current version; False if it was no longer current (someone else changed it meanwhile)."""
    table, _key = VERSIONS[kind]
    stmt = (
        update(table).where(table.c.version_id == version_id, table.c.valid_to.is_(None)).values(valid_to=at)
    )
    return conn.execute(stmt).rowcount == 1


def insert_assets(conn: Connection, assets: Mapping[UUID, Mapping[str, float]]) -> None:
    """The assets of household versions (version id → asset → quantity); a zero is "none": not stored."""
    rows = [
        {"version_id": version_id, "asset": asset, "quantity": quantity}
        for version_id, held in assets.items()
        for asset, quantity in held.items()
        if quantity
    ]
    bulk_insert(conn, household_asset, rows)


def insert_programmes(conn: Connection, kind: str, programmes: Mapping[UUID, Iterable[str]]) -> None:
    """The programmes of person or family versions (version id → programme keys)."""
    table = person_programme if kind == "person" else family_programme
    rows = [
        {"version_id": version_id, "programme": programme}
        for version_id, keys in programmes.items()
        for programme in sorted(keys)
    ]
    bulk_insert(conn, table, rows)


TOKEN_LENGTH = 40
_insert_variants = {
    "sqlite": sqlite_insert(name_variant).on_conflict_do_nothing(),
    "postgresql": postgresql_insert(name_variant).on_conflict_do_nothing(),
}


def index_names(conn: Connection, names: Mapping[UUID, str | None], *, fresh: bool = False) -> None:
    """Replace the name tokens of these people (a None name: no current name any more).

    ``fresh``: the people are new, so there are no old tokens to delete (the bulk path).
    """
    if not fresh:
        conn.execute(delete(person_name_token).where(person_name_token.c.person_id.in_(list(names))))
    rows, vocabulary = [], set()
    for person_id, name in names.items():
        distinct = list(dict.fromkeys(token[:TOKEN_LENGTH] for token in name_tokens(name or "")))
        rows += [{"person_id": person_id, "token": t, "name_length": len(distinct)} for t in distinct]
        vocabulary.update(distinct)
    if not rows:
        return
    bulk_insert(conn, person_name_token, rows)
    known = set(
        conn.scalars(
            select(name_variant.c.token).where(
                name_variant.c.variant.in_(sorted(vocabulary)), name_variant.c.variant == name_variant.c.token
            )
        )
    )
    new = [{"variant": v, "token": t} for t in sorted(vocabulary - known) for v in variants(t)]
    if new:
        conn.execute(_insert_variants[conn.dialect.name], new)


def person_row(person: PersonData) -> dict[str, object]:
    """A person's attributes as ``person_version`` columns (programmes go to their own table)."""
    values = {name: getattr(person, name) for name in _PERSON_FIELDS}
    values["sex"] = int(person.sex)
    return values


def insert_person_version(
    conn: Connection, provenance: Mapping[str, object], person_id: UUID, person: PersonData
) -> UUID:
    row = {**provenance, **person_row(person), "person_id": person_id}
    version_id = insert_version(conn, "person", row)
    insert_programmes(conn, "person", {version_id: person.programmes})
    index_names(conn, {person_id: person.name})
    return version_id


# --- Reads -----------------------------------------------------------------------------------------


def version_at(conn: Connection, kind: str, id_: UUID, at: datetime | None = None) -> RowMapping | None:
    table, key = VERSIONS[kind]
    stmt = select(table).where(table.c[key] == id_, valid_at(table, at))
    return conn.execute(stmt).mappings().first()


def household_at(
    conn: Connection, household_id: UUID, at: datetime | None, scope: Scope
) -> RowMapping | None:
    t = household_version
    stmt = select(t).where(
        t.c.household_id == household_id, valid_at(t, at), in_scope(t.c.village_code, scope)
    )
    return conn.execute(stmt).mappings().first()


def latest_version(conn: Connection, kind: str, id_: UUID) -> RowMapping | None:
    """The newest version, open or closed (a household that ended still has a last address)."""
    table, key = VERSIONS[kind]
    stmt = (
        select(table)
        .where(table.c[key] == id_)
        .order_by(table.c.valid_from.desc(), table.c.version_id.desc())
        .limit(1)
    )
    return conn.execute(stmt).mappings().first()


def families_at(conn: Connection, household_id: UUID, at: datetime | None) -> list[RowMapping]:
    t = family_version
    stmt = select(t).where(t.c.household_id == household_id, valid_at(t, at)).order_by(t.c.family_id)
    return list(conn.execute(stmt).mappings())


def members_at(conn: Connection, family_ids: list[UUID], at: datetime | None) -> list[RowMapping]:
    t = family_member
    stmt = (
        select(t)
        .where(t.c.family_id.in_(family_ids), valid_at(t, at))
        .order_by(t.c.family_id, t.c.relationship, t.c.version_id)
    )
    return list(conn.execute(stmt).mappings())


def persons_at(conn: Connection, person_ids: list[UUID], at: datetime | None) -> dict[UUID, RowMapping]:
    t = person_version
    stmt = select(t).where(t.c.person_id.in_(person_ids), valid_at(t, at))
    return {row["person_id"]: row for row in conn.execute(stmt).mappings()}


def current_membership(conn: Connection, person_id: UUID) -> RowMapping | None:
    t = family_member
    stmt = select(t).where(t.c.person_id == person_id, t.c.valid_to.is_(None))
    return conn.execute(stmt).mappings().first()


def current_head(conn: Connection, family_id: UUID) -> RowMapping | None:
    t = family_member
    stmt = select(t).where(t.c.family_id == family_id, t.c.relationship == 1, t.c.valid_to.is_(None))
    return conn.execute(stmt).mappings().first()


def membership_at(conn: Connection, person_id: UUID, at: datetime | None) -> RowMapping | None:
    """The person's membership at ``at``, or, failing that, the last one they had."""
    t = family_member
    found = conn.execute(select(t).where(t.c.person_id == person_id, valid_at(t, at))).mappings().first()
    if found is None:
        stmt = select(t).where(t.c.person_id == person_id).order_by(t.c.valid_from.desc()).limit(1)
        found = conn.execute(stmt).mappings().first()
    return found


def end_outside(conn: Connection, person_ids: Iterable[UUID], at: datetime) -> int:
    """End the current rows outside households of these people (they joined a family); how many ended.

    A row that starts after ``at`` (an outreach registration later than the round that lists the person in
    a household) ends where it starts: it was never valid, and history still shows it."""
    t = person_outside
    end = case((t.c.valid_from > at, t.c.valid_from), else_=literal(at, type_=t.c.valid_from.type))
    ended, wanted = 0, sorted(set(person_ids), key=str)
    for start in range(0, len(wanted), 5_000):
        chunk = wanted[start : start + 5_000]
        stmt = update(t).where(t.c.person_id.in_(chunk), t.c.valid_to.is_(None)).values(valid_to=end)
        ended += conn.execute(stmt).rowcount
    return ended


def assets_of(conn: Connection, version_ids: list[UUID]) -> dict[UUID, dict[str, float]]:
    found: dict[UUID, dict[str, float]] = defaultdict(dict)
    stmt = select(household_asset).where(household_asset.c.version_id.in_(version_ids))
    for row in conn.execute(stmt):
        found[row.version_id][row.asset] = row.quantity
    return found


def programmes_of(conn: Connection, kind: str, version_ids: list[UUID]) -> dict[UUID, frozenset[str]]:
    table = person_programme if kind == "person" else family_programme
    found: dict[UUID, set[str]] = defaultdict(set)
    for row in conn.execute(select(table).where(table.c.version_id.in_(version_ids))):
        found[row.version_id].add(row.programme)
    return defaultdict(frozenset, {k: frozenset(v) for k, v in found.items()})


def outside_at(conn: Connection, person_id: UUID, at: datetime | None) -> RowMapping | None:
    """The person's row outside households at ``at``, or, failing that, the last one they had."""
    t = person_outside
    found = conn.execute(select(t).where(t.c.person_id == person_id, valid_at(t, at))).mappings().first()
    if found is None:
        stmt = select(t).where(t.c.person_id == person_id).order_by(t.c.valid_from.desc()).limit(1)
        found = conn.execute(stmt).mappings().first()
    return found


def is_valid_at(row: RowMapping, at: datetime | None) -> bool:
    """Whether a version row is valid at ``at`` (``None``: now, the row is current)."""
    if at is None:
        return row["valid_to"] is None
    return row["valid_from"] <= at and (row["valid_to"] is None or row["valid_to"] > at)


def person_location(
    conn: Connection, person_id: UUID, at: datetime | None
) -> tuple[RowMapping | None, str | None]:
    """Where the person is at ``at`` (or was last): their membership and the village of that family's
    household; or, for a person registered outside any household then (or last), no membership and the
    area they were registered in."""
    membership = membership_at(conn, person_id, at)
    outside = outside_at(conn, person_id, at)
    if outside is not None and (
        membership is None
        or (is_valid_at(outside, at) and not is_valid_at(membership, at))
        or (not is_valid_at(membership, at) and outside["valid_from"] > membership["valid_from"])
    ):
        return None, outside["area_code"]
    if membership is None:
        return None, None
    family_row = _at_or_latest(conn, "family", membership["family_id"], at)
    household_row = _at_or_latest(conn, "household", family_row["household_id"], at)
    return membership, household_row["village_code"]


def _at_or_latest(conn: Connection, kind: str, id_: UUID, at: datetime | None) -> RowMapping:
    """The version at ``at``, or else the newest: of a family or household a membership points to, so it
    exists (every identity is written with its first version)."""
    row = version_at(conn, kind, id_, at) or latest_version(conn, kind, id_)
    if row is None:
        raise LookupError(f"{kind} {id_} has no version")
    return row


# --- Rows to records -------------------------------------------------------------------------------


def to_version(row: RowMapping) -> Version:
    return Version(**{name: row[name] for name in PROVENANCE})


def to_outside(row: RowMapping) -> Outside:
    return Outside(row["area_code"], row["living_situation"], to_version(row))


def to_dwelling(row: RowMapping) -> Dwelling:
    return Dwelling(**{name: row[name] for name in _DWELLING_FIELDS})


def to_person(row: RowMapping, programmes: frozenset[str]) -> PersonData:
    values = {name: row[name] for name in _PERSON_FIELDS}
    values["sex"] = Sex(values["sex"])
    return PersonData(**values, programmes=programmes)


def household_in_scope(conn: Connection, household_id: UUID, scope: Scope) -> RowMapping | None:
    """The household's newest version, if it lies inside ``scope``.

    The rule for every read, past states included: a household belongs to the area where it is now (or
    was last). One that moved away is no longer readable by the old area's users, history and all.
    """
    latest = latest_version(conn, "household", household_id)
    return latest if latest is not None and scope.covers(latest["village_code"]) else None


def count_current(conn: Connection, kind: str) -> int:
    table, _key = VERSIONS[kind]
    current = select(func.count()).select_from(table).where(table.c.valid_to.is_(None))
    return conn.execute(current).scalar_one()


def clear_name_index(conn: Connection) -> None:
    conn.execute(delete(person_name_token))
    conn.execute(delete(name_variant))


def current_names(conn: Connection, after: UUID | None, limit: int) -> list[tuple[UUID, str]]:
    """Current names in person-id order, a page at a time (for rebuilding the index)."""
    t = person_version
    stmt = select(t.c.person_id, t.c.name).where(t.c.valid_to.is_(None)).order_by(t.c.person_id).limit(limit)
    if after is not None:
        stmt = stmt.where(t.c.person_id > after)
    return [(row.person_id, row.name) for row in conn.execute(stmt)]
