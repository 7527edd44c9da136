"""Reads for the sharing slice's partner API, inside its transaction (which checks the agreement and
audits the read as ``sharing.partner_read``): persons by NIK (the registry's own search path) or id, and
the households of an area. The scope passed is the agreement's row scope."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Scope
from inklusi.registry.model import PersonHit
from inklusi.registry.store import search

PAGE = 5_000


def persons_by_nik_in(conn: Connection, nik: str, scope: Scope) -> list[PersonHit]:
    """The current persons with this NIK inside ``scope`` (through the registry's NIK search)."""
    return search.persons_by_nik(conn, nik, scope, None)


def persons_by_ids_in(conn: Connection, person_ids: list[UUID], scope: Scope) -> list[PersonHit]:
    """The current persons with these ids inside ``scope``."""
    return search.persons_by_ids(conn, person_ids, scope) if person_ids else []


def household_ids_in_area(conn: Connection, area_code: str, scope: Scope) -> list[UUID]:
    """Every current household of an area and below it (inside ``scope``), by id; duplicates resolved into
    another record are left out."""
    found: dict[UUID, None] = {}
    after: tuple[UUID, UUID] | None = None
    while heads := search.heads_in_area(conn, area_code, scope, PAGE, after):
        found.update((hit.household_id, None) for hit in heads if hit.household_id is not None)
        last = heads[-1]
        if len(heads) < PAGE or last.household_id is None:
            break
        after = (last.household_id, last.person_id)
    return list(found)
