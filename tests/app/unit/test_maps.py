"""The dashboard's server-rendered maps and bar tables (``inklusi.web.maps``, ``inklusi.web.charts``): paths
inside the view box, suppressed areas and bars marked as such (never drawn as a figure), links to drill
down, a legend for every kind of fill shown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from inklusi.disclosure import MARKER
from inklusi.web import charts, maps
from inklusi.wilayah import boundaries

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _coordinates(d: str) -> list[tuple[float, float]]:
    values = [float(v) for v in NUMBER.findall(d)]
    return list(zip(values[::2], values[1::2], strict=True))


def test_every_path_lies_inside_the_view_box_and_fills_it() -> None:
    for layer in (boundaries.provinces(), boundaries.regencies("32"), boundaries.regencies("81")):
        projection = maps.project(layer)
        assert set(projection.paths) == set(layer.codes())
        points = [p for d in projection.paths.values() for p in _coordinates(d)]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        assert min(xs) >= 0 and max(xs) <= projection.width
        assert min(ys) >= 0 and max(ys) <= projection.height
        assert projection.width <= maps.WIDTH and projection.height <= maps.MAX_HEIGHT
        # fitted: the features reach the margin on two opposite sides
        assert min(xs) <= maps.MARGIN + 1 or min(ys) <= maps.MARGIN + 1
        assert max(xs) >= projection.width - maps.MARGIN - 1 or max(ys) >= projection.height - maps.MARGIN - 1


def test_the_nation_is_wider_than_tall_and_north_is_up() -> None:
    projection = maps.project(boundaries.provinces())
    assert projection.width == maps.WIDTH and 250 < projection.height < 350  # about 46° by 17°
    aceh = _coordinates(projection.paths["11"])
    papua = _coordinates(projection.paths["94"])
    ntt = _coordinates(projection.paths["53"])
    assert max(x for x, _ in aceh) < min(x for x, _ in papua)  # west on the left
    assert max(y for _, y in aceh) < min(y for _, y in ntt)  # Aceh (5° N) above Nusa Tenggara Timur (9° S)


def test_paths_are_small_and_cached() -> None:
    layer = boundaries.regencies("32")
    assert maps.project(layer) is maps.project(layer)
    size = sum(len(d) for d in maps.project(layer).paths.values())
    assert size < 40_000, size  # Jawa Barat's 27 regencies: a few tens of kilobytes
    assert all(re.fullmatch(r"-?\d+(\.\d)?", v) for v in NUMBER.findall(maps.project(layer).paths["32.73"]))


def _values(layer: boundaries.Layer) -> dict[str, maps.AreaValue]:
    found = {}
    for index, feature in enumerate(layer.features):
        value = [0, 7, 40, 300, 2_500][index % 5]
        suppressed = index % 7 == 3
        found[feature.code] = maps.AreaValue(
            feature.code,
            feature.name,
            None if suppressed else value,
            suppressed=suppressed,
            href=f"/ppks/dashboard?area={feature.code}",
        )
    return found


def test_a_choropleth_marks_suppressed_areas_and_links_every_area() -> None:
    layer = boundaries.provinces()
    values = _values(layer)
    del values["31"]  # an area without figures
    svg = maps.choropleth(layer, values, label="Flagged people by province", language="en", ident="m")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Flagged people by province"
    assert root.get("viewBox") == maps.project(layer).view_box
    links = root.findall(f"{SVG}a")
    assert {a.get("href") for a in links} == {f"/ppks/dashboard?area={code}" for code in values}
    paths = {p.get("data-code"): p for p in root.iter(f"{SVG}path")}
    assert set(paths) == set(layer.codes())
    for link in links:
        code = link.get("href").rsplit("=", 1)[1]
        title = link.find(f"{SVG}title").text
        path = link.find(f"{SVG}path")
        assert title.startswith(values[code].name + ": ")
        if values[code].suppressed:
            assert "suppressed" in path.get("class") and path.get("fill") == "url(#m-hatch)"
            assert title.endswith(f"{MARKER} (suppressed)")
        else:
            assert "suppressed" not in path.get("class") and path.get("fill").startswith("#")
            assert title.endswith(maps.number(values[code].value, "en"))
    assert "no-data" in paths["31"].get("class") and paths["31"].find(f"{SVG}title").text.endswith("no data")
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "m-hatch"


def test_classes_are_quantiles_of_the_published_positive_values() -> None:
    assert maps.classes([]) == ()
    assert maps.classes([0, 0]) == ()
    assert maps.classes([5, 5, 5]) == (5,)
    assert maps.classes(list(range(1, 101))) == (20, 40, 60, 80, 100)
    assert maps.classes([3, 9, 120]) == (3, 9, 120)


def test_the_legend_has_an_entry_for_every_kind_shown() -> None:
    values = list(_values(boundaries.provinces()).values())
    entries = maps.legend(values, "id")
    kinds = [e.kind for e in entries]
    assert kinds.count("class") >= 2 and "zero" in kinds and "suppressed" in kinds and "no_data" not in kinds
    suppressed = next(e for e in entries if e.kind == "suppressed")
    assert suppressed.label.startswith(MARKER)
    html = maps.legend_html(entries, caption="Legend")
    assert html.count("<li") == len(entries) and 'class="hatch swatch"' in html
    clean = [maps.AreaValue("1", "a", 12), maps.AreaValue("2", "b", 40)]
    assert [e.kind for e in maps.legend(clean, "en")] == ["class", "class"]


def test_bars_mark_suppressed_figures_and_never_draw_them() -> None:
    bars = [
        charts.Bar("Lanjut usia", 40, href="/x?a=1", key="a"),
        charts.Bar("Tuna wisma <b>", None, suppressed=True, key="b"),
        charts.Bar("Anak jalanan", 0, key="c"),
        charts.Bar("Fakir miskin", 80, extra="+3", key="d"),
    ]
    html = charts.bar_table(
        charts.ranked(bars),
        caption="By category",
        label_header="Category",
        value_header="People",
        extra_header="Change",
        language="en",
    )
    root = ET.fromstring(html)
    rows = root.findall("tbody/tr")
    assert [r.get("data-key") for r in rows] == ["d", "a", "c", "b"]  # largest first, suppressed last
    widths = [r.find("td[@class='bar']/svg/rect") for r in rows]
    assert widths[0].get("width") == "100" and widths[1].get("width") == "50"
    assert widths[2] is None and widths[3] is None  # a zero and a suppressed figure have no bar
    suppressed = rows[3]
    assert suppressed.get("class") == "suppressed"
    assert suppressed.find("td[@class='num']/span[@class='suppressed-mark']").text == MARKER
    assert suppressed.find("td[@class='bar']/span").get("class") == "hatch"
    assert "Tuna wisma &lt;b&gt;" in html  # labels are escaped
    assert rows[1].find("th/a").get("href") == "/x?a=1"
    assert rows[0].findall("td")[1].text == "+3"
