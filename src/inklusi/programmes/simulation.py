"""Simulating programmes over a household frame in the analytics engine.

:func:`simulate` runs :mod:`inklusi.programmes.expr` for each programme, in dependency order (a programme
that excludes another's beneficiaries runs after it). Per programme the eligible households are ordered
once (one sort: priority and cumulative benefit from the same window), kept (``engine.materialise``: the
selection, the cube and the beneficiaries all read them), and aggregated once into a small cube (regency ×
national decile × budget-curve step × selected) from which :func:`inklusi.programmes.model.assemble` sums
every figure of the outcome. The frame itself is aggregated once for the whole simulation. Quotas are split
by largest remainder on weights taken from that aggregate. ``docs/programmes.md`` states the rules.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from inklusi.analytics.engine import Engine
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.programmes.evaluation import TRUTH_COLUMNS, cube_sums, with_truth
from inklusi.programmes.expr import FRAME_COLUMNS, KEY, chosen, eligible, ordered
from inklusi.programmes.model import (
    CURVE_POINTS,
    Outcome,
    Overlap,
    Row,
    Simulation,
    Totals,
    assemble,
    largest_remainder,
    ordered_programmes,
)
from inklusi.programmes.spec import ProgrammeSpec

BENEFICIARY_COLUMNS = (KEY, "village_code", "people", "score", "national_decile", "benefit", "priority")
KEPT = (KEY, "village_code", "province_code", "regency_code", "people", "score", "national_decile",
        "poor_probability", "benefit", "priority", "_cum", *TRUTH_COLUMNS)  # fmt: skip
BASE_GROUPS = ["regency_code", "national_decile"]
CUBE_GROUPS = [*BASE_GROUPS, "_bucket", "_selected"]


def simulate(
    engine: Engine,
    frame: ir.Table,
    specs: Sequence[ProgrammeSpec],
    *,
    flags: ir.Table | None = None,
    budgets: Mapping[str, float | None] | None = None,
    truth: ir.Table | None = None,
    beneficiaries_dir: Path | None = None,
    area: str | None = None,
) -> Simulation:
    """Outcomes of ``specs`` over ``frame`` (:data:`~inklusi.programmes.expr.FRAME_COLUMNS`), and the
    households every pair of them shares. ``budgets`` overrides the specs' budgets by name (``None``: every
    eligible household); ``flags`` (person_id, household_id, category) are the PPKS flags; ``truth``
    (household_id, poor, consumption_per_capita) gives measured errors; ``beneficiaries_dir`` receives
    ``<programme>.parquet``; ``area`` (a province code) reports areas by its regencies."""
    by_name = _by_name(specs)
    order = ordered_programmes(list(by_name), {s.name: s.exclude for s in specs})
    kept: list[str] = []
    work = frame.select(*FRAME_COLUMNS)
    if truth is not None or not isinstance(frame.op(), ops.PhysicalTable):
        work = _keep(engine, with_truth(work, truth), "programmes_frame", kept)
    else:
        work = with_truth(work, None)
    try:
        base = engine.to_arrow(work.group_by(BASE_GROUPS).aggregate(**cube_sums(work))).to_pylist()
        category_base = _category_counts(engine, work, flags)
        chosen_ids: dict[str, ir.Table] = {}
        outcomes: dict[str, Outcome] = {}
        needed = set(by_name) if len(specs) > 1 else set()
        for name in order:
            spec = by_name[name]
            budget = budgets[name] if budgets is not None and name in budgets else spec.budget
            outcome, ids = _one(engine, work, spec, budget, flags, chosen_ids, base, category_base,
                                truth is not None, area, beneficiaries_dir, name in needed, kept)  # fmt: skip
            outcomes[name] = outcome
            if ids is not None:
                chosen_ids[name] = ids
        overlaps = tuple(
            Overlap(a, b, _count(engine, chosen_ids[a].join(chosen_ids[b], KEY)))
            for a, b in itertools.combinations([s.name for s in specs], 2)
        )
    finally:
        for name in kept:
            engine.release(name)
    return Simulation(tuple(outcomes[s.name] for s in specs), overlaps)


def _by_name(specs: Sequence[ProgrammeSpec]) -> dict[str, ProgrammeSpec]:
    if not specs:
        raise Invalid(msg("Name at least one programme to simulate"))
    names = [s.name for s in specs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        text = msg("Programmes named more than once: {names}", names=", ".join(repeated))
        raise Invalid(text, [Issue("programmes", "programme.repeated", text)])
    return {s.name: s for s in specs}


def _keep(engine: Engine, table: ir.Table, name: str, kept: list[str]) -> ir.Table:
    kept.append(name)
    return engine.materialise(table, name)


def _count(engine: Engine, table: ir.Table) -> int:
    return int(engine.to_arrow(table.aggregate(n=table.count()))["n"][0].as_py() or 0)


def _one(
    engine: Engine,
    work: ir.Table,
    spec: ProgrammeSpec,
    budget: float | None,
    flags: ir.Table | None,
    chosen_ids: Mapping[str, ir.Table],
    base: list[Row],
    category_base: dict[str, int] | None,
    has_truth: bool,
    area: str | None,
    beneficiaries_dir: Path | None,
    keep_ids: bool,
    kept: list[str],
) -> tuple[Outcome, ir.Table | None]:
    gaps = list(spec.gaps)
    excluded = [chosen_ids[x].select(KEY) for x in spec.exclude if x in chosen_ids]
    gaps += [f"exclude:{x}" for x in spec.exclude if x not in chosen_ids]
    if spec.eligibility.ppks and flags is None:
        gaps.append("ppks_flags")
    if spec.eligibility.decile is not None and any(r["national_decile"] is None for r in base):
        gaps.append("unranked")
    others = (
        ibis.union(*excluded, distinct=False) if len(excluded) > 1 else (excluded[0] if excluded else None)
    )
    level = spec.quota.level if spec.quota is not None else None
    quotas, shortfalls = None, {}
    table = ordered(eligible(work, spec, flags, others), level)
    marked = _keep(
        engine, table.select(*KEPT, *(["_area_rank"] if level else [])), f"programme_{spec.name}", kept
    )
    if spec.quota is not None:
        quotas = _quotas(spec, base)
        shortfalls = _shortfalls(engine, marked, level or "province", quotas)
    total = engine.to_arrow(marked.aggregate(cost=marked.benefit.sum()))["cost"][0].as_py() or 0.0
    selected = chosen(marked, budget, quotas, level)
    steps = CURVE_POINTS - 1
    bucket = (
        ((marked._cum * steps / total) - 1e-9).ceil().clip(lower=0, upper=steps).cast("int64")
        if total > 0
        else ibis.literal(0, "int64")
    )
    cells = marked.mutate(_bucket=bucket, _selected=selected)
    cube = engine.to_arrow(cells.group_by(CUBE_GROUPS).aggregate(**cube_sums(cells))).to_pylist()
    beneficiaries = marked.filter(selected)
    ids: ir.Table | None = None
    if beneficiaries_dir is not None:
        path = engine.write_parquet(
            beneficiaries.select(*BENEFICIARY_COLUMNS), Path(beneficiaries_dir) / f"{spec.name}.parquet"
        )
        ids = engine.read_parquet(path).select(KEY) if keep_ids else None
    elif keep_ids:
        ids = _keep(engine, beneficiaries.select(KEY), f"beneficiaries_{spec.name}", kept)
    categories = None
    if category_base is not None and flags is not None:
        mine = _category_counts(engine, beneficiaries, flags) or {}
        categories = {c: (n, mine.get(c, 0)) for c, n in category_base.items()}
    totals = Totals(spec.name, spec.key, budget, float(total), area, has_truth, shortfalls, tuple(gaps))
    return assemble(totals, base, cube, categories), ids


def _category_counts(engine: Engine, households: ir.Table, flags: ir.Table | None) -> dict[str, int] | None:
    """Households (of ``households``) with a member flagged in each category."""
    if flags is None:
        return None
    pairs = flags.select(_flagged=flags[KEY].cast("string"), category=flags.category).distinct()
    inside = pairs.semi_join(households.select(KEY), pairs._flagged == households[KEY])
    rows = engine.to_arrow(inside.group_by("category").aggregate(n=inside.count())).to_pylist()
    return {str(r["category"]): int(r["n"]) for r in rows}


def _quota_area(regency: str, level: str) -> str:
    return regency[:2] if level == "province" else regency


def _quotas(spec: ProgrammeSpec, base: list[Row]) -> dict[str, int]:
    quota = spec.quota
    assert quota is not None
    if quota.basis == "fixed":
        return dict(quota.fixed)
    areas = spec.eligibility.areas
    weights: dict[str, float] = {}
    for row in base:
        code = _quota_area(str(row["regency_code"]), quota.level)
        if areas and not any(code.startswith(a) or a.startswith(code) for a in areas):
            continue
        ranked = row["national_decile"] is not None
        value = row["people"] if quota.basis == "population" else row["poor_probability"]
        if quota.basis == "poor" and ranked and value is None:
            text = msg("A quota by poor needs the welfare model's poverty curve, which this ranking lacks")
            raise Invalid(text, [Issue("quota.basis", "quota.poverty", text)])
        weights[code] = weights.get(code, 0.0) + (float(value) if ranked and value is not None else 0.0)
    assert quota.total is not None
    return largest_remainder(quota.total, {c: w for c, w in weights.items() if math.isfinite(w)})


def _shortfalls(engine: Engine, marked: ir.Table, level: str, quotas: Mapping[str, int]) -> dict[str, int]:
    column = "province_code" if level == "province" else "regency_code"
    rows = engine.to_arrow(marked.group_by(column).aggregate(n=marked.count())).to_pylist()
    available = {str(r[column]): int(r["n"]) for r in rows}
    return {
        code: need - available.get(code, 0)
        for code, need in sorted(quotas.items())
        if need > available.get(code, 0)
    }
