"""The budget curve's line chart (``inklusi.web.charts.line_chart``) and the outcome's figures as the
programme pages show them: lines where the figures put them, every point titled, the same figures in a table,
text escaped, and amounts in Rupiah in the page's language."""

from __future__ import annotations

import re

from inklusi.programmes.web.results import coverage, decile_bars, figures, rupiah, rupiah_short, share
from inklusi.web.charts import Series, _ticks, line_chart


def chart(**overrides) -> str:
    arguments = {
        "caption": "Curve <1>",
        "x_label": "Budget",
        "y_label": "Coverage",
        "x_format": lambda v: f"{v:g}",
        "y_format": lambda v: f"{round(100 * v)}%",
        "ident": "curve",
        "y_max": 1.0,
    }
    series = [
        Series("Poorest 10 %", ((0, 0.0), (50, 0.5), (100, 1.0))),
        Series("<b>", ((0, 0.0), (100, 0.25))),
    ]
    return line_chart(series, **(arguments | overrides))


def test_ticks_are_round_and_reach_the_top():
    assert _ticks(7.3e9) == [0, 2e9, 4e9, 6e9, 8e9]
    assert _ticks(100) == [0, 20, 40, 60, 80, 100]
    assert _ticks(0) == [0.0, 1.0]


def test_points_sit_where_their_figures_say():
    svg = chart()
    first = re.search(r'<g class="series" data-series="0"><polyline points="([^"]+)"', svg).group(1)
    points = [tuple(map(float, p.split(","))) for p in first.split()]
    (x0, y0), (x1, y1), (x2, y2) = points
    assert x0 < x1 < x2 and y0 > y1 > y2  # rising: SVG's y grows downwards
    assert abs((x1 - x0) - (x2 - x1)) < 0.2 and abs((y0 - y1) - (y1 - y2)) < 0.2  # a straight line
    assert svg.count("<circle") == 5 and "<title>Poorest 10 %: 50 → 50%</title>" in svg
    assert 'stroke-dasharray="6 3"' in svg  # the second line is dashed: not told apart by colour alone


def test_the_figures_are_also_a_table_and_text_is_escaped():
    svg = chart()
    table = re.search(r"<table>(.*)</table>", svg, re.S).group(1)
    assert re.findall(r'<th scope="row">([^<]+)</th>', table) == ["0", "50", "100"]
    row_50 = re.search(r'<th scope="row">50</th>(.*?)</tr>', table).group(1)
    assert re.findall(r">([^<]*)</td>", row_50) == ["50%", "–"]  # the second series has no point at 50
    assert "<b>" not in svg and "&lt;b&gt;" in svg and 'aria-label="Curve &lt;1&gt;"' in svg


def test_amounts_and_shares_in_both_languages():
    assert rupiah(2_400_000, "id") == "Rp 2.400.000" and rupiah(2_400_000, "en") == "Rp 2,400,000"
    assert rupiah_short(3.4e9, "id") == "Rp 3,4\xa0M" and rupiah_short(3.4e9, "en") == "Rp 3.4bn"
    assert share(0.375, "id") == "37,5 %" and share(0.375, "en") == "37.5 %" and share(None, "en") == "–"


OUTCOME = {
    "budget": None,
    "eligible": 120,
    "beneficiaries": 80,
    "people": 310,
    "cost": 192_000_000.0,
    "expected_inclusion_error": 0.25,
    "expected_exclusion_error": None,
    "coverage_poorest": {"10": 0.9, "20": 0.7, "40": 0.5},
    "by_decile": [
        {"decile": None, "households": 5, "beneficiaries": 0, "cost": 0.0},
        {"decile": 2, "households": 30, "beneficiaries": 30, "cost": 1.0},
        {"decile": 1, "households": 50, "beneficiaries": 50, "cost": 1.0},
    ],
}


def test_the_key_figures_of_an_outcome():
    shown = {f.key: f.value for f in figures(OUTCOME, "en")}
    assert (
        shown["budget"] == "no limit" and shown["beneficiaries"] == "80" and shown["cost"] == "Rp 192,000,000"
    )
    assert shown["expected_inclusion_error"] == "25.0 %" and "expected_exclusion_error" not in shown
    assert shown["coverage_40"] == "50.0 %" and coverage(OUTCOME, 10) == 0.9
    assert {f.key: f.value for f in figures(OUTCOME, "id")}["budget"] == "tanpa batas"


def test_deciles_in_order_with_the_unranked_last():
    table = str(decile_bars(OUTCOME, "en", "r"))
    assert re.findall(r'data-key="([^"]+)"', table) == ["1", "2", "unranked"]
    assert "Not ranked" in table
