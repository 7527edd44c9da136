"""Choropleth maps as server-rendered SVG: no JavaScript, no tiles, nothing from the internet.

:func:`project` turns a boundary layer (:mod:`inklusi.wilayah.boundaries`) into SVG path strings once per
layer and process (cached): an equirectangular projection corrected by the cosine of the layer's middle
latitude (fine for a country on the equator), fitted into a box of :data:`WIDTH` x at most
:data:`MAX_HEIGHT`, simplified to what a screen shows (Douglas-Peucker at :data:`TOLERANCE` px) and rounded to
a tenth of a unit, so a province's regency map stays a few tens of kilobytes.

:func:`choropleth` colours each area by the class of its value (:func:`classes`: up to five quantile classes
of the published positive values), draws a **suppressed** area hatched and grey, a zero light, an area
without data blank, and titles every area with its name and value (or "suppressed"). Each area links to its
drill-down. The SVG is ``role="img"`` with a label; its links are for the mouse only (``tabindex="-1"``):
the page puts a table with the same figures and links beside it, which is what keyboards and screen readers
use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from babel.numbers import format_decimal

from inklusi.disclosure import MARKER
from inklusi.i18n import BABEL_LOCALES, Language, msg
from inklusi.wilayah.boundaries import Layer, Ring

WIDTH = 800.0
MAX_HEIGHT = 560.0
MARGIN = 4.0
TOLERANCE = 0.35
"""Simplification tolerance in SVG units (a third of a pixel at full width)."""
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
"""Five sequential blues (light to dark), readable by people with the common colour-vision deficiencies."""
ZERO_FILL = "#f4f4f0"
NO_DATA_FILL = "#ffffff"
SUPPRESSED_FILL = "#b8b8b8"
STROKE = "#5a6570"


@dataclass(frozen=True)
class Projection:
    """A layer's outlines in SVG units: ``paths[code]`` is the ``d`` of that area's path."""

    width: float
    height: float
    paths: Mapping[str, str]

    @property
    def view_box(self) -> str:
        return f"0 0 {_n(self.width)} {_n(self.height)}"


@dataclass(frozen=True)
class AreaValue:
    """What the map shows for one area: its name, the figure (None when suppressed or unknown), whether it
    is suppressed, and where a click leads (None: no link)."""

    code: str
    name: str
    value: int | None
    suppressed: bool = False
    href: str | None = None


@dataclass(frozen=True)
class LegendEntry:
    fill: str
    label: str
    kind: str
    """``class``, ``zero``, ``suppressed`` or ``no_data``."""


def _n(value: float) -> str:
    """A coordinate with at most one decimal and no trailing ``.0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on one closed ring (first point == last point), iterative."""
    if len(points) <= 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    # A closed ring has a zero-length chord; split it at the point farthest from the start first.
    far = max(range(1, len(points) - 1), key=lambda i: math.dist(points[0], points[i]))
    keep[far] = True
    stack = [(0, far), (far, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        (x1, y1), (x2, y2) = points[start], points[end]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, worst_at = -1.0, -1
        for i in range(start + 1, end):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - x1, py - y1)
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            if distance > worst:
                worst, worst_at = distance, i
        if worst > tolerance:
            keep[worst_at] = True
            stack += [(start, worst_at), (worst_at, end)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _ring_path(ring: Ring, transform: Callable[[float, float], tuple[float, float]]) -> str:
    projected = [transform(lon, lat) for lon, lat in ring]
    simplified = _simplify(projected, TOLERANCE)
    rounded: list[str] = []
    for x, y in simplified:
        pair = f"{_n(x)},{_n(y)}"
        if not rounded or rounded[-1] != pair:
            rounded.append(pair)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(set(rounded)) < 3:
        return ""
    return "M" + rounded[0] + "L" + " ".join(rounded[1:]) + "Z"


@lru_cache(maxsize=64)
def project(layer: Layer) -> Projection:
    """The layer's outlines fitted into the map's box; computed once per layer."""
    points = [
        point
        for feature in layer.features
        for polygon in feature.polygons
        for ring in polygon
        for point in ring
    ]
    if not points:
        return Projection(WIDTH, WIDTH / 2, {})
    lons = [lon for lon, _ in points]
    lats = [lat for _, lat in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x = max((east - west) * squeeze, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    width = span_x * scale + 2 * MARGIN
    height = span_y * scale + 2 * MARGIN

    def transform(lon: float, lat: float) -> tuple[float, float]:
        return (MARGIN + (lon - west) * squeeze * scale, MARGIN + (north - lat) * scale)

    paths: dict[str, str] = {}
    for feature in layer.features:
        rings = [_ring_path(ring, transform) for polygon in feature.polygons for ring in polygon]
        kept = "".join(ring for ring in rings if ring)
        if not kept:  # an islet smaller than the tolerance: keep its outer ring unsimplified
            first = feature.polygons[0][0]
            kept = "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in (transform(*p) for p in first)) + "Z"
        paths[feature.code] = kept
    return Projection(width, height, paths)


def classes(values: Sequence[int], count: int = len(PALETTE)) -> tuple[int, ...]:
    """Upper bounds of up to ``count`` quantile classes of the positive values (each bound a value that
    occurs; the last is the largest). No positive value: no class."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return ()
    bounds: list[int] = []
    for k in range(1, count + 1):
        bound = positive[max(0, math.ceil(k * len(positive) / count) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return tuple(bounds)


def _class_fill(index: int, count: int) -> str:
    """The colour of class ``index`` of ``count``: spread over the palette, light to dark."""
    if count <= 1:
        return PALETTE[len(PALETTE) // 2]
    return PALETTE[round(index * (len(PALETTE) - 1) / (count - 1))]


def _fill(value: int | None, suppressed: bool, bounds: tuple[int, ...], hatch: str) -> tuple[str, str]:
    if suppressed:
        return f"url(#{hatch})", "suppressed"
    if value is None:
        return NO_DATA_FILL, "no-data"
    if value == 0 or not bounds:
        return ZERO_FILL, "zero"
    index = next((i for i, bound in enumerate(bounds) if value <= bound), len(bounds) - 1)
    return _class_fill(index, len(bounds)), f"k{index}"


def number(value: int, language: Language) -> str:
    return format_decimal(value, locale=BABEL_LOCALES[language])


def shown(area: AreaValue, language: Language) -> str:
    """The figure as a title or a cell says it: the number, or the marker and the word "suppressed"."""
    if area.suppressed:
        return msg("{marker} (suppressed)", marker=MARKER).render(language)
    if area.value is None:
        return msg("no data").render(language)
    return number(area.value, language)


def legend(values: Sequence[AreaValue], language: Language) -> tuple[LegendEntry, ...]:
    """The legend of a choropleth of these values: its classes, then zero, suppressed and no data where
    they occur."""
    published = [a.value for a in values if not a.suppressed and a.value is not None]
    bounds = classes(published)
    entries: list[LegendEntry] = []
    low = min((v for v in published if v > 0), default=1)
    for index, bound in enumerate(bounds):
        label = number(bound, language)
        if low < bound:
            label = f"{number(low, language)}–{label}"
        entries.append(LegendEntry(_class_fill(index, len(bounds)), label, "class"))
        low = bound + 1
    if any(v == 0 for v in published):
        entries.append(LegendEntry(ZERO_FILL, "0", "zero"))
    if any(a.suppressed for a in values):
        word = msg("{marker} suppressed", marker=MARKER).render(language)
        entries.append(LegendEntry(SUPPRESSED_FILL, word, "suppressed"))
    if any(a.value is None and not a.suppressed for a in values):
        entries.append(LegendEntry(NO_DATA_FILL, msg("no data").render(language), "no_data"))
    return tuple(entries)


def hatch_pattern(ident: str) -> str:
    """The hatching of a suppressed figure, as an SVG ``<pattern>`` with this id."""
    return (
        f'<pattern id="{ident}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{SUPPRESSED_FILL}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#4a4a4a" stroke-width="2"/></pattern>'
    )


def choropleth(
    layer: Layer, values: Mapping[str, AreaValue], *, label: str, language: Language, ident: str = "map"
) -> str:
    """The layer's areas coloured by their value, as an ``<svg>`` element (a string of markup, escaped).
    ``values`` is by area code; an area of the layer without one is drawn as "no data"."""
    projection = project(layer)
    hatch = f"{ident}-hatch"
    bounds = classes([v.value for v in values.values() if not v.suppressed and v.value is not None])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(ident)}" class="map" '
        f'viewBox="{projection.view_box}" role="img" aria-label="{escape(label)}">',
        f"<defs>{hatch_pattern(hatch)}</defs>",
    ]
    for feature in layer.features:
        d = projection.paths.get(feature.code)
        if not d:
            continue
        area = values.get(feature.code) or AreaValue(feature.code, feature.name, None)
        fill, kind = _fill(area.value, area.suppressed, bounds, hatch)
        title = f"<title>{escape(area.name)}: {escape(shown(area, language))}</title>"
        path = (
            f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="{STROKE}" stroke-width="0.6" '
            f'class="area {kind}" data-code="{escape(feature.code)}"'
        )
        if area.href:
            parts.append(f'<a href="{escape(area.href)}" tabindex="-1">{title}{path}/></a>')
        else:
            parts.append(f"{path}>{title}</path>")
    parts.append("</svg>")
    return "".join(parts)


def legend_html(entries: Sequence[LegendEntry], *, caption: str) -> str:
    """The legend as a list under the map: a swatch and a label per entry (hatching for suppressed)."""
    items = []
    for entry in entries:
        if entry.kind == "suppressed":
            swatch = '<span class="hatch swatch" aria-hidden="true"></span>'
        else:
            swatch = (
                '<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
                f'<rect width="10" height="10" fill="{entry.fill}" stroke="{STROKE}" stroke-width="1"/></svg>'
            )
        items.append(f'<li class="legend-{entry.kind}">{swatch}{escape(entry.label)}</li>')
    return f'<ul class="map-legend" aria-label="{escape(caption)}">{"".join(items)}</ul>'
