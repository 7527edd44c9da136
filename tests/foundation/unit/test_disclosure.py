"""Small-cell and complementary suppression (``inklusi.disclosure``).

The reader of a published table knows the published cells and totals, that every total is the sum of its
line, that counts are whole numbers, and (zeros are always published) that every suppressed count is at
least 1. ``recoverable`` asks a linear program, for each suppressed entry, for the smallest and largest
value that knowledge allows: equal means the entry is recovered exactly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from inklusi.disclosure import (
    MARKER,
    Protection,
    Reason,
    exposed,
    protect,
    protect_many,
    with_margins,
)
from inklusi.disclosure.batches import _graph_many
from inklusi.disclosure.exposure import _bridges, _rank_exposed
from inklusi.errors import Invalid


def lines(shape: tuple[int, ...]):
    """Every line of an extended table: the positions along one axis, the last being their total."""
    for axis, size in enumerate(shape):
        others = [range(n) for i, n in enumerate(shape) if i != axis]
        for rest in itertools.product(*others):
            yield [(*rest[:axis], k, *rest[axis:]) for k in range(size)]


def recoverable(result: Protection) -> list[tuple[int, ...]]:
    """The suppressed entries whose value the published ones fix (min == max of the linear program)."""
    hidden = [tuple(int(i) for i in p) for p in np.argwhere(result.suppressed)]
    column = {p: i for i, p in enumerate(hidden)}
    rows, right = [], []
    for line in lines(result.values.shape):
        row, rhs = np.zeros(len(hidden)), 0.0
        for k, position in enumerate(line):
            sign = -1.0 if k == len(line) - 1 else 1.0
            if position in column:
                row[column[position]] = sign
            else:
                rhs -= sign * result.values[position]
        if row.any():
            rows.append(row)
            right.append(rhs)
    found = []
    for i, position in enumerate(hidden):
        objective = np.zeros(len(hidden))
        objective[i] = 1.0
        low = linprog(objective, A_eq=rows, b_eq=right, bounds=(1, None), method="highs")
        high = linprog(-objective, A_eq=rows, b_eq=right, bounds=(1, None), method="highs")
        assert low.status == 0, "the true table must satisfy the published figures"
        if high.status == 0 and abs(-high.fun - low.fun) < 1e-6:
            found.append(position)
    return found


def assert_safe(result: Protection) -> None:
    values, hidden = result.values, result.suppressed
    small = (values >= 1) & (values < result.thresholds)
    assert not (small & ~hidden).any(), "a published entry lies between 1 and its threshold - 1"
    assert not (hidden & (values == 0)).any(), "zeros are published"
    for line in lines(values.shape):
        count = sum(bool(hidden[p]) for p in line)
        assert count != 1, f"a line with a single suppressed entry: {line}"
    assert recoverable(result) == []
    assert not exposed(hidden).any()


def test_a_lone_small_cell_gets_the_cheapest_partners_in_its_row_and_column() -> None:
    cells = np.array([[3, 20, 30], [40, 50, 60], [70, 80, 90]])
    result = protect(cells)
    assert result.reasons[0, 0] == Reason.PRIMARY
    complementary = {tuple(int(i) for i in p) for p in np.argwhere(result.reasons == Reason.COMPLEMENTARY)}
    assert complementary == {(0, 1), (1, 0), (1, 1)}
    assert_safe(result)
    assert list(result.labels()[0]) == [MARKER, MARKER, "30", "53"]


def test_a_rectangle_of_small_cells_protects_itself() -> None:
    cells = np.array([[2, 3, 50], [4, 2, 60], [70, 80, 90]])
    result = protect(cells)
    assert (result.reasons[:2, :2] == Reason.PRIMARY).all()
    assert not (result.reasons == Reason.COMPLEMENTARY).any()
    assert_safe(result)


def test_a_rectangle_of_ones_is_not_enough() -> None:
    """Zeros are published, so a reader knows each suppressed count is at least 1: a rectangle of 1s with
    published totals leaves one solution, and the rule suppresses more."""
    cells = np.array([[1, 1, 50], [1, 1, 60], [70, 80, 90]])
    result = protect(cells)
    assert (result.reasons == Reason.COMPLEMENTARY).any()
    assert_safe(result)


def test_a_small_total_is_suppressed_and_protected() -> None:
    cells = np.array([[2, 0, 0], [30, 40, 50], [60, 70, 80]])
    result = protect(cells)
    assert result.reasons[0, 3] == Reason.PRIMARY  # the row total 2
    assert_safe(result)


def test_a_grand_total_below_the_threshold_hides_every_non_zero_entry() -> None:
    result = protect(np.array([[1, 0], [0, 0]]))
    assert result.suppressed[result.values > 0].all()
    assert not result.suppressed[result.values == 0].any()
    assert_safe(result)


def test_zero_cells_are_published_and_never_complements() -> None:
    cells = np.array([[3, 0, 0], [0, 0, 0], [0, 0, 50]])
    result = protect(cells)
    assert not result.suppressed[result.values == 0].any()
    assert result.suppressed[0, 3] and result.suppressed[3, 0]  # only the totals can partner the 3
    assert_safe(result)


def test_thresholds_per_row_sensitive_and_personal() -> None:
    cells = np.array([[7, 40, 35], [7, 40, 30], [3, 4, 0]])
    thresholds = np.array([[10], [5], [10]])
    result = protect(cells, thresholds)
    assert result.reasons[0, 0] == Reason.PRIMARY  # 7 < 10 in a sensitive row
    assert result.reasons[1, 0] != Reason.PRIMARY  # 7 >= 5 in a personal row
    assert result.reasons[2, 3] == Reason.PRIMARY  # the sensitive row's total, 7 < 10
    assert result.thresholds[3, 0] == 10  # a total's threshold is the largest of its cells'
    assert_safe(result)


def test_the_same_input_gives_the_same_suppression() -> None:
    rng = np.random.default_rng(7)
    cells = rng.poisson(4, size=(12, 9))
    first, second = protect(cells, 5), protect(cells.copy(), 5)
    assert (first.reasons == second.reasons).all()


def test_a_linked_table_keeps_the_parents_figures() -> None:
    """Regencies x categories under a province whose row of the parent table is the child's total row."""
    cells = np.array([[3, 40, 20], [50, 60, 25]])
    forced = np.zeros((3, 4), dtype=bool)
    known = np.zeros((3, 4), dtype=bool)
    forced[2, [1, 2]] = True  # suppressed in the parent table
    known[2, [0, 3]] = True  # published there
    result = protect(cells, known=known, forced=forced)
    assert (result.reasons[2, [1, 2]] == Reason.LINKED).all()
    assert not result.suppressed[known].any()
    assert not result.upstream.any()
    assert_safe(result)


def test_a_child_that_needs_a_parents_figure_says_so() -> None:
    cells = np.array([[3, 40]])  # one regency: its row is the province's row
    known = np.zeros((2, 3), dtype=bool)
    known[1, :] = True
    result = protect(cells, known=known)
    assert result.upstream[1, 0]
    assert_safe(result)


def test_the_linear_check_finds_a_lone_suppressed_cell_and_clears_a_rectangle() -> None:
    mask = np.zeros((4, 4), dtype=bool)
    mask[0, 0] = True
    assert exposed(mask)[0, 0]
    mask[0, 1] = mask[1, 0] = mask[1, 1] = True
    assert not exposed(mask).any()
    mask[2, 2] = mask[2, 3] = True  # two in a row, alone in their columns
    assert exposed(mask)[2, 2] and exposed(mask)[2, 3]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_bridge_check_agrees_with_the_rank_check(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mask = rng.random((int(rng.integers(2, 7)), int(rng.integers(2, 7)))) < rng.random()
    assert (exposed(mask) == _rank_exposed(mask)).all()


def table(ndim: int, sizes: tuple[int, int]):
    counts = st.one_of(st.just(0), st.integers(1, 2), st.integers(1, 12), st.integers(13, 200))
    return st.lists(st.integers(*sizes), min_size=ndim, max_size=ndim).flatmap(
        lambda shape: st.lists(counts, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
            lambda flat: np.array(flat, dtype=np.int64).reshape(shape)
        )
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table(2, (1, 6)), st.data())
def test_property_no_small_published_cell_and_nothing_recoverable(cells: np.ndarray, data) -> None:
    per_row = data.draw(st.booleans())
    shape = (cells.shape[0], 1) if per_row else cells.shape
    thresholds = np.array(
        data.draw(
            st.lists(
                st.sampled_from([1, 3, 5, 10]), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))
            )
        )
    ).reshape(shape)
    result = protect(cells, thresholds)
    assert_safe(result)
    assert (result.values == with_margins(cells)).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table(3, (1, 3)), st.sampled_from([3, 5, 10]))
def test_property_three_way_tables(cells: np.ndarray, threshold: int) -> None:
    assert_safe(protect(cells, threshold))


def test_the_long_form_hides_suppressed_values_and_keeps_reasons_apart() -> None:
    result = protect(np.array([[3, 20, 30], [40, 50, 60]]))
    long = result.to_arrow(["category", "province"], [["a", "b"], ["11", "12", "13"]], reasons=True)
    rows = long.to_pylist()
    assert len(rows) == 3 * 4
    first = next(r for r in rows if r["category"] == "a" and r["province"] == "11")
    assert first == {
        "category": "a",
        "province": "11",
        "value": None,
        "suppressed": True,
        "reason": "primary",
    }
    total = next(r for r in rows if r["category"] == "TOTAL" and r["province"] == "TOTAL")
    assert total["value"] == 203 and not total["suppressed"]
    assert "reason" not in result.to_arrow(["category", "province"]).column_names


@pytest.mark.parametrize(
    ("cells", "threshold", "field"),
    [
        ([1, 2, 3], 5, "cells"),
        ([[1, -2], [3, 4]], 5, "cells"),
        ([[1.5, 2], [3, 4]], 5, "cells"),
        ([[1, 2], [3, 4]], 0, "threshold"),
        ([[1, 2], [3, 4]], [5, 5, 5], "threshold"),
        ([[1, 2], [3, 4]], 2.5, "threshold"),
    ],
)
def test_bad_input_names_the_field(cells, threshold, field: str) -> None:
    with pytest.raises(Invalid) as raised:
        protect(cells, threshold)
    assert [issue.field for issue in raised.value.issues] == [field]


def test_a_mask_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(Invalid) as raised:
        protect([[1, 2], [3, 4]], known=np.zeros((2, 2), dtype=bool))
    assert [issue.field for issue in raised.value.issues] == ["known"]


def test_top_down_protection_of_provinces_and_their_regencies() -> None:
    """The procedure of docs/disclosure.md: the parent first, each child linked to its row, and the parent
    protected again with whatever a child had to suppress, until nothing changes."""
    rng = np.random.default_rng(14)
    children = [rng.poisson(rng.gamma(0.6, 12, size=(1, 4)), size=(n, 4)) for n in (1, 3, 5)]
    parent_cells = np.stack([child.sum(axis=0) for child in children])
    thresholds = np.array([[10, 5, 5, 10]])
    forced = np.zeros((4, 5), dtype=bool)
    rounds = 0
    for rounds in range(1, 10):  # noqa: B007 - the number of rounds is checked below
        parent = protect(parent_cells, thresholds, forced=forced)
        results, again = [], False
        for p, child in enumerate(children):
            row = parent.suppressed[p]
            known = np.zeros((child.shape[0] + 1, 5), dtype=bool)
            linked = np.zeros_like(known)
            known[-1], linked[-1] = ~row, row
            result = protect(child, thresholds, known=known, forced=linked)
            if result.upstream.any():
                forced[p] |= result.upstream[-1]
                again = True
            results.append(result)
        if not again:
            break
    assert not again
    assert_safe(parent)
    for p, result in enumerate(results):
        assert_safe(result)
        assert (result.values[-1] == parent.values[p]).all()
        assert (result.suppressed[-1] == parent.suppressed[p]).all()
    assert rounds > 1 and forced.any()  # a child sent figures up: the parent was protected again


# --- Many tables at once (protect_many) ------------------------------------------------------------------


def linked_masks(rng: np.random.Generator, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``known`` and ``forced`` as a parent gives them: its figures are the last column (and sometimes the
    last row); the non-zero ones it suppressed are forced, the others known."""
    extended = np.stack([with_margins(table) for table in cells])
    shared = np.zeros(extended.shape, dtype=bool)
    shared[:, :, -1] = True
    if rng.random() < 0.3:
        shared[:, -1, :] = True
    forced = shared & (rng.random(extended.shape) < 0.3) & (extended > 0)
    return shared & ~forced, forced


def random_tables(seed: int, count: int, rows: int, columns: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    cells = rng.poisson(rng.gamma(1.0, rng.choice([0.5, 2.0, 5.0, 20.0]), size=(count, rows, columns)))
    thresholds = rng.choice([1, 3, 5, 10], size=(count, rows, 1))
    known, forced = linked_masks(rng, cells) if rng.random() < 0.7 else (None, None)
    return cells, thresholds, known, forced


def same_as_one_by_one(cells, thresholds, known, forced) -> list[Protection]:
    many = protect_many(cells, thresholds, known=known, forced=forced)
    results = []
    for i in range(len(cells)):
        one = protect(
            cells[i],
            thresholds[i],
            known=None if known is None else known[i],
            forced=None if forced is None else forced[i],
        )
        for field in ("values", "reasons", "thresholds", "upstream"):
            assert (getattr(many[i], field) == getattr(one, field)).all(), (field, cells[i])
        results.append(many[i])
    return results


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 7), st.integers(1, 7))
def test_property_many_tables_at_once_are_protected_as_one_by_one(
    seed: int, count: int, rows: int, columns: int
) -> None:
    same_as_one_by_one(*random_tables(seed, count, rows, columns))


@pytest.mark.parametrize("seed", range(8))
def test_wide_tables_at_once_are_protected_as_one_by_one(seed: int) -> None:
    """More than 64 candidates along an axis: the search keeps the cheapest and the total."""
    same_as_one_by_one(*random_tables(seed, 3, 3, 70 + 3 * seed))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(table(2, (1, 5)), min_size=1, max_size=4), st.sampled_from([3, 5, 10]))
def test_property_many_tables_nothing_small_and_nothing_recoverable(tables, threshold: int) -> None:
    rows = max(t.shape[0] for t in tables)
    columns = max(t.shape[1] for t in tables)
    padded = np.zeros((len(tables), rows, columns), dtype=np.int64)
    for i, cells in enumerate(tables):
        padded[i, : cells.shape[0], : cells.shape[1]] = cells
    result = protect_many(padded, threshold)
    for i in range(len(tables)):
        assert_safe(result[i])


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_zero_rows_and_columns_padding_a_table_change_nothing(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cells = rng.poisson(rng.gamma(1.0, 4.0, size=(int(rng.integers(1, 6)), int(rng.integers(1, 6)))))
    thresholds = rng.choice([3, 5, 10], size=(cells.shape[0], 1))
    alone = protect(cells, thresholds)
    extra_rows, extra_columns = int(rng.integers(0, 4)), int(rng.integers(0, 4))
    padded = np.zeros((1, cells.shape[0] + extra_rows, cells.shape[1] + extra_columns), dtype=np.int64)
    padded[0, : cells.shape[0], : cells.shape[1]] = cells
    limits = np.ones((1, padded.shape[1], 1), dtype=np.int64)
    limits[0, : cells.shape[0]] = thresholds
    result = protect_many(padded, limits)[0]
    real = (
        np.r_[np.arange(cells.shape[0]), padded.shape[1]],
        np.r_[np.arange(cells.shape[1]), padded.shape[2]],
    )
    assert (result.reasons[np.ix_(*real)] == alone.reasons).all()
    assert not result.suppressed[: padded.shape[1], cells.shape[1] : padded.shape[2]].any()


def test_a_wide_row_of_small_cells_is_protected() -> None:
    """70 columns of 1s and 2s: the 64 cheapest partners of a cell are all unsafe; the total is not."""
    cells = np.array([[1, 2] * 35, [1] * 70])
    assert_safe(protect(cells))
    assert_safe(protect_many(cells[None])[0])


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_bridges_of_many_tables_at_once_are_those_of_each(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 5)), int(rng.integers(1, 8)), int(rng.integers(1, 8)))
    mask = rng.random(shape) < rng.random()
    bridges, label = _graph_many(mask)
    for i in range(shape[0]):
        assert (bridges[i] == _bridges(mask[i])).all()
        # rows and columns share a label exactly when the marked entries join them
        joined = label[i][:, None] == label[i][None, :]
        reach = np.eye(sum(shape[1:]), dtype=bool)
        reach[: shape[1], shape[1] :] |= mask[i]
        reach[shape[1] :, : shape[1]] |= mask[i].T
        for _ in range(sum(shape[1:])):
            reach = reach | (reach.astype(int) @ reach.astype(int) > 0)
        assert (joined == reach).all()


def test_many_tables_need_three_axes() -> None:
    with pytest.raises(Invalid) as raised:
        protect_many([[1, 2], [3, 4]])
    assert [issue.field for issue in raised.value.issues] == ["cells"]
    assert len(protect_many(np.zeros((0, 2, 3), dtype=np.int64))) == 0
