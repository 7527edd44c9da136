"""Finding people: by NIK or KK number (16 digits), by name (tolerant of spelling), or by area.

Only people living inside the caller's read scope are found. Every search is audited (what was asked, how
many were found), since a list of names is personal data too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal
from uuid import UUID

from inklusi.access.model import Principal
from inklusi.audit import service as audit
from inklusi.audit.model import Event, Purpose
from inklusi.context import Context
from inklusi.registry import search
from inklusi.registry.model import PersonHit
from inklusi.registry.names import close_enough, name_tokens, similarity
from inklusi.registry.service.reads import read_scope

CANDIDATES = 500  # name matches scored per search, before the best are kept
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
    """People matching ``text``: a NIK or KK number exactly, otherwise a name, best match first."""
    scope = read_scope(principal)
    kind = query_kind(text)
    with ctx.transaction() as conn:
        if kind == "number":
            number = text.replace(" ", "")
            hits = search.persons_by_nik(conn, number, scope, within)
            hits += search.persons_by_kk(conn, number, scope, within)
        else:
            hits = _by_name(conn, text, scope, within, limit)
        detail = {"query": text, "kind": kind, "within": within, "found": len(hits)}
        audit.record(
            ctx, conn, Event(principal.actor, "registry.search", "person", None, purpose, within, detail)
        )
    return hits[:limit]


def _by_name(conn, text: str, scope, within: str | None, limit: int) -> list[PersonHit]:
    tokens = name_tokens(text)
    groups = []
    for token in tokens:
        near = [
            candidate for candidate in search.vocabulary_near(conn, token) if close_enough(token, candidate)
        ]
        if not near:
            return []  # some word of the query matches no name at all
        groups.append(near)
    if not groups:
        return []
    hits = search.persons_by_tokens(conn, groups, scope, within, CANDIDATES)
    scored = [replace(hit, score=similarity(tokens, name_tokens(hit.name))) for hit in hits]
    return sorted(scored, key=lambda hit: (-hit.score, hit.name, str(hit.person_id)))[:limit]


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
    scope = read_scope(principal)
    with ctx.transaction() as conn:
        heads = search.heads_in_area(conn, area_code, scope, limit, after)
        detail = {"after": [str(part) for part in after] if after else None, "found": len(heads)}
        event = Event(principal.actor, "registry.browse", "area", area_code, purpose, area_code, detail)
        audit.record(ctx, conn, event)
    return heads
