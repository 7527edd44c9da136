"""Identifying PPKS candidates in the registry, as the welfare ranking ranks it: a snapshot of the registry
(people outside households included) and the latest welfare run's deciles go to the analytics engine, the
rules (:func:`inklusi.ppks.expr.candidates`) run there, and the flags are written back in one transaction
with its audit entry (:mod:`.recording`). A re-run keeps decisions and retires candidates whose evidence
went away (:mod:`inklusi.ppks.flags`). Then the run's who/where/what aggregates over the flags it left are
computed on the same snapshot, protected and stored (:mod:`.summarising`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from inklusi.access.model import Permission, Principal
from inklusi.analytics.engine import Backend, Engine, read_arrow
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks.expr import candidates
from inklusi.ppks.flags import merge
from inklusi.ppks.model import Sensitivity
from inklusi.ppks.publication import Thresholds
from inklusi.ppks.service import recording, summarising
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
    cells: int = 0  # entries of the run's stored publication (ppks.service.summary)


def require_identify(principal: Principal) -> None:
    if not principal.can(Permission.registry_write, None):
        raise Forbidden(msg("Identifying PPKS candidates needs nationwide write access to the registry"))


def identify(
    ctx: Context,
    principal: Principal,
    *,
    rules: RuleSet | str = "national",
    backend: Backend | None = None,
    thresholds: Thresholds | None = None,
    services: pa.Table | None = None,
    progress: Progress = lambda _text, _done=0, _total=None: None,
) -> RunSummary:
    """Run the rules over the current registry as a new identification run, then compute, protect and
    store its aggregates (``thresholds``: default from the settings; ``services``: the ATENSI services
    recorded for people, ``person_id`` and ``service_type``, which meet needs: the case management's
    ``delivered_services``, passed by the edges, since cases builds on this slice); returns what it
    changed."""
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
        try:
            progress(
                msg("Applying the PPKS rules {rules} ({backend})", rules=rule_set.key, backend=engine.backend)
            )
            path = _find(engine, snapshot, deciles.path if deciles else None, rule_set, Path(folder))
            found = merge(
                read_arrow(path).to_pylist(), {rule.id: index for index, rule in enumerate(rule_set.rules)}
            )
            plan, flags = recording.record(
                ctx, principal, run_id, started, rule_set, (snapshot, deciles), found, progress
            )
            # the who/where/what of the flags the run left, stored with the run (a request never recomputes)
            cells = summarising.publish_run(
                ctx,
                engine,
                run_id,
                snapshot,
                deciles.path if deciles else None,
                flags,
                thresholds=thresholds or summarising.thresholds_of(ctx),
                progress=progress,
                services=services,
            )
        finally:
            engine.close()
    _usable, skipped = rule_set.usable(deciles is not None)
    return RunSummary(
        id=run_id,
        rules=rule_set.key,
        reference_date=snapshot.taken_at.date(),
        registry_at=snapshot.taken_at,
        welfare_run_id=deciles.run.id if deciles else None,
        skipped_rules=tuple(r.id for r in skipped),
        candidates=len(found),
        new_flags=len(plan.new),
        changed=len(plan.changed),
        retired=len(plan.retired),
        unchanged=plan.unchanged,
        by_category=_by_category(found.values(), principal),
        cells=cells,
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
    written = engine.write_parquet(found, folder / "found.parquet")
    engine.release("ppks_members")  # the cube that follows needs the memory (13 s of CPU at 10 M households)
    return written


def _areas(persons: ir.Table, households: ir.Table) -> ir.Table:
    """``person_id`` → ``area_code``: the household's village, or where a person outside was registered."""
    villages = households.select(_household="household_id", _village="village_code")
    joined = persons.left_join(villages, persons.household_id == villages._household)
    return joined.select(
        person_id=joined.person_id.cast("string"),
        area_code=ibis.coalesce(joined.village_code, joined._village),
    )


def _by_category(found, principal: Principal) -> dict[str, int]:
    sensitive = principal.holds(Permission.ppks_sensitive)
    counts: dict[str, int] = {}
    for flag in found:
        if sensitive or category(flag.category).sensitivity is Sensitivity.personal:
            counts[flag.category] = counts.get(flag.category, 0) + 1
    return dict(sorted(counts.items()))
