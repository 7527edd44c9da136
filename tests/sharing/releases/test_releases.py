"""Released tables over a registry, on SQLite and PostgreSQL: stored once and served again byte for byte,
the ledger spends each release once and refuses what would exceed the budget (audited), sensitive
categories stay out of public releases, and nothing published is small."""

from __future__ import annotations

import json

import numpy as np
import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.disclosure import exposed
from inklusi.errors import Conflict, Forbidden, Invalid
from inklusi.ppks.model import Sensitivity
from inklusi.sharing import service
from tests.factories import SYSTEM, user
from tests.sharing.releases.data import agreement, flagged, ranked


def _actions(ctx) -> list[str]:
    return [e.action for e in audit.search_log(ctx, SYSTEM, LogQuery(action="sharing"), limit=50).entries]


def test_a_release_is_stored_and_served_again_without_new_noise(ctx):
    ranked(ctx)
    planner = user(ctx, "perencana", ("planner", None))
    first = service.create_release(ctx, planner, dataset="households_decile", level="province", epsilon=0.5)
    assert first.created
    again = service.create_release(ctx, planner, dataset="households_decile", level="province", epsilon=0.5)
    assert not again.created and again.release == first.release
    assert service.export_release(ctx, planner, first.release.id).content == service.csv_of(first.release)
    assert service.export_release(ctx, planner, first.release.id) == service.export_release(
        ctx, planner, first.release.id
    )
    lines = {(b.dataset, b.agreement_id): b for b in service.budget_lines(ctx, planner)}
    assert lines[("households_decile", None)].spent == 0.5  # spent once
    assert lines[("households_decile", None)].left == 2.5
    assert lines[("persons_ppks", None)].spent == 0.0
    release = first.release
    assert release.unit == "household" and release.sensitivity == 1 and release.accuracy >= 1
    assert release.actor_name == planner.display_name and release.agreement_id is None
    assert [c.code for c in release.columns] == [str(d) for d in range(1, 11)]
    assert len(release.rows) >= 30  # every province of the reference, not only those with households
    assert len(release.values) == len(release.rows) + 1 and len(release.values[0]) == 11
    assert _actions(ctx).count("sharing.release") == 1
    listed = service.list_releases(ctx, planner)
    assert [r.id for r in listed] == [release.id]


def test_a_release_for_an_agreement_has_its_own_ledger_line(ctx):
    ranked(ctx)
    shared_with = agreement(ctx)
    public = service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1)
    shared = service.create_release(
        ctx, SYSTEM, dataset="households_decile", epsilon=1, agreement_id=shared_with
    )
    assert public.release.id != shared.release.id and shared.created
    lines = {(b.dataset, b.agreement_id): b.spent for b in service.budget_lines(ctx, SYSTEM)}
    assert lines[("households_decile", None)] == 1 and lines[("households_decile", shared_with)] == 1


def test_the_ledger_refuses_what_would_exceed_the_budget(ctx):
    ranked(ctx)
    service.create_release(ctx, SYSTEM, dataset="households_decile", level="province", epsilon=2)
    service.create_release(ctx, SYSTEM, dataset="households_decile", level="regency", epsilon=0.75)
    with pytest.raises(Conflict) as refused:
        service.create_release(ctx, SYSTEM, dataset="households_decile", level="regency", epsilon=0.5)
    words = refused.value.text.render("en")
    assert "budget 3" in words and "spent 2.75" in words and "asked 0.5" in words
    assert "anggaran" in refused.value.text.render("id").lower()
    assert _actions(ctx).count("sharing.release_refused") == 1
    line = next(b for b in service.budget_lines(ctx, SYSTEM) if b.dataset == "households_decile")
    assert line.spent == 2.75  # the refusal spent nothing
    # what fits still goes
    service.create_release(ctx, SYSTEM, dataset="households_decile", level="regency", epsilon=0.25)
    assert next(b for b in service.budget_lines(ctx, SYSTEM) if b.dataset == "households_decile").left == 0


def test_a_sequence_of_requests_never_takes_the_ledger_past_its_budget(ctx):
    ranked(ctx)
    rng = np.random.default_rng(17)
    spent = 0
    for i in range(12):
        asked = int(rng.integers(1, 900))
        level = "province" if i % 2 else "regency"
        try:
            service.create_release(
                ctx, SYSTEM, dataset="households_decile", level=level, epsilon=asked / 1000
            )
            spent += asked
        except Conflict:
            assert spent + asked > 3000
        line = next(b for b in service.budget_lines(ctx, SYSTEM) if b.dataset == "households_decile")
        assert round(line.spent * 1000) == spent <= 3000


def test_persons_by_ppks_category_count_people_and_keep_sensitive_categories_out_of_public(ctx):
    flagged(ctx)
    sensitive = agreement(ctx, sensitivity_ceiling=Sensitivity.sensitive)
    made = service.create_release(ctx, SYSTEM, dataset="persons_ppks", level="regency", epsilon=1)
    release = made.release
    codes = [c.code for c in release.columns]
    assert "poor" in codes and "persons_with_disabilities" not in codes  # sensitive: not by default
    assert release.unit == "person" and release.sensitivity == len(codes)
    with pytest.raises(Forbidden):
        service.create_release(
            ctx, SYSTEM, dataset="persons_ppks", epsilon=1, categories=["persons_with_disabilities"]
        )
    planner = user(ctx, "perencana", ("planner", None))  # no ppks:sensitive
    with pytest.raises(Forbidden):
        service.create_release(
            ctx, planner, dataset="persons_ppks", epsilon=1, categories=["persons_with_disabilities"],
            agreement_id=sensitive,
        )  # fmt: skip
    shared = service.create_release(
        ctx, SYSTEM, dataset="persons_ppks", epsilon=1, categories=["persons_with_disabilities", "poor"],
        agreement_id=sensitive,
    )  # fmt: skip
    assert [c.code for c in shared.release.columns] == ["persons_with_disabilities", "poor"]
    assert shared.release.thresholds == (10, 5)


def test_bad_requests_name_their_field(ctx):
    for kwargs, field in (
        ({"dataset": "nope", "epsilon": 1}, "dataset"),
        ({"dataset": "households_decile", "epsilon": 0}, "epsilon"),
        ({"dataset": "households_decile", "epsilon": 1, "level": "village"}, "level"),
        ({"dataset": "persons_ppks", "epsilon": 1, "categories": ["nope"]}, "categories"),
        ({"dataset": "households_decile", "epsilon": 1, "categories": ["poor"]}, "categories"),
    ):
        with pytest.raises(Invalid) as refused:
            service.create_release(ctx, SYSTEM, **kwargs)
        assert refused.value.issues[0].field == field
    reader = user(ctx, "pengamat", ("privacy_officer", None))
    with pytest.raises(Forbidden):
        service.create_release(ctx, reader, dataset="households_decile", epsilon=1)


def test_released_tables_hold_no_small_entry_and_no_recoverable_one(ctx):
    """Over the stored table: every published entry is 0 or at least its threshold, totals add up, and
    the suppression pattern (with the margins) leaves no suppressed entry determined."""
    flagged(ctx)
    ranked(ctx)
    for dataset in ("persons_ppks", "households_decile"):
        for level in ("province", "regency"):
            release = service.create_release(ctx, SYSTEM, dataset=dataset, level=level, epsilon=1).release
            values = release.values
            limits = [*release.thresholds, max(release.thresholds)]
            for row in values:
                for value, limit in zip(row, limits, strict=True):
                    assert value is None or value == 0 or value >= limit
            hidden = np.array([[v is None for v in row] for row in values])
            assert not exposed(hidden).any()
            assert json.dumps(release.values)  # whole numbers and nulls only
