"""SQL for enumeration rounds: find what a batch of forms refers to, and end many versions at once.

Like the store, functions take a connection and never commit. Lookups go by the batch's own keys (KK
numbers, NIKs, families), a few thousand at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from uuid import UUID

from sqlalchemy import and_, delete, select, text, update
from sqlalchemy.engine import Connection, RowMapping

from inklusi.registry.store.versions import VERSIONS
from inklusi.registry.tables import (
    family_member,
    family_version,
    household_version,
    person_name_token,
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


def current_families_by_kk(conn: Connection, kk_numbers: Iterable[str]) -> dict[str, RowMapping]:
    t = family_version
    found: dict[str, RowMapping] = {}
    for chunk in _chunks(set(kk_numbers)):
        stmt = select(t).where(t.c.kk_number.in_(chunk), t.c.valid_to.is_(None))
        found |= {row["kk_number"]: row for row in conn.execute(stmt).mappings()}
    return found


def current_persons_by_nik(conn: Connection, niks: Iterable[str]) -> dict[str, RowMapping]:
    """Current person versions by NIK (a NIK held by two current persons keeps the older person)."""
    t = person_version
    found: dict[str, RowMapping] = {}
    for chunk in _chunks(set(niks)):
        stmt = select(t).where(t.c.nik.in_(chunk), t.c.valid_to.is_(None)).order_by(t.c.person_id.desc())
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
    household version (a round that lists them again changes a record of that area)."""
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
