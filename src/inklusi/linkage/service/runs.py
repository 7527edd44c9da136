"""Linkage runs over the registry: a full run (train, predict, cluster every current person and household)
and an incremental run (link persons that no entity holds yet against those that one does, with the
latest trained model).

A run reads persons through the registry service (scoped, audited), links them with the Splink pipeline
outside any transaction, then writes the overlay in one transaction: the run, entities and memberships
(stable ids), household entities, the review queue, and one audit entry with the figures.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.linkage import store
from inklusi.linkage.households import link_households
from inklusi.linkage.linker import Backend
from inklusi.linkage.model import EntityKind, LinkReason
from inklusi.linkage.pipeline import BatchOutcome, Outcome, deduplicate, link_batch, to_review
from inklusi.linkage.service.records import constraints, prepare_registry
from inklusi.linkage.service.writing import apply_groups, review_rows
from inklusi.linkage.spec import LinkageSettings, load_settings
from inklusi.registry.service import export_persons


@dataclass(frozen=True)
class RunSummary:
    run_id: UUID
    mode: str
    records: int
    pairs_scored: int
    links: int
    review_pairs: int
    person_entities: int
    household_entities: int
    seconds: dict[str, float]


def _require_steward(principal: Principal) -> None:
    if not principal.can(Permission.registry_write, None):
        raise Forbidden(msg("Only a nationwide data steward may run record linkage"))


def link_registry(
    ctx: Context,
    principal: Principal,
    *,
    settings: str | LinkageSettings = "persons",
    backend: Backend | None = None,
    progress: Callable[..., None] = lambda _step, _done=0, _total=None: None,
) -> RunSummary:
    """A full run: every current person and household, with a freshly trained model.

    ``progress(step)`` hears which step it is in (a message)."""
    _require_steward(principal)
    spec = settings if isinstance(settings, LinkageSettings) else load_settings(settings)
    clock = time.perf_counter()
    progress(msg("Reading the registry's persons"))
    exported = export_persons(ctx, principal)
    if exported.num_rows < 2:
        raise Invalid(msg("The registry holds too few persons to link"))
    prepared = prepare_registry(exported)
    with ctx.transaction(readonly=True) as conn:
        decided = constraints(store.decisions(conn, EntityKind.person))
    prepared_in = time.perf_counter() - clock
    progress(msg("Training the linkage model, scoring and clustering pairs"))
    outcome = deduplicate(
        prepared,
        spec,
        backend=backend,
        labels=decided.labels(),
        must_link=decided.must_link,
        cannot_link=decided.cannot_link,
        floor=min(spec.review, spec.households.review_together),
    )
    seconds = {"export_and_prepare": prepared_in, **outcome.seconds}
    progress(msg("Linking households and writing the entities"))
    return _write_run(ctx, principal, spec, exported, outcome, seconds)


def _review_choice(
    outcome: Outcome | BatchOutcome, spec: LinkageSettings, households: pa.Array | None = None
) -> tuple[np.ndarray, list[str]]:
    """Indices into ``outcome.pairs`` for the queue: pairs left apart between the thresholds or refused
    by the clustering, one for each two clusters; and, with ``households`` (each prepared record's
    household), weaker pairs of two households that hold several of them (``households.review_together``)."""
    left, right, probability = outcome.left, outcome.right, outcome.probability
    chosen = to_review(outcome, spec.review)
    refused = {(min(i, j), max(i, j)): reason for i, j, _p, reason in outcome.clusters.refused}
    reasons = []
    for index in chosen.tolist():
        i, j = int(left[index]), int(right[index])
        if probability[index] >= outcome.auto_merge:
            reasons.append(f"refused:{refused.get((min(i, j), max(i, j)), 'transitive')}")
        else:
            reasons.append("between_thresholds")
    apart = outcome.clusters.labels[left] != outcome.clusters.labels[right]
    weak = apart & (probability < min(spec.review, outcome.auto_merge))
    together = np.flatnonzero(_together(households, left, right, weak, probability, spec))
    return np.r_[chosen, together].astype(np.int64), reasons + ["household"] * len(together)


def _together(households, left, right, weak, probability, spec: LinkageSettings) -> np.ndarray:
    """Weak pairs (apart, at or above ``review_together``) of two households that hold ``together`` pairs
    at or above it, counting those already linked (a household listed twice: some members matched by
    NIK, the others typed with a birth year off)."""
    rule = spec.households
    alike = probability >= rule.review_together
    if households is None or not (weak & alike).any():
        return np.zeros(len(left), bool)
    codes = pc.index_in(households, value_set=pc.unique(households)).to_numpy(zero_copy_only=False)
    a, b = codes[left], codes[right]
    key = np.minimum(a, b).astype(np.int64) * (int(codes.max()) + 1) + np.maximum(a, b)
    support = alike & (a != b)
    values, counts = np.unique(key[support], return_counts=True)
    strong = values[counts >= rule.together]
    return weak & support & np.isin(key, strong)


def _households_of(exported: pa.Table, prepared: pa.Table) -> pa.Array:
    """The household of each prepared record (in ``prepared``'s order)."""
    where = pc.index_in(prepared["unique_id"], value_set=exported["person_id"])
    return pc.take(exported["household_id"], where)


def _areas(exported: pa.Table) -> dict[str, str | None]:
    return dict(zip(exported["person_id"].to_pylist(), exported["village_code"].to_pylist(), strict=True))


def _write_run(
    ctx: Context,
    principal: Principal,
    spec: LinkageSettings,
    exported: pa.Table,
    outcome: Outcome,
    seconds: dict[str, float],
) -> RunSummary:
    now = utcnow()
    run_id = new_id()
    records = [UUID(r) for r in outcome.prepared["unique_id"].to_pylist()]
    groups = outcome.labels.tolist()
    reasons = {r: LinkReason(reason) for r, reason in zip(records, outcome.reasons(), strict=True)}
    households = link_households(
        exported["household_id"],
        outcome.cluster_ids(),
        min_shared=spec.households.min_shared,
        min_persons=spec.households.min_persons,
        denominator=spec.households.denominator,
    )
    chosen, why = _review_choice(outcome, spec, _households_of(exported, outcome.prepared))
    links = int((np.bincount(outcome.labels) - 1).clip(0).sum())
    with ctx.transaction() as conn:
        store.insert_run(conn, _run_row(run_id, "full", spec, principal, now, outcome.model, seconds))
        apply_groups(conn, EntityKind.person, records, groups, at=now, run_id=run_id, reasons=reasons)
        household_ids = [UUID(h) for h in households.households.to_pylist()]
        apply_groups(
            conn, EntityKind.household, household_ids, households.labels.tolist(), at=now, run_id=run_id
        )
        store.supersede_pending(conn, EntityKind.person, now)
        rows = review_rows(
            EntityKind.person, outcome.pairs, chosen, why, _areas(exported), outcome.model, run_id, now
        )
        store.insert_pairs(conn, rows)
        summary = RunSummary(
            run_id,
            "full",
            len(records),
            outcome.pairs_scored,
            links,
            len(rows),
            len(set(groups)),
            len(set(households.labels.tolist())),
            seconds,
        )
        _finish(conn, ctx, principal, run_id, summary)
    return summary


def _run_row(run_id, mode, spec, principal, now, model, seconds) -> dict[str, object]:
    return {
        "id": run_id,
        "kind": EntityKind.person.value,
        "mode": mode,
        "settings_name": spec.name,
        "settings_version": spec.version,
        "started_at": now,
        "actor_id": principal.user_id,
        "records": 0,
        "pairs_scored": 0,
        "links": 0,
        "review_pairs": 0,
        "entities": 0,
        "model": json.dumps(model) if model else None,
        "detail": json.dumps({"seconds": {k: round(v, 3) for k, v in seconds.items()}}),
    }


def _finish(conn, ctx: Context, principal: Principal, run_id: UUID, summary: RunSummary) -> None:
    store.finish_run(
        conn,
        run_id,
        finished_at=utcnow(),
        records=summary.records,
        pairs_scored=summary.pairs_scored,
        links=summary.links,
        review_pairs=summary.review_pairs,
        entities=summary.person_entities,
    )
    detail = {k: v for k, v in vars(summary).items() if k not in ("run_id", "seconds")}
    event = Event(
        kind=events.LINKAGE_RUN,
        actor=principal.actor,
        purpose=Purpose.data_stewardship,
        object_id=str(run_id),
        detail=detail,
    )
    audit.record(ctx, conn, event)


def link_new_persons(
    ctx: Context,
    principal: Principal,
    *,
    settings: str | LinkageSettings = "persons",
    backend: Backend | None = None,
    progress: Callable[..., None] = lambda _step, _done=0, _total=None: None,
) -> RunSummary:
    """An incremental run: persons without an entity are linked against those with one, using the latest
    trained model; existing entities change only where a new person joins (or joins two of) them."""
    _require_steward(principal)
    spec = settings if isinstance(settings, LinkageSettings) else load_settings(settings)
    clock = time.perf_counter()
    with ctx.transaction(readonly=True) as conn:
        latest = store.latest_run(conn, EntityKind.person)
        current = store.current_memberships(conn, EntityKind.person)
        decided = constraints(store.decisions(conn, EntityKind.person))
    if latest is None:
        raise Invalid(msg("No trained linkage model yet: run a full linkage first"))
    progress(msg("Reading the registry's persons"))
    exported = export_persons(ctx, principal)
    prepared = prepare_registry(exported)
    known = pa.array([str(r) for r in current], pa.string())
    old = pc.is_in(prepared["unique_id"], value_set=known)
    existing, new = prepared.filter(old), prepared.filter(pc.invert(old))
    if new.num_rows == 0:
        raise Invalid(msg("Every person already belongs to an entity: nothing to link"))
    prepared_in = time.perf_counter() - clock
    existing_cluster = pa.array(
        [str(current[UUID(r)]) for r in existing["unique_id"].to_pylist()], pa.string()
    )
    progress(msg("Scoring the new persons against the known ones"))
    batch = link_batch(
        existing,
        existing_cluster,
        new,
        spec,
        json.loads(latest["model"]),
        backend=backend,
        cannot_link=decided.cannot_link,
    )
    seconds = {"export_and_prepare": prepared_in, **batch.seconds}
    progress(msg("Linking households and writing the entities"))
    return _write_batch(ctx, principal, spec, exported, batch, json.loads(latest["model"]), seconds, current)


def _write_batch(ctx, principal, spec, exported, batch: BatchOutcome, model, seconds, current) -> RunSummary:
    now = utcnow()
    run_id = new_id()
    records = [UUID(r) for r in batch.local["unique_id"].to_pylist()]
    groups = batch.clusters.labels.tolist()
    chosen, why = _review_choice(batch, spec)
    with ctx.transaction() as conn:
        store.insert_run(conn, _run_row(run_id, "incremental", spec, principal, now, None, seconds))
        assigned = apply_groups(conn, EntityKind.person, records, groups, at=now, run_id=run_id)
        entity_of = {**current, **assigned.target}
        person_entity = pa.array([str(entity_of.get(UUID(p), p)) for p in exported["person_id"].to_pylist()])
        households = link_households(
            exported["household_id"],
            person_entity,
            min_shared=spec.households.min_shared,
            min_persons=spec.households.min_persons,
            denominator=spec.households.denominator,
        )
        household_ids = [UUID(h) for h in households.households.to_pylist()]
        apply_groups(
            conn, EntityKind.household, household_ids, households.labels.tolist(), at=now, run_id=run_id
        )
        rows = review_rows(EntityKind.person, batch.pairs, chosen, why, _areas(exported), model, run_id, now)
        store.insert_pairs(conn, rows)
        before = set(current.values())
        links = sum(
            1 for r, new in zip(records, batch.is_new, strict=True) if new and assigned.target[r] in before
        )
        summary = RunSummary(
            run_id,
            "incremental",
            int(batch.is_new.sum()),
            batch.pairs.num_rows,
            links,
            len(rows),
            len(set(entity_of.values())),
            len(set(households.labels.tolist())),
            seconds,
        )
        _finish(conn, ctx, principal, run_id, summary)
    return summary


def list_runs(ctx: Context, principal: Principal, limit: int = 20) -> list[dict[str, object]]:
    """Recent runs with their figures (no personal data; for anyone who may read the registry)."""
    principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        return [dict(row) for row in store.list_runs(conn, limit)]
