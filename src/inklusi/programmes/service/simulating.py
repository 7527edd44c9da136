"""Simulating programmes over the registry, saved scenarios and freezing a beneficiary list.

A simulation reads what a welfare ranking read: a snapshot of the registry (``registry.export_snapshot``),
the latest welfare run's ranks (score, percentile, deciles) and its poverty curve (the chance a household of
a predicted percentile is poor, from the model's out-of-fold predictions), and the current PPKS flags; the
programmes' rules run in the analytics engine (:func:`inklusi.programmes.simulation.simulate`). It needs
``programmes:manage`` (nationwide) and nationwide ``registry:read``; it is audited
(``programme.simulate``), and so are the reads it is made of (the snapshot, the flags). Categories of the
outcome that are sensitive (UU 27/2022) are shown only to readers holding ``ppks:sensitive``.

A **scenario** is a simulation's outcome saved under a name (with the spec's stored version, the budget,
the welfare run and the registry's moment). **Freezing** a scenario re-runs its spec and budget on the
current registry and stores the beneficiaries, each with its head's name as at the freeze, as a list for a
cycle: one list per programme and cycle, never changed afterwards."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy.engine import RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.analytics.engine import Backend
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Conflict, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.ppks import service as ppks
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity
from inklusi.programmes import store
from inklusi.programmes.expr import household_frame
from inklusi.programmes.model import Simulation
from inklusi.programmes.service import catalogue
from inklusi.programmes.service.lists import list_info
from inklusi.programmes.service.views import ListInfo, RegistrySimulation, ScenarioInfo
from inklusi.programmes.simulation import simulate
from inklusi.programmes.spec import ProgrammeSpec
from inklusi.registry import service as registry
from inklusi.welfare import service as welfare

RANK_COLUMNS = ("score", "national_percentile", "province_decile", "regency_decile")
HEAD = 1  # relationship to the head of the family (Regsosek 403)
MAX_NAME = 120


def _sensitive(category: str) -> bool:
    try:
        return taxonomy.category(category).sensitivity is Sensitivity.sensitive
    except (KeyError, ValueError):
        return False  # not a PPKS category (a component, say): nothing to hide


def _visible_outcome(result: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """An outcome's dict as the reader may see it: sensitive categories only with ``ppks:sensitive``."""
    if principal.holds(Permission.ppks_sensitive) or "by_category" not in result:
        return result
    rows = [row for row in result["by_category"] if not _sensitive(str(row.get("category")))]
    return {**result, "by_category": rows}


def _hide(simulation: Simulation, principal: Principal) -> Simulation:
    if principal.holds(Permission.ppks_sensitive):
        return simulation
    outcomes = tuple(
        replace(o, by_category=tuple(r for r in o.by_category if not _sensitive(r.category)))
        for o in simulation.outcomes
    )
    return replace(simulation, outcomes=outcomes)


def _run(
    ctx: Context,
    principal: Principal,
    specs: Sequence[ProgrammeSpec],
    budgets: Mapping[str, float | None] | None,
    backend: Backend | None,
    folder: Path,
    beneficiaries: bool = False,
) -> tuple[Simulation, UUID | None, datetime, Path]:
    """Simulate ``specs`` on a fresh snapshot in ``folder``: (simulation, welfare run, snapshot moment,
    the snapshot's persons file)."""
    snapshot = registry.export_snapshot(ctx, principal, folder / "snapshot")
    deciles = welfare.export_deciles(ctx, principal, folder / "ranks.parquet", columns=RANK_COLUMNS)
    poverty = welfare.poverty_curve(ctx, deciles.run.id) if deciles is not None else None
    flags_path = ppks.export_flags(ctx, principal, folder / "flags.parquet")
    engine = welfare.engine_for(ctx, backend)
    try:
        persons = engine.read_parquet(snapshot.persons)
        households = engine.read_parquet(snapshot.households)
        ranks = engine.read_parquet(deciles.path) if deciles is not None else None
        flags = engine.read_parquet(flags_path)
        curve = engine.table(poverty) if poverty is not None else None
        frame = household_frame(persons, households, ranks, flags, curve, snapshot.taken_at.date())
        simulation = simulate(
            engine,
            frame,
            specs,
            flags=flags,
            budgets=budgets,
            beneficiaries_dir=folder / "beneficiaries" if beneficiaries else None,
        )
    finally:
        engine.close()
    return simulation, deciles.run.id if deciles else None, snapshot.taken_at, snapshot.persons


def _work(ctx: Context) -> Path:
    work = ctx.settings.data_dir / "programmes"
    work.mkdir(parents=True, exist_ok=True)
    return work


def simulate_registry(
    ctx: Context,
    principal: Principal,
    specs: Sequence[ProgrammeSpec],
    *,
    budgets: Mapping[str, float | None] | None = None,
    save_as: str | None = None,
    backend: Backend | None = None,
) -> RegistrySimulation:
    """Simulate the programmes together on the current registry; ``save_as``: save each one's outcome as a
    scenario of that name (the spec stored as a version if it is not yet)."""
    principal.require(Permission.programmes_manage)
    if not specs:
        text = msg("Name at least one programme")
        raise Invalid(text, [Issue("specs", "required", text)])
    if save_as is not None and not (0 < len(save_as.strip()) <= MAX_NAME):
        text = msg("A scenario's name has 1 to {n} characters", n=MAX_NAME)
        raise Invalid(text, [Issue("save_as", "name.length", text)])
    with tempfile.TemporaryDirectory(prefix="simulate-", dir=_work(ctx)) as folder:
        simulation, run_id, registry_at, _ = _run(ctx, principal, specs, budgets, backend, Path(folder))
    by_name = {spec.name: spec for spec in specs}
    saved: dict[str, UUID] = {}
    with ctx.transaction() as conn:
        if save_as is not None:
            for outcome in simulation.outcomes:
                info = catalogue.store_in(ctx, conn, principal, by_name[outcome.programme])
                saved[outcome.programme] = new_id()
                store.insert_scenario(
                    conn,
                    {
                        "id": saved[outcome.programme],
                        "programme_id": info.id,
                        "name": save_as.strip(),
                        "budget": outcome.budget,
                        "welfare_run_id": run_id,
                        "registry_at": registry_at,
                        "created_at": utcnow(),
                        "actor_id": principal.user_id,
                        "result": json.dumps(outcome.as_dict()),
                    },
                )
        event = Event(
            kind=events.PROGRAMME_SIMULATE,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            detail={
                "programmes": {o.spec_key: o.budget for o in simulation.outcomes},
                "welfare_run": str(run_id) if run_id else None,
                "registry_at": registry_at.isoformat(),
                "scenarios": [str(i) for i in saved.values()],
                "beneficiaries": {o.programme: o.beneficiaries for o in simulation.outcomes},
            },
        )
        audit.record(ctx, conn, event)
    return RegistrySimulation(_hide(simulation, principal), run_id, registry_at, saved)


def _scenario(row: RowMapping, principal: Principal) -> ScenarioInfo:
    return ScenarioInfo(
        id=row["id"],
        name=row["name"],
        programme=row["programme"],
        spec_key=f"{row['programme']}-{row['version']}",
        programme_id=row["programme_id"],
        budget=row["budget"],
        welfare_run_id=row["welfare_run_id"],
        registry_at=row["registry_at"],
        created_at=row["created_at"],
        outcome=_visible_outcome(json.loads(row["result"]), principal),
    )


def list_scenarios(ctx: Context, principal: Principal, programme: str | None = None) -> list[ScenarioInfo]:
    """Saved scenarios, newest first (of one programme, if named)."""
    principal.require(Permission.programmes_read)
    with ctx.transaction(readonly=True) as conn:
        return [_scenario(row, principal) for row in store.scenarios(conn, programme)]


def get_scenario(ctx: Context, principal: Principal, scenario_id: UUID) -> ScenarioInfo:
    principal.require(Permission.programmes_read)
    with ctx.transaction(readonly=True) as conn:
        row = store.scenario_by_id(conn, scenario_id)
    if row is None:
        raise NotFound(msg("Scenario {id} not found", id=str(scenario_id)))
    return _scenario(row, principal)


def _heads(persons: Path, households: pa.Array) -> dict[str, str]:
    """household id → the person id of its head (the head of its first family)."""
    table = pq.read_table(persons, columns=["person_id", "household_id", "family_id", "relationship"])
    table = table.filter(
        pc.and_(pc.equal(table["relationship"], HEAD), pc.is_in(table["household_id"], value_set=households))
    ).sort_by([("household_id", "ascending"), ("family_id", "ascending")])
    heads: dict[str, str] = {}
    for household, person in zip(
        table["household_id"].to_pylist(), table["person_id"].to_pylist(), strict=True
    ):
        heads.setdefault(str(household), str(person))
    return heads


def _names(ctx: Context, principal: Principal, heads: dict[str, str]) -> dict[str, str]:
    if not heads:
        return {}
    found = registry.export_persons(
        ctx, principal, person_ids=[UUID(p) for p in heads.values()], purpose=Purpose.programme_targeting
    )
    names = dict(zip(found["person_id"].to_pylist(), found["name"].to_pylist(), strict=True))
    return {household: str(names[person]) for household, person in heads.items() if names.get(person)}


def _taken(programme: str, cycle: str) -> Conflict:
    text = msg("{programme} already has a list for the cycle {cycle}", programme=programme, cycle=cycle)
    return Conflict(text, [Issue("cycle", "cycle.taken", text)])


def _check_cycle(cycle: str) -> str:
    cycle = (cycle or "").strip()
    if not 0 < len(cycle) <= 60:
        text = msg("A cycle's name has 1 to {n} characters", n=60)
        raise Invalid(text, [Issue("cycle", "name.length", text)])
    return cycle


def freeze(ctx: Context, principal: Principal, scenario_id: UUID, *, cycle: str) -> ListInfo:
    """Re-simulate the scenario's spec and budget on the current registry (with the programmes it
    excludes) and store its beneficiaries as the list of ``cycle``; audited (``programme.freeze``)."""
    principal.require(Permission.programmes_manage)
    cycle = _check_cycle(cycle)
    with ctx.transaction(readonly=True) as conn:
        row = store.scenario_by_id(conn, scenario_id)
        if row is None:
            raise NotFound(msg("Scenario {id} not found", id=str(scenario_id)))
        info = catalogue.programme_of_id(conn, row["programme_id"])
        if store.list_by_cycle(conn, row["programme_id"], cycle) is not None:
            raise _taken(info.name, cycle)
    specs = [info.spec, *(catalogue.get_programme(ctx, principal, name).spec for name in info.spec.exclude)]
    with tempfile.TemporaryDirectory(prefix="freeze-", dir=_work(ctx)) as folder:
        _sim, run_id, registry_at, persons = _run(
            ctx, principal, specs, {info.name: row["budget"]}, None, Path(folder), beneficiaries=True
        )
        chosen = pq.read_table(Path(folder) / "beneficiaries" / f"{info.name}.parquet")
        heads = _heads(persons, chosen["household_id"].cast(pa.string()))
    names = _names(ctx, principal, heads)
    households = [str(h) for h in chosen["household_id"].to_pylist()]
    columns: dict[str, list[object]] = {
        "household_id": [UUID(h) for h in households],
        "village_code": chosen["village_code"].to_pylist(),
        "people": [int(v) for v in chosen["people"].to_pylist()],
        "score": chosen["score"].to_pylist(),
        "national_decile": chosen["national_decile"].to_pylist(),
        "benefit": [float(v) for v in chosen["benefit"].to_pylist()],
        "priority": [int(v) for v in chosen["priority"].to_pylist()],
        "head_name": [names.get(h) for h in households],
    }
    list_id = new_id()
    with ctx.transaction() as conn:
        if store.list_by_cycle(conn, row["programme_id"], cycle) is not None:
            raise _taken(info.name, cycle)
        summary = {
            "households": len(households),
            "people": sum(columns["people"]),  # type: ignore[arg-type]  # ints, made just above
            "cost": float(sum(columns["benefit"])),  # type: ignore[arg-type]  # floats, made just above
        }
        store.insert_list(
            conn,
            {
                "id": list_id,
                "scenario_id": scenario_id,
                "programme_id": row["programme_id"],
                "spec_key": info.key,
                "cycle": cycle,
                "welfare_run_id": run_id,
                "registry_at": registry_at,
                "frozen_at": utcnow(),
                "actor_id": principal.user_id,
                **summary,
            },
        )
        store.insert_entries(conn, {"list_id": [list_id] * len(households), **columns})
        event = Event(
            kind=events.PROGRAMME_FREEZE,
            actor=principal.actor,
            purpose=Purpose.programme_targeting,
            object_id=str(list_id),
            detail={
                "scenario": str(scenario_id),
                "programme": info.key,
                "cycle": cycle,
                "households": summary["households"],
                "cost": summary["cost"],
                "welfare_run": str(run_id) if run_id else None,
                "registry_at": registry_at.isoformat(),
            },
        )
        audit.record(ctx, conn, event)
        written = store.list_by_id(conn, list_id)
        assert written is not None
        return list_info(written)
