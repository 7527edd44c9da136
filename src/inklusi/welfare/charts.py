"""Small inline SVG charts for the targeting report (no JavaScript, no CDN: the report works offline)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, MARGIN = 560, 300, 48
COLOURS = ("#1f5f8b", "#c0392b", "#27ae60", "#8e44ad", "#d35400")


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    return start + (value - low) / ((high - low) or 1.0) * (end - start)


def _axes(x_range, y_range, x_label: str, y_label: str, ticks: int = 5) -> list[str]:
    (x0, x1), (y0, y1) = x_range, y_range
    parts = [
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - 10}" y2="{HEIGHT - MARGIN}" '
        'stroke="#333"/>',
        f'<line x1="{MARGIN}" y1="10" x2="{MARGIN}" y2="{HEIGHT - MARGIN}" stroke="#333"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12">'
        f"{escape(x_label)}</text>",
        f'<text x="12" y="{HEIGHT / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 12 {HEIGHT / 2})">{escape(y_label)}</text>',
    ]
    for i in range(ticks + 1):
        xv, yv = x0 + (x1 - x0) * i / ticks, y0 + (y1 - y0) * i / ticks
        x = _scale(xv, x0, x1, MARGIN, WIDTH - 10)
        y = _scale(yv, y0, y1, HEIGHT - MARGIN, 10)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - MARGIN + 16}" text-anchor="middle" font-size="10">'
            f"{xv:.3g}</text>"
        )
        parts.append(
            f'<text x="{MARGIN - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="10">{yv:.3g}</text>'
        )
        parts.append(f'<line x1="{MARGIN}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" stroke="#eee"/>')
    return parts


def line_chart(
    series: dict[str, Sequence[tuple[float, float]]],
    x_label: str,
    y_label: str,
    *,
    diagonal: bool = False,
    points: bool = False,
) -> str:
    """Lines (or points) per named series; ``diagonal`` draws y = x (calibration)."""
    xs = [x for s in series.values() for x, _ in s]
    ys = [y for s in series.values() for _, y in s]
    x_range: tuple[float, float] = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_range: tuple[float, float] = (
        (min(0.0, min(ys)) if not diagonal else min(ys + xs), max(ys + (xs if diagonal else [])))
        if ys
        else (0, 1)
    )
    parts = _axes(x_range, y_range, x_label, y_label)
    if diagonal:
        low, high = max(x_range[0], y_range[0]), min(x_range[1], y_range[1])
        a = (_scale(low, *x_range, MARGIN, WIDTH - 10), _scale(low, *y_range, HEIGHT - MARGIN, 10))
        b = (_scale(high, *x_range, MARGIN, WIDTH - 10), _scale(high, *y_range, HEIGHT - MARGIN, 10))
        parts.append(
            f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
            'stroke="#999" stroke-dasharray="4"/>'
        )
    for index, (name, values) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        coords = [
            (_scale(x, *x_range, MARGIN, WIDTH - 10), _scale(y, *y_range, HEIGHT - MARGIN, 10))
            for x, y in values
        ]
        if points:
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in coords]
        else:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        parts.append(
            f'<text x="{WIDTH - 14}" y="{22 + 14 * index}" text-anchor="end" font-size="11" fill="{colour}">'
            f"{escape(name)}</text>"
        )
    return _svg(parts, f"{y_label} / {x_label}")


def bar_chart(bars: Sequence[tuple[str, float]], y_label: str) -> str:
    """Vertical bars with labels under them (e.g. provinces)."""
    top = max((v for _, v in bars), default=1.0) or 1.0
    parts = _axes((0, len(bars)), (0, top), "", y_label, ticks=4)[:2]
    width = (WIDTH - MARGIN - 10) / max(len(bars), 1)
    for index, (label, value) in enumerate(bars):
        x = MARGIN + index * width
        y = _scale(value, 0, top, HEIGHT - MARGIN, 10)
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{width - 2:.1f}" height="{HEIGHT - MARGIN - y:.1f}" '
            f'fill="{COLOURS[0]}"><title>{escape(label)}: {value:.3f}</title></rect>'
        )
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{HEIGHT - MARGIN + 12}" text-anchor="middle" font-size="8">'
            f"{escape(label)}</text>"
        )
    return _svg(parts, y_label)


def _svg(parts: list[str], title: str) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{escape(title)}">{body}</svg>'
    )
