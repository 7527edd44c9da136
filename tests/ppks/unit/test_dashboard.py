"""The planner dashboard's view of a summary (``inklusi.ppks.dashboard``) and its export files: the figures
the page shows, the defaults, the change since the previous run only where both are published, and exports in
which a suppressed figure is the disclosure marker, never its count, and text is never a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from uuid import uuid4

import openpyxl

from inklusi.disclosure import MARKER
from inklusi.ppks.dashboard import EXPORT_HEADER, build, default_category, export_rows
from inklusi.ppks.model import Sensitivity
from inklusi.ppks.publication import Thresholds
from inklusi.ppks.summary import Cell, Summary, SummaryTable
from inklusi.ppks.taxonomy import categories
from inklusi.spreadsheets import Sheet, csv_bytes, xlsx_bytes

PERSONAL = tuple(c.code for c in categories() if c.sensitivity is Sensitivity.personal)
EVERY = tuple(c.code for c in categories())
SECRET = 4  # a suppressed count: it must never appear


def _table(slice_: str, measure: str, cells: list[tuple[str, str, int | None]]) -> SummaryTable:
    return SummaryTable(
        slice_, measure, tuple(Cell(c, k, v if v != SECRET else None, v == SECRET) for c, k, v in cells)
    )


def _national(*, sensitive: bool = False, previous: bool = False) -> Summary:
    """The nation: poor people in Jawa Barat (120) and DKI Jakarta (a suppressed 4), homeless people (30,
    all in Jawa Barat); with ``sensitive``, HIV (12) and the ``all`` rows."""
    flagged = [
        ("poor", "32", 120), ("poor", "31", SECRET), ("poor", "all", 130),
        ("homeless", "32", 30), ("homeless", "all", 30),
    ]  # fmt: skip
    sex = [("poor", "female", 70), ("poor", "male", 60), ("poor", "all", 130), ("homeless", "male", 30)]
    if sensitive:
        flagged += [("people_living_with_hiv", "32", 12), ("people_living_with_hiv", "all", 12)]
        flagged += [("all", "32", 162), ("all", "31", SECRET), ("all", "all", 172)]
    unmet = [("poor", "32", 100), ("poor", "31", SECRET), ("poor", "all", 104)]
    tables = (
        _table("child_area", "flagged", flagged),
        _table("sex", "flagged", sex),
        _table("age_group", "flagged", [("poor", "18-59", 130), ("poor", "unknown", 0)]),
        _table("decile", "flagged", [("poor", "1", 90), ("poor", "2", 40)]),
        _table("child_area", "unmet_need", unmet),
    )
    before = (
        _table("child_area", "flagged", [("poor", "32", 100), ("poor", "31", 10), ("poor", "all", 112)]),
    )
    return Summary(
        run_id=uuid4(),
        computed_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
        reference_date=date(2026, 11, 30),
        area_code="ID",
        level="national",
        child_level="province",
        categories=EVERY if sensitive else PERSONAL,
        thresholds=Thresholds(10, 5),
        tables=tables,
        previous_run_id=uuid4() if previous else None,
        previous=before if previous else (),
        measures=("flagged", "unmet_need"),
        sensitive=sensitive,
    )


def test_a_planner_sees_the_largest_category_by_default_and_never_a_total() -> None:
    summary = _national()
    assert default_category(summary, "flagged") == "poor"
    view = build(summary, measure=None, category=None, language="en", children=["31", "32", "33"],
                 names={"31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah"})  # fmt: skip
    assert (view.measure, view.category, view.category_label) == (
        "flagged",
        "poor",
        "Poor and destitute people",
    )
    assert [f.key for f in view.by_category.figures] == ["homeless", "poor"]  # taxonomy order, no "all"
    assert [code for code, _ in view.categories] == list(PERSONAL)
    children = {f.key: f for f in view.children.figures}
    assert children["32"].value == 120 and children["33"].value == 0  # a missing entry is a published 0
    assert children["31"].suppressed and children["31"].value is None
    assert [f.key for f in view.needs.figures] == ["flagged", "unmet_need"]
    assert [f.value for f in view.needs.figures] == [130, 104]
    sections = [s.name for s in view.breakdowns]
    assert sections == ["age_group", "sex", "decile"]
    age = {f.key: f.value for f in view.breakdowns[0].figures}
    assert "unknown" in age  # a stored entry (here 0 stands in for one) is shown
    sex = view.breakdowns[1]
    assert [f.key for f in sex.figures] == ["male", "female"]  # unknown: a published 0, left out
    assert [f.label for f in sex.figures] == ["Male", "Female"]


def test_a_hidden_or_unknown_choice_falls_back_to_the_default() -> None:
    summary = _national()
    for asked in ("people_living_with_hiv", "all", "nonsense"):
        assert build(summary, measure="nonsense", category=asked, language="id").category == "poor"
    assert build(summary, measure="unmet_need", category="homeless", language="id").measure == "unmet_need"


def test_a_caller_who_sees_every_category_starts_with_the_total() -> None:
    view = build(_national(sensitive=True), measure=None, category=None, language="id")
    assert view.category == "all" and view.categories[0] == ("all", "Semua kategori")
    assert [f.key for f in view.by_category.figures] == ["homeless", "people_living_with_hiv", "poor", "all"]
    assert view.by_category.figures[-1].value == 172


def test_changes_only_where_both_runs_published_the_figure() -> None:
    view = build(
        _national(previous=True), measure="flagged", category="poor", language="en", children=["31", "32"]
    )
    assert view.has_previous
    changes = {f.key: f.change for f in view.children.figures}
    assert changes == {"31": None, "32": 20}  # 31 is suppressed now: no change shown next to it
    assert view.needs.figures[0].change == 18


def test_a_village_is_its_column_in_its_districts_table() -> None:
    district = Summary(
        run_id=uuid4(), computed_at=datetime(2026, 12, 1, tzinfo=UTC), reference_date=date(2026, 11, 30),
        area_code="32.73.01", level="district", child_level="village", categories=PERSONAL,
        thresholds=Thresholds(10, 5),
        tables=(_table("child_area", "flagged", [
            ("poor", "32.73.01.1001", 9), ("poor", "32.73.01.1002", SECRET),
            ("homeless", "32.73.01.1002", SECRET), ("poor", "all", 13),
        ]),),
        previous_run_id=None, previous=(), measures=("flagged",),
    )  # fmt: skip
    view = build(district, measure=None, category=None, language="en", column="32.73.01.1002",
                 area_code="32.73.01.1002", level="village")  # fmt: skip
    assert (view.area_code, view.level, view.children, view.breakdowns) == (
        "32.73.01.1002",
        "village",
        None,
        (),
    )
    assert [(f.key, f.value, f.suppressed) for f in view.by_category.figures] == [
        ("homeless", None, True),
        ("poor", None, True),
    ]


def test_the_export_holds_the_page_figures_with_the_marker_for_suppressed_ones() -> None:
    view = build(_national(previous=True), measure=None, category=None, language="en", children=["31", "32"],
                 names={"31": "DKI Jakarta", "32": "=HYPERLINK(\"http://evil\")"})  # fmt: skip
    rows = export_rows(view, area_name="Indonesia", reference_date=date(2026, 11, 30), language="en")
    shown = sum(len(s.figures) for s in view.sections())
    assert len(rows) == shown
    by_key = {(r[3], r[4], r[5], r[7]): dict(zip(EXPORT_HEADER, r, strict=True)) for r in rows}
    jakarta = by_key[("child_area", "flagged", "poor", "31")]
    assert jakarta["value"] == MARKER and jakarta["note"].startswith("suppressed") and jakarta["change"] == ""
    assert by_key[("child_area", "flagged", "poor", "32")]["value"] == 120
    assert by_key[("child_area", "flagged", "poor", "32")]["change"] == 20
    assert by_key[("by_category", "flagged", "homeless", "all")]["value"] == 30
    assert by_key[("needs", "unmet_need", "poor", "all")]["value"] == 104
    assert {r[4] for r in rows if r[3] == "needs"} == {"flagged", "unmet_need"}

    text = csv_bytes(EXPORT_HEADER, rows).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == list(EXPORT_HEADER) and len(parsed) == len(rows) + 1
    figures = {cell for row in parsed[1:] for cell in row[9:11]}  # value and change
    assert str(SECRET) not in figures and MARKER in figures  # the suppressed 4 is nowhere
    assert any(row[8] == '\'=HYPERLINK("http://evil")' for row in parsed)  # text, not a formula

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Sheet("ppks", EXPORT_HEADER, rows)])))
    sheet = workbook["ppks"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == list(EXPORT_HEADER)
    assert SECRET not in {v for row in values for v in row[9:11]}
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula anywhere
    jakarta_row = next(row for row in values if row[3] == "child_area" and row[7] == "31")
    assert jakarta_row[9] == MARKER


def test_without_a_welfare_ranking_the_deciles_are_one_unknown_row() -> None:
    summary = _national()
    unranked = SummaryTable("decile", "flagged", (Cell("poor", "unknown", 130, False),))
    tables = (*(t for t in summary.tables if t.slice != "decile"), unranked)
    view = build(
        Summary(**{**summary.__dict__, "tables": tables}), measure=None, category="poor", language="en"
    )
    deciles = next(s for s in view.breakdowns if s.name == "decile")
    assert [(f.key, f.label, f.value) for f in deciles.figures] == [("unknown", "Not known", 130)]
