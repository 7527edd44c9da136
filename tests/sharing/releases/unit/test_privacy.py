"""The noise, the suppression around it and the budget arithmetic of released tables (pure)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inklusi.disclosure import exposed, with_margins
from inklusi.errors import Conflict, Invalid
from inklusi.sharing import privacy
from inklusi.sharing.privacy import Budget

DRAWS = 200_000


def discrete_laplace_variance(scale: float) -> float:
    q = math.exp(-1 / scale)
    return 2 * q / (1 - q) ** 2


@pytest.mark.parametrize("scale", [1.5, 4.0, 13.0])
def test_the_noise_is_there_with_the_stated_scale(scale):
    """Many OpenDP draws (no seed): centred, with the discrete Laplace variance of the scale (within 3 %),
    and the stated accuracy is the narrowest interval holding 95 % of the noise, as often as it should."""
    noise = privacy.laplace_noise(np.zeros(DRAWS, dtype=np.int64), scale)
    variance = discrete_laplace_variance(scale)
    assert abs(noise.mean()) < 5 * math.sqrt(variance / DRAWS)
    assert noise.var() == pytest.approx(variance, rel=0.03)
    accuracy = privacy.accuracy_of(scale)
    q = math.exp(-1 / scale)
    covered = 1 - 2 * q ** (accuracy + 1) / (1 + q)  # P(|noise| <= accuracy), exactly
    assert covered >= 0.95 and 1 - 2 * q**accuracy / (1 + q) < 0.95  # the narrowest such interval
    inside = float((np.abs(noise) <= accuracy).mean())
    assert abs(inside - covered) < 5 * math.sqrt(covered * (1 - covered) / DRAWS)
    assert (noise != 0).mean() > 0.3  # really noisy


def test_the_scale_follows_epsilon_and_sensitivity():
    assert privacy.scale_for(1.0, 1) == pytest.approx(1.0, rel=1e-6)
    assert privacy.scale_for(0.5, 13, size=20) == pytest.approx(26.0, rel=1e-6)
    noisy = privacy.noisy_counts(np.full((3, 4), 50), epsilon=0.25, sensitivity=4)
    assert noisy.epsilon <= 0.25 + 1e-12
    assert noisy.scale == pytest.approx(16.0, rel=1e-6)
    assert noisy.values.dtype == np.int64 and (noisy.values >= 0).all()


def test_counts_are_kept_non_negative_whole_numbers():
    noisy = privacy.noisy_counts(np.zeros((50, 10), dtype=np.int64), epsilon=0.1, sensitivity=1)
    assert (noisy.values >= 0).all() and noisy.values.dtype == np.int64
    assert noisy.values.any()  # zeros got noise too (a row of zeros is not told apart)


tables = st.tuples(st.integers(2, 8), st.integers(2, 6), st.integers(0, 2**32 - 1), st.integers(2, 12))


@settings(max_examples=60, deadline=None)
@given(tables, st.sampled_from([0.1, 0.5, 2.0]))
def test_no_published_entry_is_small_and_no_suppressed_one_can_be_recovered(shape_seed, epsilon):
    rows, columns, seed, threshold = shape_seed
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 3 * threshold, size=(rows, columns)) * (rng.random((rows, columns)) < 0.7)
    limits = np.full(columns, threshold)
    limits[0] = threshold * 2  # a sensitive column
    released = privacy.release(counts, limits[None, :], epsilon=epsilon, sensitivity=columns)
    true = with_margins(counts)
    limit = with_margins(np.broadcast_to(limits[None, :], counts.shape), combine="max")
    shown = ~released.suppressed
    for values in (true, released.values):
        assert not (shown & (values >= 1) & (values < limit)).any()
    assert not exposed(released.suppressed).any()
    # totals are the sums of the noisy cells: they add up
    cells = released.values[:-1, :-1]
    assert (released.values[-1, :-1] == cells.sum(axis=0)).all()
    assert (released.values[:-1, -1] == cells.sum(axis=1)).all()
    published = released.published()
    assert all(v is None or (isinstance(v, int) and v >= 0) for row in published for v in row)
    assert sum(v is None for row in published for v in row) == int(released.suppressed.sum())


@pytest.mark.parametrize("value", [0, -1, 10.5, 0.0001, float("nan"), float("inf")])
def test_epsilon_is_positive_at_most_ten_with_three_decimals(value):
    with pytest.raises(Invalid) as refused:
        privacy.epsilon_milli(value)
    assert refused.value.issues[0].field == "epsilon"


def test_epsilon_in_thousandths():
    assert privacy.epsilon_milli(0.5) == 500
    assert privacy.epsilon_milli(1.125) == 1125
    assert privacy.as_epsilon(1500) == "1.5" and privacy.as_epsilon(3000) == "3"


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.lists(st.integers(1, 2000), max_size=30))
def test_the_ledger_never_exceeds_its_budget(total, asks):
    """Any sequence of requests: each is granted exactly when it fits, and spent never passes the total."""
    line = Budget("households_decile", total, 0)
    for asked in asks:
        fits = line.spent + asked <= total
        try:
            after = line.spend(asked)
        except Conflict as refusal:
            assert not fits
            words = refusal.text.render("en")
            assert privacy.as_epsilon(total) in words and privacy.as_epsilon(asked) in words
            assert "households_decile" in words
            continue
        assert fits and after.spent == line.spent + asked
        line = after
        assert 0 <= line.spent <= line.total and line.left >= 0


def test_a_refusal_names_budget_spent_and_asked_in_both_languages():
    with pytest.raises(Conflict) as refused:
        Budget("persons_ppks", 3000, 2750).spend(500)
    both = refused.value.text.both()
    for words in (both["en"], both["id"]):
        assert "persons_ppks" in words and "3" in words and "2.75" in words and "0.5" in words
    assert both["id"] != both["en"]
