"""Bar charts that are tables: each row a label, its figure and a bar, server-rendered, no JavaScript.

A chart is an HTML ``<table>`` (so it is its own text equivalent, reads on a phone and prints), with the bar
drawn by a small inline SVG sized by the figure (the Content-Security-Policy allows no inline style). A
**suppressed** figure is never drawn as a bar of 0: its cell shows the disclosure marker and the word
"suppressed", its bar cell a hatched mark of no length; a zero shows "0" and no bar.
"""

from __future__ import annotations

from collections.abc import Sequence
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
