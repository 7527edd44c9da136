"""Bar charts that are tables (each row a label, its figure and a bar) and line charts (:func:`line_chart`:
SVG lines with their figures as a table beside), server-rendered, no JavaScript.

A chart is an HTML ``<table>`` (so it is its own text equivalent, reads on a phone and prints), with the bar
drawn by a small inline SVG sized by the figure (the Content-Security-Policy allows no inline style). A
**suppressed** figure is never drawn as a bar of 0: its cell shows the disclosure marker and the word
"suppressed", its bar cell a hatched mark of no length; a zero shows "0" and no bar.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from inklusi.disclosure import MARKER
from inklusi.i18n import Language, msg
from inklusi.web.maps import number

BAR_FILL = "#3182bd"


@dataclass(frozen=True)
class Bar:
    """One row: its label, the figure (None when suppressed), where the label links (optional) and an
    extra cell (a change since the previous run, say; None: empty)."""

    label: str
    value: int | None
    suppressed: bool = False
    href: str | None = None
    extra: str | None = None
    key: str = ""


def suppressed_cell(language: Language) -> str:
    """The cell of a suppressed figure: the marker, and in words what it means."""
    word = escape(msg("suppressed").render(language))
    return (
        f'<span class="suppressed-mark" title="{word}">{MARKER}</span> '
        f'<span class="suppressed-word">{word}</span>'
    )


def ranked(bars: Sequence[Bar]) -> list[Bar]:
    """Largest published figure first, then zeros, then the suppressed ones (their rank is unknown), each
    group by label."""
    return sorted(
        bars,
        key=lambda bar: (
            2 if bar.suppressed else (1 if not bar.value else 0),
            -(bar.value or 0),
            bar.label,
        ),
    )


def bar_table(
    bars: Sequence[Bar],
    *,
    caption: str,
    label_header: str,
    value_header: str,
    language: Language,
    extra_header: str | None = None,
    ident: str = "",
) -> str:
    """The bars as a table (markup, escaped). Bar lengths are relative to the largest published figure."""
    top = max((bar.value or 0 for bar in bars if not bar.suppressed), default=0) or 1
    head = [
        f'<th scope="col">{escape(label_header)}</th>',
        f'<th scope="col" class="num">{escape(value_header)}</th>',
    ]
    if extra_header is not None:
        head.append(f'<th scope="col" class="num">{escape(extra_header)}</th>')
    hidden = f'<span class="visually-hidden">{escape(value_header)}</span>'
    head.append(f'<th scope="col" class="bar">{hidden}</th>')
    rows = []
    for bar in bars:
        label = escape(bar.label)
        if bar.href:
            label = f'<a href="{escape(bar.href)}">{label}</a>'
        if bar.suppressed:
            figure = suppressed_cell(language)
            drawn = '<span class="hatch" aria-hidden="true"></span>'
        else:
            figure = number(bar.value, language) if bar.value is not None else "–"
            width = round(100 * (bar.value or 0) / top, 1)
            drawn = (
                '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
                f'focusable="false"><rect width="{width:g}" height="10" fill="{BAR_FILL}"/></svg>'
                if width > 0
                else ""
            )
        cells = [f'<th scope="row">{label}</th>', f'<td class="num">{figure}</td>']
        if extra_header is not None:
            cells.append(f'<td class="num">{escape(bar.extra or "")}</td>')
        cells.append(f'<td class="bar">{drawn}</td>')
        attributes = ' class="suppressed"' if bar.suppressed else ""
        if bar.key:
            attributes += f' data-key="{escape(bar.key)}"'
        rows.append(f"<tr{attributes}>{''.join(cells)}</tr>")
    table_id = f' id="{escape(ident)}"' if ident else ""
    return (
        f'<table class="bars"{table_id}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


# --- Line charts ----------------------------------------------------------------------------------------

LINE_COLOURS = ("#08519c", "#d95f02", "#1b9e77", "#7570b3")
"""Dark blue, orange, green, purple: told apart by people with the common colour-vision deficiencies; each
series also has its own dash pattern and marker, so no line is known by its colour alone."""
DASHES = ("", "6 3", "2 3", "8 3 2 3")
CHART_WIDTH, CHART_HEIGHT = 640, 300
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 64, 16, 12, 44


@dataclass(frozen=True)
class Series:
    """One line: its label and its points (x, y), in the order drawn."""

    label: str
    points: tuple[tuple[float, float], ...]


def _ticks(top: float, count: int = 5) -> list[float]:
    """``count`` + 1 evenly spaced ticks from 0 to a round number at or above ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(top / step - 1e-9) + 1)]


def line_chart(
    series: Sequence[Series],
    *,
    caption: str,
    x_label: str,
    y_label: str,
    x_format: Callable[[float], str],
    y_format: Callable[[float], str],
    ident: str,
    y_max: float | None = None,
) -> str:
    """Lines on axes from 0, as a ``<figure>``: the SVG (``role="img"``, every point titled with its
    figures), a legend, and the same figures as a table in a ``<details>`` (what screen readers and a
    printout use). Markup, every text escaped."""
    xs = sorted({x for line in series for x, _ in line.points})
    x_ticks = _ticks(max(xs, default=0.0))
    y_ticks = _ticks(y_max if y_max is not None else max((y for s in series for _, y in s.points), default=0))
    x_top, y_top = x_ticks[-1] or 1.0, y_ticks[-1] or 1.0
    inner_w = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM

    def px(x: float) -> float:
        return PAD_LEFT + inner_w * x / x_top

    def py(y: float) -> float:
        return PAD_TOP + inner_h * (1 - y / y_top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" viewBox="0 0 {CHART_WIDTH} '
        f'{CHART_HEIGHT}" role="img" aria-label="{escape(caption)}">'
    ]
    for y in y_ticks:
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{CHART_WIDTH - PAD_RIGHT}" y1="{py(y):.1f}" y2="{py(y):.1f}" '
            f'stroke="#d0d5da" stroke-width="1"/><text x="{PAD_LEFT - 6}" y="{py(y) + 4:.1f}" '
            f'text-anchor="end" font-size="11" fill="#333">{escape(y_format(y))}</text>'
        )
    for x in x_ticks:
        parts.append(
            f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{PAD_TOP + inner_h}" y2="{PAD_TOP + inner_h + 4}" '
            f'stroke="#5a6570"/><text x="{px(x):.1f}" y="{PAD_TOP + inner_h + 17}" text-anchor="middle" '
            f'font-size="11" fill="#333">{escape(x_format(x))}</text>'
        )
    parts.append(
        f'<line x1="{PAD_LEFT}" x2="{CHART_WIDTH - PAD_RIGHT}" y1="{PAD_TOP + inner_h}" '
        f'y2="{PAD_TOP + inner_h}" stroke="#5a6570"/>'
        f'<line x1="{PAD_LEFT}" x2="{PAD_LEFT}" y1="{PAD_TOP}" y2="{PAD_TOP + inner_h}" stroke="#5a6570"/>'
        f'<text x="{PAD_LEFT + inner_w / 2:.1f}" y="{CHART_HEIGHT - 6}" text-anchor="middle" font-size="12" '
        f'fill="#222">{escape(x_label)}</text>'
        f'<text transform="translate(14 {PAD_TOP + inner_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
        f'font-size="12" fill="#222">{escape(y_label)}</text>'
    )
    for index, line in enumerate(series):
        colour, dash = LINE_COLOURS[index % len(LINE_COLOURS)], DASHES[index % len(DASHES)]
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in line.points)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="series" data-series="{index}"><polyline points="{points}" fill="none" '
            f'stroke="{colour}" stroke-width="2"{dashed}/>'
        )
        for x, y in line.points:
            title = f"{line.label}: {x_format(x)} → {y_format(y)}"
            parts.append(
                f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(title)}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    legend = []
    for index, line in enumerate(series):
        dash = DASHES[index % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        legend.append(
            '<li><svg class="swatch" viewBox="0 0 20 10" aria-hidden="true" focusable="false">'
            f'<line x1="0" y1="5" x2="20" y2="5" stroke="{LINE_COLOURS[index % len(LINE_COLOURS)]}" '
            f'stroke-width="2"{dashed}/></svg>{escape(line.label)}</li>'
        )
    head = "".join(f'<th scope="col" class="num">{escape(line.label)}</th>' for line in series)
    rows = []
    for x in xs:
        cells = []
        for line in series:
            found = [y for px_, y in line.points if px_ == x]
            cells.append(f'<td class="num">{escape(y_format(found[0])) if found else "–"}</td>')
        rows.append(f'<tr><th scope="row">{escape(x_format(x))}</th>{"".join(cells)}</tr>')
    table = (
        f'<details class="chart-figures"><summary>{escape(caption)}</summary><div class="table-scroll">'
        f'<table><thead><tr><th scope="col">{escape(x_label)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></details>"
    )
    return (
        f'<figure class="line-figure" id="{escape(ident)}">{"".join(parts)}'
        f'<ul class="map-legend line-legend">{"".join(legend)}</ul><figcaption>{escape(caption)}</figcaption>'
        f"{table}</figure>"
    )
