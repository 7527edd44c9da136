"""SQL for enumeration rounds: find what a batch of forms refers to, and end many versions at once.

Like the store, functions take a connection and never commit. Lookups go by the batch's own keys (KK
numbers, NIKs, families), a few thousand at a time; :func:`lookups_for` gathers them into the value the
round planner (:mod:`inklusi.registry.round_plan`) decides on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from uuid import UUID

from sqlalchemy import and_, delete, select, text, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.registry.enumeration import RoundForm
from inklusi.registry.round_plan import (
    CurrentFamily,
    CurrentHousehold,
    CurrentMembership,
    CurrentPerson,
    FamilyMember,
    RoundLookups,
)
from inklusi.registry.store.versions import VERSIONS, assets_of, programmes_of, to_dwelling, to_person
from inklusi.registry.tables import (
    family_member,
    family_version,
    household_version,
    person_name_token,
    person_outside,
    person_version,
)

CHUNK = 5_000


def _chunks(values: Iterable) -> Iterator[list]:
    remaining = iter(values)
    while chunk := list(islice(remaining, CHUNK)):
        yield chunk


def refresh_statistics(conn: Connection) -> None:
    """ANALYZE the tables a round looks up (PostgreSQL). Within the import's transaction the planner has not
    seen the rows its first chunk wrote; believing a table empty, it scans a million rows per lookup
    instead of using the index. ANALYZE counts the transaction's own rows, and once the planner has
    statistics it scales them with the table's size, so once per import is enough."""
    if conn.dialect.name != "postgresql":
        return
    for table in (household_version, family_version, person_version, family_member):
        conn.execute(text(f"ANALYZE {table.name}"))


def lookups_for(conn: Connection, forms: Iterable[RoundForm]) -> RoundLookups:
    """What the registry holds now about these forms: the families of their KK numbers with their
    members, the persons of their NIKs, where all of them live, and where those without a family lived
    last."""
    forms = list(forms)
    families = current_families_by_kk(conn, [f.kk_number for f in forms if f.kk_number])
    persons = current_persons_by_nik(conn, [m.nik for f in forms for m in f.members if m.nik])
    memberships = current_versions(conn, "membership", [p["person_id"] for p in persons.values()])
    members = current_members(conn, [row["family_id"] for row in families.values()])
    for row in members:
        memberships.setdefault(row["person_id"], row)
    family_rows = {row["family_id"]: row for row in families.values()}
    elsewhere = {
        memberships[p["person_id"]]["family_id"] for p in persons.values() if p["person_id"] in memberships
    } - set(family_rows)
    family_rows |= current_versions(conn, "family", elsewhere)
    household_ids = {row["household_id"] for row in family_rows.values()}
    household_rows = current_versions(conn, "household", household_ids)
    person_rows = {row["person_id"]: row for row in persons.values()}
    person_rows |= current_versions(conn, "person", [row["person_id"] for row in members])
    homeless = [p["person_id"] for p in persons.values() if p["person_id"] not in memberships]

    assets = assets_of(conn, [row["version_id"] for row in household_rows.values()])
    family_programmes = programmes_of(conn, "family", [row["version_id"] for row in family_rows.values()])
    person_programmes = programmes_of(conn, "person", [row["version_id"] for row in person_rows.values()])

    def family(row: RowMapping) -> CurrentFamily:
        return CurrentFamily(
            version_id=row["version_id"],
            family_id=row["family_id"],
            household_id=row["household_id"],
            kk_number=row["kk_number"],
            programmes=family_programmes[row["version_id"]],
        )

    def person(row: RowMapping) -> CurrentPerson:
        data = to_person(row, person_programmes[row["version_id"]])
        return CurrentPerson(row["version_id"], row["person_id"], row["valid_from"], data)

    families_by_id = {family_id: family(row) for family_id, row in family_rows.items()}
    person_versions = {person_id: person(row) for person_id, row in person_rows.items()}
    return RoundLookups(
        families={kk: families_by_id[row["family_id"]] for kk, row in families.items()},
        persons={nik: person_versions[row["person_id"]] for nik, row in persons.items()},
        members=tuple(
            FamilyMember(
                row["person_id"], row["family_id"], row["relationship"], row["name"], row["birth_date"]
            )
            for row in members
        ),
        memberships={
            person_id: CurrentMembership(
                row["version_id"], row["person_id"], row["family_id"], row["relationship"]
            )
            for person_id, row in memberships.items()
        },
        families_by_id=families_by_id,
        households={
            household_id: CurrentHousehold(
                version_id=row["version_id"],
                household_id=household_id,
                valid_from=row["valid_from"],
                dwelling=to_dwelling(row),
                assets=assets.get(row["version_id"], {}),
            )
            for household_id, row in household_rows.items()
        },
        person_versions=person_versions,
        last_villages=last_villages(conn, homeless) if homeless else {},
    )


def current_families_by_kk(conn: Connection, kk_numbers: Iterable[str]) -> dict[str, RowMapping]:
    t = family_version
    found: dict[str, RowMapping] = {}
    for chunk in _chunks(set(kk_numbers)):
        stmt = select(t).where(t.c.kk_index.in_(chunk), t.c.valid_to.is_(None))
        found |= {row["kk_number"]: row for row in conn.execute(stmt).mappings()}
    return found


def current_persons_by_nik(conn: Connection, niks: Iterable[str]) -> dict[str, RowMapping]:
    """Current person versions by NIK (a NIK held by two current persons keeps the older person)."""
    t = person_version
    found: dict[str, RowMapping] = {}
    for chunk in _chunks(set(niks)):
        stmt = (
            select(t).where(t.c.nik_index.in_(chunk), t.c.valid_to.is_(None)).order_by(t.c.person_id.desc())
        )
        found |= {row["nik"]: row for row in conn.execute(stmt).mappings()}
    return found


def current_versions(conn: Connection, kind: str, ids: Iterable[UUID]) -> dict[UUID, RowMapping]:
    table, key = VERSIONS[kind]
    found: dict[UUID, RowMapping] = {}
    for chunk in _chunks(set(ids)):
        stmt = select(table).where(table.c[key].in_(chunk), table.c.valid_to.is_(None))
        found |= {row[key]: row for row in conn.execute(stmt).mappings()}
    return found


def current_members(conn: Connection, family_ids: Iterable[UUID]) -> list[RowMapping]:
    """Current memberships of these families, with the member's current name and birth date."""
    m, p = family_member, person_version
    rows = []
    for chunk in _chunks(set(family_ids)):
        stmt = (
            select(m, p.c.name, p.c.birth_date, p.c.nik)
            .join(p, and_(p.c.person_id == m.c.person_id, p.c.valid_to.is_(None)))
            .where(m.c.family_id.in_(chunk), m.c.valid_to.is_(None))
        )
        rows += list(conn.execute(stmt).mappings())
    return rows


def last_villages(conn: Connection, person_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Where people without a current family lived last: the village of their latest family's latest
    household version, or, for people registered outside any household now, their area (a round that lists
    them again changes a record of that area)."""
    m, f, h = family_member, family_version, household_version
    found: dict[UUID, str] = {}
    for chunk in _chunks(set(person_ids)):
        stmt = (
            select(m.c.person_id, h.c.village_code)
            .join(f, f.c.family_id == m.c.family_id)
            .join(h, h.c.household_id == f.c.household_id)
            .where(m.c.person_id.in_(chunk))
            .order_by(m.c.valid_from, f.c.valid_from, h.c.valid_from)
        )
        found |= dict(conn.execute(stmt).all())  # the latest row of each person comes last
        o = person_outside  # registered outside any household now: that area is where they are
        outside = select(o.c.person_id, o.c.area_code).where(o.c.person_id.in_(chunk), o.c.valid_to.is_(None))
        found |= dict(conn.execute(outside).all())
    return found


def close_versions(conn: Connection, kind: str, version_ids: Iterable[UUID], at: datetime) -> int:
    """End many current versions; returns how many were still current."""
    table, _key = VERSIONS[kind]
    closed = 0
    for chunk in _chunks(version_ids):
        stmt = (
            update(table).where(table.c.version_id.in_(chunk), table.c.valid_to.is_(None)).values(valid_to=at)
        )
        closed += conn.execute(stmt).rowcount
    return closed


def forget_names(conn: Connection, person_ids: Iterable[UUID]) -> None:
    """Take people without a current name (deaths) out of the name search."""
    for chunk in _chunks(person_ids):
        conn.execute(delete(person_name_token).where(person_name_token.c.person_id.in_(chunk)))
