"""Finding people: by NIK or KK number (16 digits), by name (tolerant of spelling), or by area.

Only people living inside the caller's read scope are found. Every search is audited (what was asked, how
many were found), since a list of names is personal data too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Permission, Principal, Scope
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.registry.model import LinkedRecord, PersonHit
from inklusi.registry.names import allowed_distance, name_tokens, similarity, token_distance
from inklusi.registry.store import resolution, search
from inklusi.registry.store import versions as store

CANDIDATES = 200  # people taken per pass of a name search, before the best are kept
QueryKind = Literal["number", "name"]


def query_kind(text: str) -> QueryKind:
    digits = text.replace(" ", "")
    return "number" if len(digits) == 16 and digits.isdigit() else "name"


def find_persons(
    ctx: Context,
    principal: Principal,
    text: str,
    *,
    within: str | None = None,
    limit: int = 50,
    purpose: Purpose = Purpose.registry_view,
) -> list[PersonHit]:
    """People matching ``text``: a NIK or KK number exactly, otherwise a name, best match first.

    Each person once: a record resolved into another (a duplicate listing) is shown as the person it was
    resolved into, with the records linked to that person (those inside the caller's scope)."""
    scope = principal.require(Permission.registry_read)
    kind = query_kind(text)
    with ctx.transaction() as conn:
        if kind == "number":
            number = text.replace(" ", "")
            hits = search.persons_by_nik(conn, number, scope, within)
            hits += search.persons_by_kk(conn, number, scope, within)
        else:
            hits = _by_name(conn, text, scope, within, limit)
        hits = _one_per_person(conn, hits, scope)
        detail = {"query": text, "kind": kind, "within": within, "found": len(hits)}
        event = Event(
            kind=events.REGISTRY_SEARCH,
            actor=principal.actor,
            purpose=purpose,
            area_code=within,
            detail=detail,
        )
        audit.record(ctx, conn, event)
    return hits[:limit]


def _one_per_person(conn: Connection, hits: list[PersonHit], scope: Scope) -> list[PersonHit]:
    """Duplicates replaced by their survivor (kept in the place of the best-matching record), each person
    once, with the linked records of each."""
    if not hits:
        return hits
    survivor_of = resolution.survivors_in_scope(conn, [hit.person_id for hit in hits], scope)
    by_id = {hit.person_id: hit for hit in hits}
    missing = sorted({s for s in survivor_of.values() if s not in by_id}, key=str)
    survivors = {hit.person_id: hit for hit in search.persons_by_ids(conn, missing, scope)} if missing else {}
    shown: dict[UUID, PersonHit] = {}
    for hit in hits:
        target = survivor_of.get(hit.person_id, hit.person_id)
        if target in shown:
            continue
        found = by_id.get(target) or survivors.get(target)
        if found is None:  # the survivor is not readable after all: show the record itself
            target, found = hit.person_id, hit
        shown[target] = replace(found, score=max(found.score, hit.score))
    linked: dict[UUID, list[LinkedRecord]] = {}
    for into, record, household_id, village in resolution.linked_persons(conn, list(shown), scope):
        linked.setdefault(into, []).append(LinkedRecord(record, household_id, village))
    return [replace(hit, linked=tuple(linked.get(key, ()))) for key, hit in shown.items()]


def _by_name(conn: Connection, text: str, scope: Scope, within: str | None, limit: int) -> list[PersonHit]:
    """Exact spellings first; names one typo away only if nobody is spelled exactly so; two typos only
    if nobody is one typo away. At each distance, names with as many words as the query come first
    ("Wahyuni" before "Sri Wahyuni").

    Each pass takes at most ``CANDIDATES`` people, so a common name costs no more than a rare one, and
    the closest names are never crowded out by farther ones. The candidates are then ranked by how close
    the whole name is.
    """
    tokens = name_tokens(text)
    if not tokens:
        return []
    near = {token: _neighbours(conn, token) for token in tokens}
    people = search.postings(conn, sorted({name for names in near.values() for name in names}))
    found: dict[UUID, PersonHit] = {}
    for reach in range(max(allowed_distance(token) for token in tokens) + 1):
        groups = [[name for name, distance in near[token].items() if distance <= reach] for token in tokens]
        if not all(groups):  # some word of the query is like no name (yet) at this distance
            continue
        groups.sort(key=lambda group: sum(people.get(name, 0) for name in group))  # the rarest drives
        for length in (len(tokens), None):
            for hit in search.persons_by_tokens(conn, groups, scope, within, CANDIDATES, length):
                found.setdefault(hit.person_id, hit)
            if len(found) >= limit:
                break
        if found:
            break
    scored = [replace(hit, score=similarity(tokens, name_tokens(hit.name))) for hit in found.values()]
    return sorted(scored, key=lambda hit: (-hit.score, hit.name, str(hit.person_id)))[:limit]


def _neighbours(conn: Connection, token: str) -> dict[str, int]:
    """Indexed name tokens within the tolerated distance of ``token``, with their distance."""
    return {
        name: distance
        for name in search.vocabulary_near(conn, token)
        if (distance := token_distance(token, name)) <= allowed_distance(token)
    }


def browse_area(
    ctx: Context,
    principal: Principal,
    area_code: str,
    *,
    after: tuple[UUID, UUID] | None = None,
    limit: int = 50,
    purpose: Purpose = Purpose.registry_view,
) -> list[PersonHit]:
    """The heads of the households in an area (and below it), a page at a time."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        heads = search.heads_in_area(conn, area_code, scope, limit, after)
        detail = {"after": [str(part) for part in after] if after else None, "found": len(heads)}
        event = Event(
            kind=events.REGISTRY_BROWSE,
            actor=principal.actor,
            purpose=purpose,
            object_id=area_code,
            area_code=area_code,
            detail=detail,
        )
        audit.record(ctx, conn, event)
    return heads


def rebuild_name_index(ctx: Context, *, chunk: int = 20_000, progress=lambda _n: None) -> int:
    """Index every current name again (after the name rules changed); one transaction, returns the count."""
    done, after = 0, None
    with ctx.transaction() as conn:
        store.clear_name_index(conn)
        while names := store.current_names(conn, after, chunk):
            store.index_names(conn, dict(names), fresh=True)
            done, after = done + len(names), names[-1][0]
            progress(done)
    return done
