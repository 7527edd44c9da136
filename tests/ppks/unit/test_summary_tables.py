"""The summary's tables built from stored cells (pure): order, published zeros, the level slice, changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from inklusi.ppks.publication import Thresholds
from inklusi.ppks.summary import Cell, Summary, child_level, level_of, level_tables, slices_of, tables

CATEGORIES = ("neglected_elderly", "homeless", "poor")


def test_tables_keep_the_taxonomy_and_slice_order_and_answer_zero_when_missing():
    cells = [
        ("flagged", "sex", "all", "female", 7, False),
        ("flagged", "sex", "poor", "all", None, True),
        ("flagged", "sex", "poor", "female", None, True),
        ("flagged", "sex", "homeless", "male", 6, False),
        ("flagged", "decile", "poor", "2", 5, False),  # not asked for: left out
    ]
    (sex,) = tables(cells, ("sex",), ("flagged",), CATEGORIES)
    assert sex.categories == ("homeless", "poor", "all") and sex.keys == ("male", "female", "all")
    assert sex.get("poor", "female") == Cell("poor", "female", None, True)
    assert sex.get("homeless", "female") == Cell("homeless", "female", 0, False)  # a published 0
    empty = tables([], ("sex", "child_area"), ("flagged", "verified"), CATEGORIES)
    assert [(t.slice, t.measure, t.cells) for t in empty] == [
        ("sex", "flagged", ()),
        ("child_area", "flagged", ()),
        ("sex", "verified", ()),
        ("child_area", "verified", ()),
    ]


def test_the_level_slice_takes_the_children_and_the_areas_own_totals():
    own = [
        ("flagged", "child_area", "poor", "32.73", 9, False),
        ("flagged", "child_area", "poor", "unknown", 1, False),
        ("flagged", "child_area", "poor", "all", 10, False),
        ("flagged", "sex", "poor", "all", 10, False),
    ]
    children = [("flagged", "child_area", "poor", "32.73.01", 9, False)]
    (deeper,) = level_tables(children, own, False, ("flagged",), CATEGORIES)
    assert deeper.slice == "level" and deeper.keys == ("32.73.01", "all")
    (direct,) = level_tables([c for c in own if c[1] == "child_area"], own, True, ("flagged",), CATEGORIES)
    assert direct.keys == ("32.73", "unknown", "all")


def test_levels_and_slices():
    assert [level_of(code) for code in ("ID", "32", "32.73", "32.73.01", "32.73.01.1001")] == [
        "national",
        "province",
        "regency",
        "district",
        "village",
    ]
    assert child_level("district") == "village" and child_level("village") is None
    assert slices_of("district", ("national", "district")) == ("sex", "age_group", "decile", "child_area")
    assert slices_of("regency", ("national",)) == ("child_area",)
    assert slices_of("village", ("national",)) == ()


def test_a_change_is_given_only_where_both_runs_published_the_figure():
    def sex(male: int, female: int | None):
        cells = [("flagged", "sex", "poor", "male", male, False)]
        cells.append(("flagged", "sex", "poor", "female", female, female is None))
        return tables(cells, ("sex",), ("flagged",), CATEGORIES)

    now, then = sex(8, None), sex(6, 5)
    summary = Summary(uuid4(), datetime.now(UTC), date.today(), "ID", "national", "province", CATEGORIES,
                      Thresholds(), now, uuid4(), then, ("flagged",))  # fmt: skip
    assert summary.change("sex", "flagged", "poor", "male") == 2
    assert summary.change("sex", "flagged", "poor", "female") is None  # suppressed now
    assert summary.change("sex", "flagged", "homeless", "male") == 0  # zero then and now
    assert summary.has("sex", "flagged") and not summary.has("decile", "flagged")
    with pytest.raises(KeyError):
        summary.table("decile", "flagged")
