"""SQL for finding people and households: by name (typo-tolerant), NIK, KK number and area.

Persons registered outside any household are found by name and NIK too, scoped by their area (a union with
the persons in households: the household branch's plan stays what it was).

Like the store, functions take a connection and never commit. The name index (``person_name_token``,
``name_variant``) is kept up to date by :func:`inklusi.registry.store.versions.index_names` on every
person write.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    SmallInteger,
    Uuid,
    and_,
    cast,
    exists,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from inklusi.access.model import Scope
from inklusi.access.scope_sql import in_area, in_scope
from inklusi.registry.model import PersonHit
from inklusi.registry.names import variants
from inklusi.registry.store.resolution import is_resolved_within
from inklusi.registry.tables import (
    family_member,
    family_version,
    household_version,
    name_variant,
    person_name_token,
    person_outside,
    person_version,
)


def vocabulary_near(conn: Connection, token: str) -> list[str]:
    """Indexed name tokens that share a one-deletion variant with ``token`` (candidates, unverified)."""
    stmt = select(name_variant.c.token).where(name_variant.c.variant.in_(variants(token))).distinct()
    return list(conn.scalars(stmt))


def _current_people() -> Select:
    """Current persons with their current family's household, for scope and area filters."""
    p, m, f, h = person_version, family_member, family_version, household_version
    return (
        select(
            p.c.person_id,
            p.c.name,
            p.c.nik,
            p.c.sex,
            p.c.birth_date,
            h.c.household_id,
            h.c.village_code,
            m.c.relationship,
            cast(null(), SmallInteger).label("living_situation"),
        )
        .select_from(p)
        .join(m, and_(m.c.person_id == p.c.person_id, m.c.valid_to.is_(None)))
        .join(f, and_(f.c.family_id == m.c.family_id, f.c.valid_to.is_(None)))
        .join(h, and_(h.c.household_id == f.c.household_id, h.c.valid_to.is_(None)))
        .where(p.c.valid_to.is_(None))
    )


def _outside_people() -> Select:
    """Current persons registered outside any household, with their area in place of a village (the same
    columns as :func:`_current_people`)."""
    p, o = person_version, person_outside
    return (
        select(
            p.c.person_id,
            p.c.name,
            p.c.nik,
            p.c.sex,
            p.c.birth_date,
            cast(null(), Uuid).label("household_id"),
            o.c.area_code.label("village_code"),
            cast(null(), SmallInteger).label("relationship"),
            o.c.living_situation,
        )
        .select_from(p)
        .join(o, and_(o.c.person_id == p.c.person_id, o.c.valid_to.is_(None)))
        .where(p.c.valid_to.is_(None))
    )


Restrict = Callable[[Select, ColumnElement[str]], Select]


def _everyone(restrict: Restrict) -> CompoundSelect:
    """Persons in households and persons outside them, each branch restricted by ``restrict(select, area
    column)``."""
    return union_all(
        restrict(_current_people(), household_version.c.village_code),
        restrict(_outside_people(), person_outside.c.area_code),
    )


def _filtered(
    stmt: Select,
    scope: Scope,
    within: str | None,
    *,
    duplicates: bool = False,
    area: ColumnElement[str] = household_version.c.village_code,
) -> Select:
    """Inside the scope (and ``within``), by ``area`` (a household's village, or the area of a person
    outside households). A duplicate record resolved into a person the caller can see is left out unless
    ``duplicates`` (a search then shows that person instead, see :func:`survivors_of`)."""
    stmt = stmt.where(in_scope(area, scope))
    if not duplicates:
        stmt = stmt.where(~is_resolved_within(person_version.c.person_id, scope))
    if within:
        stmt = stmt.where(in_area(area, within))
    return stmt


def postings(conn: Connection, tokens: list[str]) -> dict[str, int]:
    """How many people have each token (one index-only query; tokens nobody has are left out)."""
    t = person_name_token
    stmt = select(t.c.token, func.count()).where(t.c.token.in_(tokens)).group_by(t.c.token)
    return dict(conn.execute(stmt).all())


def persons_by_tokens(
    conn: Connection,
    token_groups: list[list[str]],
    scope: Scope,
    within: str | None,
    limit: int,
    name_length: int | None = None,
) -> list[PersonHit]:
    """Up to ``limit`` people whose name has, for every group, one of its tokens (in no set order).

    The first group drives (pass the rarest first, see :func:`postings`): its people are checked for the
    other groups on the token index, then joined to their current household, for the scope, only until
    ``limit`` are found. A person found twice (two tokens of one group) is left for the caller to merge.
    """
    driver = person_name_token.alias("driver")
    matching = select(driver.c.person_id).where(driver.c.token.in_(token_groups[0]))
    if name_length is not None:  # names of exactly this many tokens
        matching = matching.where(driver.c.name_length == name_length)
    for index, group in enumerate(token_groups[1:]):
        other = person_name_token.alias(f"t{index}")
        matching = matching.where(
            exists().where(other.c.person_id == driver.c.person_id, other.c.token.in_(group))
        )
    # Materialised, so the planner settles the (cheap, index-only) name match before any household join
    found = matching.cte("matching").prefix_with("MATERIALIZED")

    def restrict(people: Select, area: ColumnElement[str]) -> Select:
        people = people.join(found, found.c.person_id == person_version.c.person_id)
        return _filtered(people, scope, within, duplicates=True, area=area)

    stmt = _everyone(restrict).limit(limit)
    return [PersonHit(**row) for row in conn.execute(stmt).mappings()]


def persons_by_nik(conn: Connection, nik: str, scope: Scope, within: str | None) -> list[PersonHit]:
    def restrict(people: Select, area: ColumnElement[str]) -> Select:
        people = people.where(person_version.c.nik_index == nik)  # the blind index of the number
        return _filtered(people, scope, within, duplicates=True, area=area)

    return [PersonHit(**row) for row in conn.execute(_everyone(restrict)).mappings()]


def persons_by_kk(conn: Connection, kk_number: str, scope: Scope, within: str | None) -> list[PersonHit]:
    stmt = _current_people().where(family_version.c.kk_index == kk_number)
    stmt = _filtered(stmt, scope, within, duplicates=True)
    stmt = stmt.order_by(family_member.c.relationship)
    return [PersonHit(**row) for row in conn.execute(stmt).mappings()]


def heads_in_area(
    conn: Connection, area_code: str, scope: Scope, limit: int, after: tuple[UUID, UUID] | None = None
) -> list[PersonHit]:
    """Heads of family in the households of an area, a page at a time.

    Keyset paging on (household, person): a household of two families has two heads, and a page may end
    between them. ``after`` is the (household_id, person_id) of the last row of the previous page.
    """
    p, h = person_version, household_version
    stmt = _current_people().where(family_member.c.relationship == 1, in_area(h.c.village_code, area_code))
    if after is not None:
        household_id, person_id = after
        stmt = stmt.where(
            or_(
                h.c.household_id > household_id,
                and_(h.c.household_id == household_id, p.c.person_id > person_id),
            )
        )
    stmt = _filtered(stmt, scope, None).order_by(h.c.household_id, p.c.person_id).limit(limit)
    return [PersonHit(**row) for row in conn.execute(stmt).mappings()]


def persons_by_ids(conn: Connection, person_ids: list[UUID], scope: Scope) -> list[PersonHit]:
    def restrict(people: Select, area: ColumnElement[str]) -> Select:
        return _filtered(people.where(person_version.c.person_id.in_(person_ids)), scope, None, area=area)

    return [PersonHit(**row) for row in conn.execute(_everyone(restrict)).mappings()]
