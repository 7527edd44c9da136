"""Recording an identification run: the run row, its flags (new, new versions with decisions carried
over, retirements, in bulk) and its audit entry in one transaction (:mod:`inklusi.ppks.flags` decides what
changes); and the flags it leaves, for the run's aggregates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks import store
from inklusi.ppks.flags import Current, FlagStatus, Found, Plan, canonical, reconcile
from inklusi.ppks.service import summarising
from inklusi.ppks.spec import RuleSet
from inklusi.registry.service import SnapshotFiles
from inklusi.welfare.service import DecileFile

WRITE_ROWS = 20_000
Progress = Callable[..., None]  # progress(text, done=0, total=None)


def record(
    ctx: Context,
    principal: Principal,
    run_id: UUID,
    started: datetime,
    rule_set: RuleSet,
    inputs: tuple[SnapshotFiles, DecileFile | None],
    found: dict[tuple[UUID, str], Found],
    progress: Progress,
) -> tuple[Plan, Path]:
    """The run, its flags and its audit entry in one transaction; the flags it leaves, as Parquet (next
    to the snapshot, for the aggregates)."""
    snapshot, deciles = inputs
    _usable, skipped = rule_set.usable(deciles is not None)
    run: dict[str, object] = {
        "id": run_id,
        "rules": rule_set.name,
        "rules_version": rule_set.key,
        "reference_date": snapshot.taken_at.date(),
        "registry_at": snapshot.taken_at,
        "welfare_run_id": deciles.run.id if deciles else None,
        "skipped_rules": canonical([r.id for r in skipped]),
        "started_at": started,
        "actor_id": principal.user_id,
        "candidates": len(found),
        **dict.fromkeys(("new_flags", "changed", "retired"), 0),
    }
    with ctx.transaction() as conn:
        store.insert_run(conn, run)
        plan = reconcile(list(store.current_flags(conn)), found)
        _write(conn, plan, run, principal, progress)
        counts = {"new_flags": len(plan.new), "changed": len(plan.changed), "retired": len(plan.retired)}
        store.finish_run(conn, run_id, finished_at=utcnow(), **counts)
        detail = {
            "rules": rule_set.key,
            "registry_at": snapshot.taken_at.isoformat(),
            "welfare_run": str(deciles.run.id) if deciles else None,
            "candidates": len(found),
            "new": counts["new_flags"],
            "changed": counts["changed"],
            "retired": counts["retired"],
        }
        event = Event(
            kind=events.PPKS_IDENTIFY,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            object_id=str(run_id),
            detail=detail,
        )
        audit.record(ctx, conn, event)
        flags = summarising.export_flags(conn, snapshot.persons.parent / "flags.parquet")
    return plan, flags


def _write(
    conn: Connection, plan: Plan, run: dict[str, object], principal: Principal, progress: Progress
) -> None:
    """New flags, new versions of changed flags (decisions carried over), retirements: in bulk."""
    now = utcnow()
    step = msg("Writing the flags")
    total = len(plan.new) + len(plan.changed) + len(plan.retired)
    progress(step, 0, total)
    ids = [new_id() for _ in plan.new]
    flags: list[dict[str, object]] = [
        {"id": i, "person_id": f.person_id, "category": f.category, "created_at": now, "run_id": run["id"]}
        for i, f in zip(ids, plan.new, strict=True)
    ]
    versions = [
        _version(i, f, FlagStatus.candidate, run, principal, now) for i, f in zip(ids, plan.new, strict=True)
    ]
    decisions = store.decisions(conn, [c.version_id for c, _f, status in plan.changed if status.decided])
    for current, found, status in plan.changed:
        versions.append(
            _version(current.flag_id, found, status, run, principal, now, decisions.get(current.version_id))
        )
    for current in plan.retired:
        versions.append(
            _version(current.flag_id, _as_found(current), FlagStatus.retired, run, principal, now)
        )
    store.close_versions(
        conn, [c.version_id for c, _f, _s in plan.changed] + [c.version_id for c in plan.retired], now
    )
    for start in range(0, max(len(flags), len(versions)), WRITE_ROWS):
        store.insert_flags(conn, flags[start : start + WRITE_ROWS])
        store.insert_versions(conn, versions[start : start + WRITE_ROWS])
        progress(step, min(start + WRITE_ROWS, total), total)


def _as_found(current: Current) -> Found:
    return Found(current.person_id, current.category, current.household_id, current.area_code,
                 current.rule_id, current.rule_version, current.evidence)  # fmt: skip


def _version(
    flag_id: UUID,
    found: Found,
    status: FlagStatus,
    run: dict[str, object],
    principal: Principal,
    now: datetime,
    decision: dict[str, object] | None = None,
) -> dict[str, object]:
    return {
        "version_id": new_id(),
        "flag_id": flag_id,
        "valid_from": now,
        "valid_to": None,
        "status": status.value,
        "area_code": found.area_code,
        "household_id": found.household_id,
        "rule_id": found.rule_id,
        "rule_version": found.rule_version,
        "evidence": found.evidence,
        "run_id": run["id"],
        "registry_at": run["registry_at"],
        **(decision or dict.fromkeys(("decided_by", "decided_by_name", "decided_at", "decision_note"))),
        "actor_id": principal.user_id,
        "recorded_at": now,
    }
