"""Applying an enumeration round, a chunk at a time: read what the forms refer to, plan, write.

What a round changes, and which forms it holds, is decided by :mod:`inklusi.registry.round_plan` (pure);
the reads are :func:`inklusi.registry.store.rounds.lookups_for`. The caller owns the transaction (the
import writes its own bookkeeping in it too) and passes forms in chunks that keep the families of one
building together.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Permission, Principal
from inklusi.db import utcnow
from inklusi.errors import Conflict
from inklusi.i18n import msg
from inklusi.registry.enumeration import RoundForm, RoundState
from inklusi.registry.round_plan import KINDS, RoundWrites, plan
from inklusi.registry.service.guards import provenance
from inklusi.registry.store import rounds
from inklusi.registry.store import versions as store

__all__ = ["RoundState", "apply_round_chunk"]


def apply_round_chunk(
    conn: Connection,
    principal: Principal,
    forms: list[RoundForm],
    state: RoundState,
    *,
    source: str,
    batch_id: UUID,
    effective: datetime,
) -> None:
    """Apply one chunk of a round inside the caller's transaction. A form that would change something
    the importer may not change, or that conflicts with another form or with newer data, is not applied:
    it is added to ``state.held`` with its reasons, and the other forms go in."""
    lookups = rounds.lookups_for(conn, forms)
    planned = plan(
        forms, lookups, state=state, effective=effective, scope=principal.scope(Permission.registry_write)
    )
    now = utcnow()
    _write(conn, planned.writes, provenance(principal, source, batch_id, effective, now), now, effective)
    if not state.statistics_fresh:
        # Later chunks look up what earlier ones wrote; the planner must know the tables are not empty
        rounds.refresh_statistics(conn)
        state.statistics_fresh = True
    state.absorb(planned.decided)  # last: if anything above raised, the caller may undo the chunk and retry


def _write(
    conn: Connection, writes: RoundWrites, version: dict[str, object], now: datetime, effective: datetime
) -> None:
    """Old versions end first (the partial unique indexes allow one current version), then new rows go in."""
    for kind in ("membership", "person", "family", "household"):
        ended = writes.ended.get(kind, [])
        if ended and rounds.close_versions(conn, kind, ended, effective) != len(ended):
            raise Conflict(msg("Someone else changed this record at the same time: reload it and try again"))
    for kind, new in writes.identities.items():
        store.insert_identities(conn, kind, new, now)
    rows: dict[str, list[Mapping[str, object]]] = {
        "household": [{**vars(h.dwelling), "household_id": h.household_id} for h in writes.households],
        "family": [
            {"family_id": f.family_id, "household_id": f.household_id, "kk_number": f.kk_number}
            for f in writes.families
        ],
        "person": [{**store.person_row(p.data), "person_id": p.person_id} for p in writes.persons],
        "membership": [
            {"family_id": m.family_id, "person_id": m.person_id, "relationship": int(m.relationship)}
            for m in writes.memberships
        ],
    }
    ids = {kind: store.insert_versions(conn, kind, rows[kind], common=version) for kind in KINDS}
    store.insert_assets(conn, dict(zip(ids["household"], [h.assets for h in writes.households], strict=True)))
    store.insert_programmes(
        conn, "family", dict(zip(ids["family"], [f.programmes for f in writes.families], strict=True))
    )
    store.insert_programmes(
        conn, "person", dict(zip(ids["person"], [p.data.programmes for p in writes.persons], strict=True))
    )
    new_persons = set(writes.identities.get("person", ()))
    found = [m.person_id for m in writes.memberships if m.person_id not in new_persons]
    if found:  # people registered outside any household, now listed in one: that row ends
        store.end_outside(conn, found, effective)
    store.index_names(conn, writes.named, fresh=True)
    if writes.renamed:
        store.index_names(conn, writes.renamed)
    rounds.forget_names(conn, writes.gone)
