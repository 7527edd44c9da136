"""Reading imports: the list, one batch's counts and change report, and its held forms.

Who sees what, like every read of the registry: a steward sees a batch if they imported it, if they are
a national steward, or if the batch changed or held something in a village of their write scope; then
they see the counts of their villages and the held forms that name one of them (the forms they may fix
and import again). Anything else is "not found", so a batch elsewhere does not reveal that it exists.
Reading held forms (personal data) is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.engine import RowMapping

from inklusi.access.model import Permission, Principal, Scope
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import Issue, NotFound
from inklusi.i18n import msg
from inklusi.instrument import store
from inklusi.registry.enumeration import ROUND_COUNTS

AREA_QUESTIONS = ("r101", "r102", "r103", "r104")
PAGE = 200  # batches read at a time while looking for those a steward may see


@dataclass(frozen=True)
class ImportResult:
    batch_id: UUID
    file_name: str
    forms: int
    accepted: int
    unchanged: int
    held: int
    report: dict[str, Any]  # JSON, as stored
    already_imported: bool = False
    held_issues: dict[str | None, list[Issue]] = field(default_factory=dict)
    instrument: str = ""  # name/version of the instrument the forms were checked against
    finished_at: datetime | None = None
    area_only: bool = False  # counts and held forms of the reader's villages only (the rest is elsewhere)


@dataclass(frozen=True)
class HeldForm:
    submission_id: str | None
    record: dict
    issues: list[dict]


def village_of(record: dict) -> str | None:
    """The village a form names (``PP.RR.DD.VVVV`` as written), or None if it names none."""
    parts = [record.get(code) for code in AREA_QUESTIONS]
    if not all(isinstance(part, str | int) and str(part) for part in parts):
        return None
    return ".".join(str(part) for part in parts)


def result_of(
    batch: RowMapping | dict, *, already_imported: bool = False, area_only: bool = False
) -> ImportResult:
    return ImportResult(
        batch["id"],
        batch["file_name"],
        batch["forms"],
        batch["accepted"],
        batch["unchanged"],
        batch["held"],
        batch["report"],
        already_imported,
        instrument=batch["instrument"],
        finished_at=batch["finished_at"],
        area_only=area_only,
    )


class _Viewer:
    """A steward reading imports: everything if national or the importer, else their villages only."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.scope: Scope = principal.require(
            Permission.registry_write, msg("Only data stewards see imports")
        )

    def sees_all(self, batch: RowMapping) -> bool:
        mine = self.principal.user_id is not None and batch["actor_id"] == self.principal.user_id
        return self.scope.national or mine

    def sees(self, batch: RowMapping) -> bool:
        return self.sees_all(batch) or any(self.scope.covers(v) for v in _villages(batch))

    def result(self, batch: RowMapping) -> ImportResult:
        """The batch as this steward may see it: another area's counts are left out."""
        if self.sees_all(batch):
            return result_of(batch)
        report = dict(batch["report"])
        mine = {v: counts for v, counts in report.get("by_village", {}).items() if self.scope.covers(v)}
        held = {v: n for v, n in report.get("held_by_village", {}).items() if self.scope.covers(v)}
        report |= {
            "by_village": mine,
            "held_by_village": held,
            "totals": {what: sum(counts.get(what, 0) for counts in mine.values()) for what in ROUND_COUNTS},
        }
        return result_of({**batch, "report": report, "held": sum(held.values())}, area_only=True)

    def shows(self, batch: RowMapping, record: dict) -> bool:
        if self.sees_all(batch):
            return True
        village = village_of(record)
        return village is not None and self.scope.covers(village)


def _villages(batch: RowMapping) -> set[str]:
    report = batch["report"] or {}
    return set(report.get("by_village", {})) | set(report.get("held_by_village", {}))


def _visible(viewer: _Viewer, batch: RowMapping | None, batch_id: UUID) -> RowMapping:
    if batch is None or not viewer.sees(batch):
        raise NotFound(msg("Import {id} not found", id=str(batch_id)))
    return batch


def get_batch(ctx: Context, principal: Principal, batch_id: UUID) -> ImportResult:
    viewer = _Viewer(principal)
    with ctx.transaction(readonly=True) as conn:
        batch = _visible(viewer, store.batch(conn, batch_id), batch_id)
    return viewer.result(batch)


def recent_batches(ctx: Context, principal: Principal, limit: int = 20) -> list[ImportResult]:
    viewer = _Viewer(principal)
    found: list[ImportResult] = []
    with ctx.transaction(readonly=True) as conn:
        offset = 0
        while len(found) < limit:
            page = store.recent_batches(conn, PAGE, offset)
            found += [viewer.result(batch) for batch in page if viewer.sees(batch)]
            if len(page) < PAGE:
                break
            offset += PAGE
    return found[:limit]


def held_forms(ctx: Context, principal: Principal, batch_id: UUID) -> list[HeldForm]:
    """The quarantine of a batch as this steward may see it (personal data: the read is audited)."""
    viewer = _Viewer(principal)
    with ctx.transaction() as conn:
        batch = _visible(viewer, store.batch(conn, batch_id), batch_id)
        forms = [
            HeldForm(row["submission_id"], record, row["issues"])
            for row in store.quarantine(conn, batch_id)
            if viewer.shows(batch, record := json.loads(row["record"]))
        ]
        detail = {"forms": len(forms), "all": viewer.sees_all(batch)}
        audit.record(
            ctx,
            conn,
            Event(
                kind=events.IMPORT_QUARANTINE_READ,
                actor=principal.actor,
                purpose=Purpose.data_stewardship,
                object_id=str(batch_id),
                detail=detail,
            ),
        )
    return forms
