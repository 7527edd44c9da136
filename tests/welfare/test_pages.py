"""The welfare planner's pages (``/welfare``): the runs with their model's metrics, the deciles of an area by
child area on a map and in a table, the movements between two runs, and the export of an area's ranked
households — in Indonesian and English, inside the caller's scope, the export audited."""

from __future__ import annotations

import csv
import io
import json
import re
from uuid import uuid4

import openpyxl
import pytest

from inklusi.audit import service as audit
from tests.conftest import login
from tests.factories import BANDUNG_VILLAGE, SYSTEM, user
from tests.welfare.pages import BOGOR_VILLAGE, VILLAGES, rank


@pytest.fixture
def ranked(ctx):
    found = rank(ctx)
    user(ctx, "perencana", ("planner", None))
    user(ctx, "planner-jabar", ("planner", "32"))
    user(ctx, "enumerator-bandung", ("enumerator", "32.73"))
    return found


def _as(client, username: str, language: str = "id"):
    client.cookies.clear()
    if username == "admin":
        assert login(client).status_code == 303
    else:
        assert login(client, username, f"{username}-password").status_code == 303
    client.cookies.set("inklusi_lang", language)
    return client


def _row(page: str, table: str, code: str) -> str:
    body = re.search(rf'<table id="table-{table}">(.*?)</table>', page, re.S).group(1)
    return re.search(rf'<tr data-code="{re.escape(code)}">(.*?)</tr>', body, re.S).group(1)


def _cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    ]


def test_before_any_ranking_the_pages_say_so(client, ctx):
    _as(client, "admin")
    for path in ("/welfare", "/welfare/deciles", "/welfare/movements"):
        answer = client.get(path)
        assert answer.status_code == 200 and "Belum ada" in answer.text, path
    assert client.get("/welfare/deciles/export", params={"area": "32"}).status_code == 404


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_planner_reads_the_runs_and_the_model_metrics(client, ranked, language):
    _as(client, "perencana", language)
    listing = client.get("/welfare")
    assert listing.status_code == 200
    nav = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', listing.text, re.S).group(1)
    assert 'href="/welfare" aria-current="page"' in nav
    assert listing.text.count(ranked.model_version) == 2
    assert f'href="/welfare/runs/{ranked.second}"' in listing.text
    assert ("Peringkat kesejahteraan" if language == "id" else "Welfare ranking") in listing.text

    run = client.get(f"/welfare/runs/{ranked.second}")
    assert run.status_code == 200
    metrics = re.search(r'<table id="model-metrics">(.*?)</table>', run.text, re.S).group(1)
    rows = [_cells(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", metrics.split("<tbody>")[1], re.S)]
    chosen = "terpilih" if language == "id" else "chosen"
    errors = ["45.0 %", "43.0 %", "38.0 %", "36.0 %", "27.0 %", "25.0 %"]
    assert rows[0] == ["gbm (" + chosen + ")", "0.612", "0.781", *errors]
    assert rows[1][:3] == ["ols", "0.553", "0.742"]
    assert 'id="no-report"' in run.text  # the crafted model's survey does not exist
    assert f'href="/welfare/movements?to={ranked.second}"' in run.text
    assert client.get(f"/welfare/runs/{ranked.second}/report").status_code == 404
    assert client.get(f"/welfare/runs/{uuid4()}").status_code == 404


def test_the_deciles_of_the_nation_by_province_on_a_map_and_in_a_table(client, ranked):
    _as(client, "perencana")
    page = client.get("/welfare/deciles")
    assert page.status_code == 200
    assert "Desil kesejahteraan di Indonesia" in page.text
    svg = re.search(r'<svg[^>]*class="map".*?</svg>', page.text, re.S).group(0)
    assert svg.count("<path") == 38 and 'role="img"' in svg
    # the latest run: Jawa Barat has Bandung's 6 (deciles 2, 3, 4, 2, 3, 4) and Bogor's 4 (3, 4, 6, 4)
    west_java = _cells(_row(page.text, "deciles", "32"))
    assert west_java == ["Jawa Barat", "10", "90 %", "0", "2", "3", "4", "0", "1", "0", "0", "0", "0"]
    assert 'href="/welfare/deciles?area=32&amp;' in _row(page.text, "deciles", "32")
    assert 'href="/welfare/deciles?area=32&amp;' in svg  # the map drills down too
    footer = _cells(re.search(r"<tfoot>(.*?)</tfoot>", page.text, re.S).group(1))
    assert footer[:2] == ["Total", str(sum(VILLAGES.values()))]
    assert 'id="export-csv"' not in page.text  # the nation is not exported in one file

    regencies = client.get("/welfare/deciles", params={"area": "32", "poorest": "2"})  # deciles 1-2
    svg = re.search(r'<svg[^>]*class="map".*?</svg>', regencies.text, re.S).group(0)
    assert svg.count("<path") == 27
    assert _cells(_row(regencies.text, "deciles", "32.73"))[:3] == ["Kota Bandung", "6", "33 %"]
    assert _cells(_row(regencies.text, "deciles", "32.71"))[:3] == ["Kota Bogor", "4", "0 %"]
    assert 'id="export-csv"' in regencies.text

    villages = client.get("/welfare/deciles", params={"area": BANDUNG_VILLAGE[:8]})
    assert 'class="map"' not in villages.text  # districts have no boundaries: the table only
    row = _row(villages.text, "deciles", BANDUNG_VILLAGE)
    assert "<a " not in row and _cells(row)[1] == "6"


def test_the_deciles_page_in_english(client, ranked):
    _as(client, "perencana", "en")
    page = client.get("/welfare/deciles", params={"area": "32"})
    assert page.status_code == 200
    assert "Welfare deciles in Jawa Barat" in page.text
    assert "Households by national decile" in page.text


def test_a_scoped_planner_sees_only_the_areas_of_their_grant(client, ranked):
    _as(client, "planner-jabar")
    page = client.get("/welfare/deciles")
    assert "Desil kesejahteraan di Jawa Barat" in page.text  # their area, without asking
    codes = re.findall(r'<tr data-code="([^"]+)">', page.text)
    assert codes == ["32.71", "32.73"]
    nation = client.get("/welfare/deciles", params={"area": "ID"})
    assert re.findall(r'<tr data-code="([^"]+)">', nation.text) == ["32"]
    assert 'id="export-csv"' not in nation.text


def test_movements_between_the_two_runs_by_area(client, ranked):
    _as(client, "perencana")
    page = client.get("/welfare/movements", params={"area": "32"})
    assert page.status_code == 200
    assert _cells(_row(page.text, "movements", "32.73")) == ["Kota Bandung", "0", "6", "0", "6"]
    assert _cells(_row(page.text, "movements", "32.71")) == ["Kota Bogor", "2", "0", "2", "4"]
    nation = client.get("/welfare/movements")
    assert _cells(_row(nation.text, "movements", "31"))[1:] == ["0", "0", "3", "3"]
    back = client.get("/welfare/movements", params={"from": str(ranked.second), "to": str(ranked.first)})
    assert _cells(_row(back.text, "movements", "32"))[1:] == ["6", "2", "2", "10"]
    _as(client, "perencana", "en")
    english = client.get("/welfare/movements", params={"area": "32"})
    assert "Movements between rankings in Jawa Barat" in english.text and "Now richer" in english.text


def test_the_export_of_an_area_is_scoped_named_ordered_and_audited(client, ctx, ranked):
    _as(client, "planner-jabar")
    answer = client.get("/welfare/deciles/export", params={"area": "32.73", "format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith('attachment; filename="welfare-32-73-')
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == VILLAGES[BANDUNG_VILLAGE]
    assert {r["head_name"] for r in rows} == {"Budi Santoso"}
    assert [int(r["priority"]) for r in rows] == list(range(1, 7))
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores)
    assert {r["household_id"] for r in rows} == {
        str(h) for h, v in ranked.villages.items() if v == BANDUNG_VILLAGE
    }
    assert [int(r["national_decile"]) for r in rows] == [2, 2, 3, 3, 4, 4]  # the latest run

    older = client.get(
        "/welfare/deciles/export", params={"area": "32.73", "format": "xlsx", "run": str(ranked.first)}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(older.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("priority", "household_id", "head_name") and len(table) == 7
    assert sorted(r[8] for r in table[1:]) == [1, 1, 2, 2, 3, 3]

    entries = audit.recent(ctx, SYSTEM, object_type="area", object_id="32.73")
    exports = [e for e in entries if e.action == "welfare.deciles.export"]
    assert len(exports) == 2 and {json.loads(e.detail)["format"] for e in exports} == {"csv", "xlsx"}
    assert json.loads(exports[-1].detail) == {"run": str(ranked.second), "format": "csv", "households": 6}
    assert "registry.browse" in {e.action for e in entries}  # the heads' names, read through the registry

    assert client.get("/welfare/deciles/export", params={"area": "31"}).status_code == 403
    assert client.get("/welfare/deciles/export", params={"area": "31.71"}).status_code == 403
    _as(client, "perencana")
    assert client.get("/welfare/deciles/export").status_code == 422  # the nation in one file: no
    bogor = client.get("/welfare/deciles/export", params={"area": BOGOR_VILLAGE})
    assert len(bogor.content.decode("utf-8-sig").strip().splitlines()) == 1 + VILLAGES[BOGOR_VILLAGE]
    assert client.get("/welfare/deciles/export", params={"area": "32", "format": "pdf"}).status_code == 404
    assert client.get("/welfare/deciles/export", params={"area": "99.99"}).status_code == 422
