"""The directory's edges: the HSDS API (a page of services, one service, an import as a body or a file with
per-record problems), the command line (import, export) and the page, on both databases."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from inklusi.cli import app
from inklusi.directory.validation import validator_for
from tests.browser import PHONE, assert_fits, serving
from tests.conftest import ADMIN_PASSWORD, bearer, login
from tests.directory.conftest import FOUNDATION_FILE, foundation_document, seed, seeded_id
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, user

API = "/api/v1/services"


def test_the_api_lists_and_shows_services_as_hsds(client, ctx):
    seed(ctx)
    user(ctx, "reader", ("auditor", None))  # any role: reading needs only a login
    headers = bearer(client, "reader")
    assert client.get(API).status_code == 401
    page = client.get(API, headers=headers).json()
    assert {
        k: page[k] for k in ("total_items", "total_pages", "page_number", "size", "first_page", "empty")
    } == {
        "total_items": 3,
        "total_pages": 1,
        "page_number": 1,
        "size": 3,
        "first_page": True,
        "empty": False,
    }
    validator = validator_for("service.json")
    assert all(not list(validator.iter_errors(record)) for record in page["contents"])
    filtered = client.get(
        API, params={"service_type": "family_support", "area": BANDUNG_VILLAGE}, headers=headers
    )
    assert [s["name"] for s in filtered.json()["contents"]] == ["Dukungan keluarga"]
    anywhere = client.get(API, params={"area": JAKARTA_VILLAGE}, headers=headers).json()
    assert [s["name"] for s in anywhere["contents"]] == ["Terapi psikososial"]
    by_text = client.get(API, params={"q": "psikososial", "per_page": 1}, headers=headers).json()
    assert by_text["total_items"] == 1 and by_text["last_page"] is True
    second = client.get(API, params={"per_page": 2, "page": 2}, headers=headers).json()
    assert [s["name"] for s in second["contents"]] == ["Terapi psikososial"] and second["last_page"]
    bad = client.get(API, params={"service_type": "massage"}, headers=headers)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    one = client.get(f"{API}/{seeded_id('family')}", headers=headers)
    assert one.status_code == 200 and one.json()["organization"]["name"] == "Dinas Sosial Kota Bandung"
    missing = client.get(f"{API}/00000000-0000-7000-8000-000000000000", headers=headers)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_the_api_imports_a_body_or_a_file_and_names_each_refused_record(client, ctx):
    user(ctx, "steward", ("steward", "32"))
    user(ctx, "planner", ("planner", None))
    document = foundation_document()
    refused = client.post(f"{API}/import", json=document, headers=bearer(client, "planner"))
    assert refused.status_code == 403
    headers = bearer(client, "steward")
    created = client.post(f"{API}/import", json=document, headers=headers)
    assert created.status_code == 200, created.text
    assert created.json() | {"errors": []} == {
        "received": 2, "imported": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0, "errors": [],
    }  # fmt: skip
    files = {"file": ("foundation_hsds.json", FOUNDATION_FILE.read_bytes(), "application/json")}
    again = client.post(f"{API}/import", files=files, headers=headers)
    assert again.status_code == 200 and again.json()["unchanged"] == 2
    broken = document["contents"][0] | {"id": "12345678-1234-4234-8234-123456789012", "status": "open"}
    mixed = client.post(
        f"{API}/import", json=[broken, document["contents"][1]], headers=headers | {"Accept-Language": "en"}
    )
    assert mixed.status_code == 422
    assert mixed.headers["content-type"] == "application/problem+json"
    body = mixed.json()
    assert body["detail"] == "1 of 2 records were refused; 1 went in"
    assert (body["imported"], body["rejected"], body["unchanged"]) == (1, 1, 1)
    (error,) = body["errors"]
    assert error["field"] == "[0].status" and error["code"] == "hsds.enum"
    assert error["message"]["id"].startswith("Rekaman 0 (12345678-1234-4234-8234-123456789012): status")
    not_json = client.post(
        f"{API}/import", content=b"{nope", headers=headers | {"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422 and not_json.json()["errors"][0]["code"] == "directory.json"
    not_hsds = client.post(f"{API}/import", json={"hello": 1}, headers=headers)
    assert not_hsds.status_code == 422 and not_hsds.json()["errors"][0]["code"] == "directory.document"
    no_file = client.post(f"{API}/import", files={"other": ("x.json", b"[]")}, headers=headers)
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["field"] == "file"


def run(settings, *args: str, language: str = "en"):
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": language}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_the_command_line_imports_and_exports(settings, ctx, tmp_path):
    code, output = run(settings, "directory", "import", str(FOUNDATION_FILE))
    assert code == 0, output
    assert "Created" in output and "2" in output
    out = tmp_path / "directory.json"
    code, output = run(settings, "directory", "export", "--out", str(out), language="id")
    assert code == 0 and "2 layanan ditulis" in " ".join(output.split())
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(s["name"] for s in exported) == [
        "Pelatihan mebel dari kayu bekas",
        "Pendampingan usaha mebel",
    ]
    code, printed = run(settings, "directory", "export")
    assert code == 0 and json.loads(printed) == exported
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([exported[0] | {"minimum_age": "dua"}]), encoding="utf-8")
    code, output = run(settings, "directory", "import", str(bad), language="id")
    assert code == 1
    assert "[0].minimum_age" in output and "harus berupa angka" in " ".join(output.split())
    code, output = run(settings, "directory", "import", str(tmp_path / "missing.json"))
    assert code == 1 and "is not a file" in " ".join(output.split())


def listed(html: str) -> str:
    """The table of services (not the filter form, whose service types share names with services)."""
    return html[html.index("<tbody>") : html.index("</tbody>")] if "<tbody>" in html else ""


def test_the_page_lists_services_with_filters_in_both_languages(client, ctx):
    seed(ctx)
    assert login(client).status_code == 303
    page = client.get("/directory")
    assert page.status_code == 200
    assert 'href="/directory"' in page.text and "Direktori layanan" in page.text
    for name in (
        "Dukungan keluarga",
        "Terapi psikososial",
        "Bantuan sosial ditutup",
        "Kota Bandung",
        "Tutup sementara",
    ):
        assert name in page.text
    assert "Usia 18–60" in page.text and "Di mana saja" in page.text
    filtered = listed(client.get("/directory", params={"service_type": "psychosocial_therapy"}).text)
    assert "Terapi psikososial" in filtered and "Dukungan keluarga" not in filtered
    by_area = listed(client.get("/directory", params={"province": "31"}).text)
    assert "Terapi psikososial" in by_area and "Dukungan keluarga" not in by_area
    by_text = listed(client.get("/directory", params={"q": "konseling"}).text)
    assert "Dukungan keluarga" in by_text and "Terapi psikososial" not in by_text
    client.cookies.set("inklusi_lang", "en")
    english = client.get("/directory").text
    assert "Service directory" in english and "Temporarily closed" in english and "Family support" in english
    download = client.get("/directory/hsds.json")
    assert download.status_code == 200 and len(json.loads(download.text)) == 3
    client.cookies.clear()
    assert client.get("/directory", follow_redirects=False).status_code == 303  # to the login page


@pytest.mark.parametrize("backend", ["sqlite"])  # one browser run: the page reads the same service on both
def test_the_page_reads_well_on_a_phone(page, settings, ctx):
    """A filled directory in Chromium: filters by service type, no console error, fits a phone."""
    seed(ctx)
    with serving(settings) as url:
        page.goto(url + "/login?next=/directory")
        page.get_by_label("Nama pengguna").fill("admin")
        page.get_by_label("Kata sandi").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url("**/directory")
        page.get_by_label("Jenis layanan (ATENSI)").select_option("family_support")
        page.get_by_role("button", name="Tampilkan").click()
        page.wait_for_url("**service_type=family_support**")
        rows = page.locator("table.results tbody tr")
        assert rows.count() == 1 and "Rumah singgah Cibeunying" in rows.first.inner_text()
        assert_fits(page, PHONE)
