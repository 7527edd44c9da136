"""Reading ranks: a household's rank, history, explanation (scoped, audited); movements, decile counts."""

from __future__ import annotations

import json
from uuid import UUID

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.registry import service as registry
from inklusi.welfare import store
from inklusi.welfare.explanation import explain_row
from inklusi.welfare.model import (
    DECILES,
    Explanation,
    HouseholdRank,
    Movement,
    RunInfo,
)
from inklusi.welfare.service.models import run_info
from inklusi.welfare.spec import AREA_COLUMNS, Spec, household_features
from inklusi.welfare.training import (
    model_from_json,
)
from inklusi.wilayah import service as wilayah

# --- Reading a household's rank --------------------------------------------------------------------


def _rank(row, run: RunInfo) -> HouseholdRank:
    return HouseholdRank(
        household_id=row["household_id"],
        run=run,
        score=row["score"],
        national_percentile=row["national_percentile"],
        national_decile=row["national_decile"],
        household_decile=row["household_decile"],
        province_decile=row["province_decile"],
        regency_decile=row["regency_decile"],
        village_code=row["village_code"],
    )


def household_rank(
    ctx: Context,
    principal: Principal,
    household_id: UUID,
    *,
    run_id: UUID | None = None,
    purpose: Purpose = Purpose.registry_view,
) -> HouseholdRank:
    """The household's rank in a run (default: the latest), audited."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        run_row = store.run_by_id(conn, run_id) if run_id else store.latest_run(conn)
        row = store.household_rank_in_scope(conn, household_id, run_row["id"], scope) if run_row else None
        if row is None or run_row is None:  # (a rank means a run)
            raise NotFound(msg("No welfare rank for household {id}", id=str(household_id)))
        event = Event(
            kind=events.WELFARE_RANK_READ,
            actor=principal.actor,
            purpose=purpose,
            object_id=str(household_id),
            area_code=row["village_code"],
            detail={"run": str(run_row["id"])},
        )
        audit.record(ctx, conn, event)
        return _rank(row, run_info(run_row))


def rank_history(
    ctx: Context, principal: Principal, household_id: UUID, *, purpose: Purpose = Purpose.registry_view
) -> list[HouseholdRank]:
    """Every run's rank of the household, oldest first (audited)."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        rows = store.household_history(conn, household_id, scope)
        if not rows:
            raise NotFound(msg("No welfare rank for household {id}", id=str(household_id)))
        runs = {row["run_id"]: run_info(store.run_by_id(conn, row["run_id"])) for row in rows}
        event = Event(
            kind=events.WELFARE_RANK_HISTORY,
            actor=principal.actor,
            purpose=purpose,
            object_id=str(household_id),
            area_code=rows[-1]["village_code"],
        )
        audit.record(ctx, conn, event)
        return [_rank(row, runs[row["run_id"]]) for row in rows]


def explain_household(
    ctx: Context,
    principal: Principal,
    household_id: UUID,
    *,
    run_id: UUID | None = None,
    language: str = "id",
    purpose: Purpose = Purpose.registry_view,
) -> Explanation:
    """Why the household has its score: each proxy's contribution, largest first, in ``language``.

    The household is read as it was when the run took its snapshot, so the contributions add up to the
    stored score; the household page can show :meth:`Contribution.describe` lines. One transaction, one
    audit entry (``welfare.rank.read``, explained), and no analytics engine: the household's features are
    computed in plain Python (:func:`~inklusi.welfare.spec.household_features`)."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction() as conn:
        run_row = store.run_by_id(conn, run_id) if run_id else store.latest_run(conn)
        row = store.household_rank_in_scope(conn, household_id, run_row["id"], scope) if run_row else None
        if row is None or run_row is None:  # (a rank means a run)
            raise NotFound(msg("No welfare rank for household {id}", id=str(household_id)))
        rank = _rank(row, run_info(run_row))
        _model_row, spec, model = load_model_of_run(conn, rank.run.id)
        record = registry.household_record_in(conn, scope, household_id, as_of=rank.run.snapshot_at)
        households, persons = registry.household_tables(record)
        household, members = households.to_pylist()[0], persons.to_pylist()
        reference = rank.run.reference_date
        features = household_features(spec, household, members, reference)
        answers = household_features(spec, household, members, reference, answers=True)
        names = wilayah.area_names_in(conn, {str(features[c]) for c in AREA_COLUMNS if c in features})
        event = Event(
            kind=events.WELFARE_RANK_READ,
            actor=principal.actor,
            purpose=purpose,
            object_id=str(household_id),
            area_code=row["village_code"],
            detail={"run": str(run_row["id"]), "explained": True},
        )
        audit.record(ctx, conn, event)
    baseline, contributions = explain_row(spec, model, features, language, answers=answers, area_names=names)
    explanation = Explanation(rank, baseline, contributions)
    changed = abs(explanation.score - rank.score) > 1e-6
    return Explanation(rank, baseline, contributions, data_changed=changed)


def load_model_of_run(conn, run_id: UUID):
    run = store.run_by_id(conn, run_id)
    assert run is not None  # the run of a rank, read in the same transaction
    row = store.model_by_id(conn, run["model_id"])
    assert row is not None  # a run's model is never deleted (foreign key)
    return row, Spec.model_validate_json(row["spec"]), model_from_json(json.loads(row["artifact"]))


# --- Movements between runs and the demo -----------------------------------------------------------


def movements(
    ctx: Context, principal: Principal, *, from_run: UUID | None = None, to_run: UUID | None = None
) -> Movement:
    """How households moved between the national deciles of two runs (default: the last two)."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        to_row = store.run_by_id(conn, to_run) if to_run else store.latest_run(conn)
        if to_row is None:
            raise NotFound(msg("No welfare ranking has been run yet"))
        from_id = from_run or to_row["previous_run_id"]
        if from_id is None:
            raise NotFound(msg("There is no earlier ranking to compare with"))
        matrix = [[0] * DECILES for _ in range(DECILES)]
        for before, after, count in store.decile_transitions(conn, from_id, to_row["id"], scope):
            matrix[before - 1][after - 1] = count
        entered = store.count_only_in(conn, to_row["id"], from_id, scope)
        left = store.count_only_in(conn, from_id, to_row["id"], scope)
    return Movement(from_id, to_row["id"], tuple(tuple(r) for r in matrix), entered, left)


def decile_summary(
    ctx: Context, principal: Principal, run_id: UUID | None = None
) -> list[tuple[int, int, int]]:
    """(decile, households, people) of a run within the caller's scope: aggregates, not audited."""
    scope = principal.require(Permission.registry_read)
    with ctx.transaction(readonly=True) as conn:
        run = store.run_by_id(conn, run_id) if run_id else store.latest_run(conn)
        if run is None:
            raise NotFound(msg("No welfare ranking has been run yet"))
        return store.decile_counts(conn, run["id"], scope)
