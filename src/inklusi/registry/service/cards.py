"""Reading a page of persons at once for another slice's list (PPKS candidates): each person's name, sex,
birth date and where they live now (:class:`~inklusi.registry.model.PersonCard`), by id.

The registry's own rule applies: ``registry:read``, and only the persons living inside its scope (a
household's village, or where a person outside households was registered); the others are left out,
like an id that does not exist. One query for the page (no read per person) and one audit entry
(``person.list``) naming the persons read, with the caller's purpose: what the list is about (a PPKS
category, for instance) is not the registry's to record.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Permission, Principal, Scope
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.registry.model import PersonCard
from inklusi.registry.store import resolution, search
from inklusi.wilayah.nik import Sex

MAX_CARDS = 1000


def person_cards(
    ctx: Context,
    principal: Principal,
    person_ids: Iterable[UUID],
    *,
    purpose: Purpose = Purpose.registry_view,
) -> dict[UUID, PersonCard]:
    """The persons asked for that the principal may read, by id (in a transaction of their own)."""
    with ctx.transaction() as conn:
        return person_cards_in(ctx, conn, principal, person_ids, purpose=purpose)


def person_cards_in(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    person_ids: Iterable[UUID],
    *,
    purpose: Purpose,
) -> dict[UUID, PersonCard]:
    """:func:`person_cards` inside the caller's transaction (which lists the page with its own entry)."""
    scope = principal.require(Permission.registry_read)
    asked = list(dict.fromkeys(person_ids))
    if len(asked) > MAX_CARDS:
        text = msg("At most {n} persons at once", n=MAX_CARDS)
        raise Invalid(text, [Issue("person_ids", "too_many", text)])
    if not asked:
        return {}
    found = _cards(conn, asked, scope)
    event = Event(
        kind=events.PERSON_LIST,
        actor=principal.actor,
        purpose=purpose,
        detail={"persons": [str(i) for i in asked if i in found], "asked": len(asked)},
    )
    audit.record(ctx, conn, event)
    return found


def _cards(conn: Connection, person_ids: list[UUID], scope: Scope) -> dict[UUID, PersonCard]:
    return {
        hit.person_id: PersonCard(
            person_id=hit.person_id,
            name=hit.name,
            sex=Sex(hit.sex),
            birth_date=hit.birth_date,
            household_id=hit.household_id,
            village_code=hit.village_code,
            living_situation=hit.living_situation,
        )
        for hit in search.persons_by_ids(conn, person_ids, scope)
    }


EVERYWHERE = Scope(national=True, areas=())


def related_person_cards_in(conn: Connection, person_ids: Iterable[UUID]) -> dict[UUID, PersonCard]:
    """The cards of persons another slice's own rule lets its caller see whatever their registry scope
    (a case's relation: the cases slice decides and audits the read), inside the caller's transaction, by
    the id asked for. A person whom record linkage resolved into another is answered with that person's
    card (its ``person_id`` says whom), so a case follows a merge; an id that is not a current person is
    left out."""
    asked = list(dict.fromkeys(person_ids))
    if not asked:
        return {}
    into = resolution.resolved_now(conn, "person", asked)
    cards = _cards(conn, list({into.get(i, i) for i in asked}), EVERYWHERE)
    return {i: cards[into.get(i, i)] for i in asked if into.get(i, i) in cards}


def survivors_in(conn: Connection, person_ids: Iterable[UUID]) -> dict[UUID, UUID]:
    """For the persons among ``person_ids`` that record linkage resolved into another person now: that
    person (ids only, inside the caller's transaction)."""
    return resolution.resolved_now(conn, "person", list(dict.fromkeys(person_ids)))
