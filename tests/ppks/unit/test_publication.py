"""The published PPKS figures: protection per sensitivity, linked area tables, change since the last run."""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pytest

from inklusi.disclosure import exposed
from inklusi.errors import Invalid
from inklusi.ppks.aggregates import CUBE_SCHEMA, LEVELS, MEASURES, NATIONAL, UNKNOWN
from inklusi.ppks.changes import compare
from inklusi.ppks.publication import ALL, CHILD_AREA, SCHEMA, SLICES, Thresholds, publish
from inklusi.ppks.taxonomy import categories, category

VILLAGES = (
    "11.01.01.2001",
    "11.01.01.2002",
    "11.01.02.2001",
    "11.02.01.2001",
    "12.01.01.2001",
    "12.01.01.2002",
)
CATEGORIES = ("poor", "neglected_elderly", "persons_with_disabilities", "people_living_with_hiv")
KEYS = ("category", "sex", "age_group", "decile")


def make_cube(records: dict[tuple[str, ...], tuple[int, ...]]) -> pa.Table:
    """A cube from (village, category, sex, age group, decile) -> measures, rolled up as rollup() does."""
    rows: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for (village, *keys), values in records.items():
        for index, (level, width) in enumerate(LEVELS):
            area = NATIONAL if width == 0 else village[:width]
            previous = LEVELS[index - 1][1] if index else None
            parent = None if previous is None else NATIONAL if previous == 0 else village[:previous]
            entry = rows[(level, area, parent or "", *keys)]
            for i, value in enumerate(values):
                entry[i] += value
    columns: dict[str, list[object]] = {name: [] for name in CUBE_SCHEMA.names}
    for (level, area, parent, *keys), counts in rows.items():
        columns["level"].append(level)
        columns["area_code"].append(area)
        columns["parent_code"].append(parent or None)
        for name, key in zip(KEYS, keys, strict=True):
            columns[name].append(key)
        for name, count in zip(MEASURES, counts, strict=True):
            columns[name].append(count)
    return pa.table(columns, schema=CUBE_SCHEMA)


def random_records(seed: int, people: int) -> dict[tuple[str, ...], tuple[int, ...]]:
    rng = random.Random(seed)
    records: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for _ in range(people):
        key = (
            rng.choice(VILLAGES),
            rng.choice(CATEGORIES),
            rng.choice(SLICES["sex"][:2]),
            rng.choice(SLICES["age_group"][:4]),
            rng.choice(SLICES["decile"]),
        )
        unmet = rng.random() < 0.7
        entry = records[key]
        for i, value in enumerate(
            (1, int(rng.random() < 0.3), int(unmet), int(unmet and rng.random() < 0.5), 0)
        ):
            entry[i] += value
    return {key: tuple(values) for key, values in records.items()}


def figures(published: pa.Table) -> dict[tuple[str, ...], tuple[int | None, bool]]:
    return {
        (r["level"], r["area_code"], r["slice"], r["category"], r["key"], r["measure"]): (
            r["value"],
            r["suppressed"],
        )
        for r in published.to_pylist()
    }


def test_thresholds_follow_the_sensitivity_of_the_category() -> None:
    def reasons(records: dict[tuple[str, ...], tuple[int, ...]], **options: Thresholds) -> dict[str, str]:
        published = publish(make_cube(records), categories(), *options.values())
        return {
            str(r["category"]): str(r["reason"])
            for r in published.to_pylist()
            if r["level"] == "national"
            and r["slice"] == "sex"
            and r["key"] == "male"
            and r["measure"] == "flagged"
        }

    def seven_and_twenty(code: str) -> dict[tuple[str, ...], tuple[int, ...]]:
        return {
            ("11.01.01.2001", code, "male", "18-59", "1"): (7, 0, 0, 0, 0),
            ("11.01.01.2001", code, "female", "18-59", "1"): (20, 0, 0, 0, 0),
        }

    assert category("poor").sensitivity.value == "personal"
    assert category("people_living_with_hiv").sensitivity.value == "sensitive"
    assert reasons(seven_and_twenty("poor"))["poor"] == "published"  # personal: 5
    assert reasons(seven_and_twenty("people_living_with_hiv"))["people_living_with_hiv"] == "primary"  # 10
    stricter = reasons(seven_and_twenty("poor"), thresholds=Thresholds(sensitive=10, personal=8))
    assert stricter["poor"] == "primary"
    looser = reasons(
        seven_and_twenty("people_living_with_hiv"), thresholds=Thresholds(sensitive=6, personal=5)
    )
    assert looser["people_living_with_hiv"] == "published"


@pytest.mark.parametrize("seed", range(6))
def test_no_published_figure_is_small_and_no_suppressed_one_can_be_recovered(seed: int) -> None:
    published = publish(make_cube(random_records(seed, 60 + 40 * seed)), categories())
    limit = {c.code: Thresholds().of(c) for c in categories()}
    rows = published.to_pylist()
    assert rows, "the random population publishes something"
    tables: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        if not row["suppressed"]:
            value = row["value"]
            assert isinstance(value, int) and value >= 0
            if row["category"] != ALL:
                assert not 1 <= value < limit[str(row["category"])], row
            else:  # a total over categories holds the largest threshold of its rows
                assert value >= 5 or value == 0, row
        else:
            assert row["value"] is None and row["reason"] in ("primary", "complementary", "linked")
        tables[(row["area_code"], row["slice"], row["measure"])].append(row)
    for entries in tables.values():
        hidden = [e for e in entries if e["suppressed"]]
        if not hidden:
            continue
        rows_ = [*sorted({str(e["category"]) for e in entries} - {ALL}), ALL]
        keys = [*sorted({str(e["key"]) for e in entries} - {ALL}), ALL]
        mask = np.zeros((len(rows_), len(keys)), dtype=bool)
        for e in hidden:
            mask[rows_.index(str(e["category"])), keys.index(str(e["key"]))] = True
        assert not exposed(mask).any()  # zero rows and columns left out change nothing: zeros are published


@pytest.mark.parametrize("seed", range(4))
def test_an_area_shows_the_same_figures_in_its_tables_and_in_its_parents(seed: int) -> None:
    published = publish(make_cube(random_records(100 + seed, 150)), categories())
    out = figures(published)
    by_area: dict[tuple[str, str, str, str], set[tuple[int | None, bool]]] = defaultdict(set)
    for (level, area, slice_, cat, key, measure), value in out.items():
        if key == UNKNOWN:
            continue
        if (key == ALL and slice_ != CHILD_AREA) or (slice_ == CHILD_AREA and key != ALL):
            figure_area = area if key == ALL else key
            by_area[(figure_area, cat, measure, level if key == ALL else "")].add(value)
    merged: dict[tuple[str, str, str], set[tuple[int | None, bool]]] = defaultdict(set)
    for (area, cat, measure, _), values in by_area.items():
        merged[(area, cat, measure)] |= values
    assert merged
    for shared, values in merged.items():
        assert len(values) == 1, (shared, values)  # one value, one suppression status, wherever it appears


def test_the_tables_add_up_and_villages_appear_in_their_districts_table() -> None:
    records = random_records(7, 400)
    out = figures(publish(make_cube(records), categories(), Thresholds(sensitive=1, personal=1)))
    assert all(not hidden for _, hidden in out.values())  # threshold 1 suppresses nothing
    total = sum(values[0] for values in records.values())
    assert out[("national", NATIONAL, "sex", ALL, ALL, "flagged")] == (total, False)
    provinces = sum(
        int(value or 0)
        for (level, area, slice_, cat, key, measure), (value, _) in out.items()
        if level == "national" and slice_ == CHILD_AREA and cat == ALL and key != ALL and measure == "flagged"
    )
    assert provinces == total
    village = VILLAGES[0]
    in_village = sum(v[0] for k, v in records.items() if k[0] == village)
    assert out[("district", village[:8], CHILD_AREA, ALL, village, "flagged")] == (in_village, False)
    assert not any(level == "village" and slice_ != CHILD_AREA for level, _, slice_, *_ in out)


def test_publication_is_deterministic_sorted_and_typed() -> None:
    cube = make_cube(random_records(3, 200))
    first, second = publish(cube, categories()), publish(cube, categories())
    assert first.schema == SCHEMA and first.equals(second)
    shuffled = cube.take(np.random.default_rng(1).permutation(cube.num_rows))
    assert publish(shuffled, categories()).equals(first)


def test_unknown_categories_and_measures_are_refused() -> None:
    cube = make_cube({("11.01.01.2001", "not_a_category", "male", "60+", "1"): (3, 0, 0, 0, 0)})
    with pytest.raises(Invalid):
        publish(cube, categories())
    with pytest.raises(Invalid):
        publish(make_cube(random_records(1, 10)), categories(), measures=["people"])


def test_change_since_the_previous_run_uses_published_figures_only() -> None:
    before = make_cube(
        {
            ("11.01.01.2001", "poor", "male", "18-59", "1"): (30, 0, 0, 0, 0),
            ("11.01.01.2001", "poor", "female", "18-59", "1"): (2, 0, 0, 0, 0),
            ("11.01.01.2001", "neglected_elderly", "female", "60+", "1"): (40, 0, 0, 0, 0),
        }
    )
    after = make_cube(
        {
            ("11.01.01.2001", "poor", "male", "18-59", "1"): (35, 0, 0, 0, 0),
            ("11.01.01.2001", "poor", "female", "18-59", "1"): (30, 0, 0, 0, 0),
            ("11.01.01.2001", "vulnerable_women", "female", "18-59", "1"): (12, 0, 0, 0, 0),
        }
    )
    changes = {
        (r["level"], r["slice"], r["category"], r["key"], r["measure"]): (
            r["previous"],
            r["current"],
            r["change"],
        )
        for r in compare(publish(before, categories()), publish(after, categories())).to_pylist()
        if r["level"] == "national"
    }
    assert (
        changes[("national", "sex", "poor", "male", "flagged")][2] is None
    )  # suppressed before (complement)
    assert changes[("national", "sex", "poor", "female", "flagged")] == (None, 30, None)
    assert changes[("national", "sex", "neglected_elderly", "female", "flagged")] == (40, 0, -40)
    assert changes[("national", "sex", "vulnerable_women", "female", "flagged")] == (0, 12, 12)
    with pytest.raises(Invalid):
        compare(pa.table({"level": ["national"]}), publish(after, categories()))


def assert_protected(published: pa.Table) -> None:
    """No published figure between 1 and its threshold - 1, no suppressed one exposed in its table, and
    every area's figures the same in its tables and in its parent's."""
    limit = {c.code: Thresholds().of(c) for c in categories()}
    tables: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    shared: dict[tuple[str, str, str], set[tuple[object, object]]] = defaultdict(set)
    for row in published.to_pylist():
        value, category_ = row["value"], str(row["category"])
        if not row["suppressed"]:
            assert isinstance(value, int)
            assert not 1 <= value < (limit[category_] if category_ != ALL else 5), row
        tables[(row["measure"], row["area_code"], row["slice"])].append(row)
        if row["key"] == ALL:
            shared[(row["area_code"], category_, row["measure"])].add((value, row["suppressed"]))
        elif row["slice"] == CHILD_AREA and row["key"] != UNKNOWN:
            shared[(row["key"], category_, row["measure"])].add((value, row["suppressed"]))
    for entries in tables.values():
        rows = sorted({str(e["category"]) for e in entries})
        keys = sorted({str(e["key"]) for e in entries})
        mask = np.zeros((len(rows), len(keys)), dtype=bool)
        for e in entries:
            mask[rows.index(str(e["category"])), keys.index(str(e["key"]))] = bool(e["suppressed"])
        assert not exposed(mask).any()  # the bridge test: which position is the total does not matter
    assert all(len(values) == 1 for values in shared.values())


@pytest.mark.parametrize(("villages", "seed"), [(20, 1), (40, 2), (70, 3)])
def test_a_district_of_many_villages_is_protected_like_any(villages: int, seed: int) -> None:
    """Wide child-area tables: padded to a common width with others, and past 64 columns the search
    for complements keeps the cheapest candidates and the total."""
    rng = random.Random(seed)
    places = [f"11.01.01.{2001 + i}" for i in range(villages)] + ["11.01.02.2001", "12.01.01.2001"]
    records: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for _ in range(villages * 12):
        key = (
            rng.choice(places),
            rng.choice(CATEGORIES),
            rng.choice(SLICES["sex"][:2]),
            rng.choice(SLICES["age_group"][:4]),
            rng.choice(SLICES["decile"]),
        )
        records[key][0] += 1
        records[key][2] += int(rng.random() < 0.6)
    cube = make_cube({key: tuple(values) for key, values in records.items()})
    published = publish(cube, categories(), measures=["flagged", "unmet_need"])
    district = [r for r in published.to_pylist() if r["area_code"] == "11.01.01" and r["slice"] == CHILD_AREA]
    assert {r["key"] for r in district} >= {places[0], places[villages - 1], ALL}
    assert any(r["suppressed"] for r in district)
    assert_protected(published)
