"""Identifying PPKS candidates in the registry, as the welfare ranking ranks it: a snapshot of the registry
(people outside households included) and the latest welfare run's deciles go to the analytics engine, the
rules (:func:`inklusi.ppks.expr.candidates`) run there, and the flags are written back in one transaction
with its audit entry. A re-run keeps decisions and retires candidates whose evidence went away
(:mod:`inklusi.ppks.flags`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import ibis
import ibis.expr.types as ir
from sqlalchemy.engine import Connection

from inklusi.access.model import Permission, Principal
from inklusi.analytics.engine import Backend, Engine, read_arrow
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks import store
from inklusi.ppks.expr import candidates
from inklusi.ppks.flags import Current, FlagStatus, Found, Plan, canonical, merge, reconcile
from inklusi.ppks.model import Sensitivity
from inklusi.ppks.spec import RuleSet, load_rules
from inklusi.ppks.taxonomy import category
from inklusi.registry import service as registry
from inklusi.registry.service import SnapshotFiles
from inklusi.welfare import service as welfare

WRITE_ROWS = 20_000
Progress = Callable[..., None]  # progress(text, done=0, total=None)


@dataclass(frozen=True)
class RunSummary:
    id: UUID
    rules: str
    reference_date: date
    registry_at: datetime
    welfare_run_id: UUID | None
    skipped_rules: tuple[str, ...]
    candidates: int
    new_flags: int
    changed: int
    retired: int
    unchanged: int
    by_category: dict[str, int]  # found per category; sensitive ones only for holders of ppks:sensitive


def require_identify(principal: Principal) -> None:
    if not principal.can(Permission.registry_write, None):
        raise Forbidden(msg("Identifying PPKS candidates needs nationwide write access to the registry"))


def identify(
    ctx: Context,
    principal: Principal,
    *,
    rules: RuleSet | str = "national",
    backend: Backend | None = None,
    progress: Progress = lambda _text, _done=0, _total=None: None,
) -> RunSummary:
    """Run the rules over the current registry as a new identification run; returns what it changed."""
    require_identify(principal)
    rule_set = load_rules(rules) if isinstance(rules, str) else rules
    run_id, started = new_id(), utcnow()
    work = ctx.settings.data_dir / "ppks"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="identify-", dir=work) as folder:
        progress(msg("Taking a snapshot of the registry"))
        snapshot = registry.export_snapshot(ctx, principal, Path(folder) / "snapshot")
        deciles = welfare.export_deciles(ctx, principal, Path(folder) / "deciles.parquet")
        engine = welfare.engine_for(ctx, backend)
        progress(
            msg("Applying the PPKS rules {rules} ({backend})", rules=rule_set.key, backend=engine.backend)
        )
        try:
            path = _find(engine, snapshot, deciles.path if deciles else None, rule_set, Path(folder))
        finally:
            engine.close()
        rows = read_arrow(path).to_pylist()
    found = merge(rows, {rule.id: index for index, rule in enumerate(rule_set.rules)})
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
    return RunSummary(
        id=run_id,
        rules=rule_set.key,
        reference_date=snapshot.taken_at.date(),
        registry_at=snapshot.taken_at,
        welfare_run_id=deciles.run.id if deciles else None,
        skipped_rules=tuple(r.id for r in skipped),
        candidates=len(found),
        new_flags=counts["new_flags"],
        changed=counts["changed"],
        retired=counts["retired"],
        unchanged=plan.unchanged,
        by_category=_by_category(found.values(), principal),
    )


def _find(
    engine: Engine, snapshot: SnapshotFiles, deciles: Path | None, rules: RuleSet, folder: Path
) -> Path:
    """The candidates with the area each person is scoped by, written to Parquet."""
    persons = engine.read_parquet(snapshot.persons)
    households = engine.read_parquet(snapshot.households)
    # people outside households carry their area (village or district) as the rules read it
    persons = persons.rename(village_code="area_code")
    ranks = engine.read_parquet(deciles) if deciles is not None else None
    found = candidates(
        persons,
        households,
        ranks,
        rules,
        as_of=snapshot.taken_at.date(),
        keep=lambda members: engine.materialise(members, "ppks_members"),  # read by every rule
    )
    found = found.join(_areas(persons, households), "person_id")
    return engine.write_parquet(found, folder / "found.parquet")


def _areas(persons: ir.Table, households: ir.Table) -> ir.Table:
    """``person_id`` → ``area_code``: the household's village, or where a person outside was registered."""
    villages = households.select(_household="household_id", _village="village_code")
    joined = persons.left_join(villages, persons.household_id == villages._household)
    return joined.select(
        person_id=joined.person_id.cast("string"),
        area_code=ibis.coalesce(joined.village_code, joined._village),
    )


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


def _by_category(found, principal: Principal) -> dict[str, int]:
    sensitive = principal.holds(Permission.ppks_sensitive)
    counts: dict[str, int] = {}
    for flag in found:
        if sensitive or category(flag.category).sensitivity is Sensitivity.personal:
            counts[flag.category] = counts.get(flag.category, 0) + 1
    return dict(sorted(counts.items()))
