"""The API, the pages and the command of released tables: a release is created once and served again byte
for byte, refusals are clear answers (409 naming the budget, 422 naming the field), the pages show the
ledger, the table with its suppressed cells marked and the noise's accuracy, in Indonesian and English."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from inklusi.cli import app as cli_app
from tests.conftest import bearer, csrf_of, login
from tests.factories import user
from tests.sharing.releases.data import ranked

API = "/api/v1/sharing/releases"


def test_the_api_releases_once_and_serves_the_stored_table(client, ctx):
    ranked(ctx)
    user(ctx, "perencana", ("planner", None))
    headers = bearer(client, "perencana")
    body = {"dataset": "households_decile", "level": "province", "epsilon": 0.5}
    first = client.post(API, json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = client.post(API, json=body, headers=headers)
    assert again.status_code == 200 and again.content == first.content
    release = first.json()
    assert release["accuracy"] >= 1 and release["epsilon"] == 0.5 and release["agreement_id"] is None
    assert release["columns"][0] == {"code": "1", "label_id": "Desil 1", "label_en": "Decile 1"}
    one = client.get(f"{API}/{release['id']}", headers=headers)
    assert one.json()["values"] == release["values"]
    csv_first = client.get(f"{API}/{release['id']}/export", headers=headers)
    csv_again = client.get(f"{API}/{release['id']}/export", headers=headers)
    assert csv_first.status_code == 200 and csv_first.content == csv_again.content
    assert csv_first.headers["content-type"].startswith("text/csv")
    lines = csv_first.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "area_code,area,1,2,3,4,5,6,7,8,9,10,total"
    assert lines[-1].startswith("total,")
    listed = client.get(API, headers=headers).json()
    assert [r["id"] for r in listed["releases"]] == [release["id"]]
    public = next(b for b in listed["budgets"] if b["dataset"] == "households_decile")
    assert public["spent"] == 0.5 and public["left"] == 2.5


def test_the_api_refuses_clearly(client, ctx):
    ranked(ctx)
    headers = bearer(client, user(ctx, "perencana", ("planner", None)).username)
    bad = client.post(API, json={"dataset": "households_decile", "epsilon": 0}, headers=headers)
    assert bad.status_code == 422 and "epsilon" in bad.text
    assert (
        client.post(API, json={"dataset": "households_decile", "epsilon": 3}, headers=headers).status_code
        == 201
    )
    over = client.post(
        API, json={"dataset": "households_decile", "epsilon": 0.1, "level": "regency"}, headers=headers
    )
    assert over.status_code == 409
    assert "3" in over.text and "0.1" in over.text
    missing = client.get(f"{API}/00000000-0000-7000-8000-000000000000", headers=headers)
    assert missing.status_code == 404


def test_the_pages_show_the_ledger_and_the_table(client, ctx):
    ranked(ctx)
    user(ctx, "perencana", ("planner", None))
    assert login(client, "perencana", "perencana-password").status_code == 303
    page = client.get("/sharing/releases")
    assert page.status_code == 200 and 'id="budgets"' in page.text and 'id="release"' in page.text
    posted = client.post(
        "/sharing/releases",
        data={
            "csrf_token": csrf_of(page.text),
            "dataset": "households_decile",
            "level": "province",
            "epsilon": "x",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 422 and 'id="epsilon-error"' in posted.text
    posted = client.post(
        "/sharing/releases",
        data={
            "csrf_token": csrf_of(page.text),
            "dataset": "households_decile",
            "level": "province",
            "epsilon": "1",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303
    detail = client.get(posted.headers["location"])
    assert (
        detail.status_code == 200 and 'id="release-table"' in detail.text and 'id="accuracy"' in detail.text
    )
    assert "95" in detail.text and 'class="suppressed-mark"' in detail.text  # the few households: suppressed
    assert "Desil 1" in detail.text
    client.cookies.set("inklusi_lang", "en")
    english = client.get(posted.headers["location"])
    assert "Decile 1" in english.text and "Released tables" in english.text
    listing = client.get("/sharing/releases")
    row = re.search(r'<tr data-dataset="households_decile">(.*?)</tr>', listing.text, re.S).group(1)
    assert "Public" in row and ">1.0<" in row and ">2.0<" in row  # spent, left
    csv = client.get(posted.headers["location"] + "/export")
    assert csv.status_code == 200 and csv.content.startswith("\ufeffarea_code".encode())


def test_the_command_releases_and_lists(settings, ctx, monkeypatch):
    ranked(ctx)
    monkeypatch.setenv("INKLUSI_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("INKLUSI_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    made = runner.invoke(
        cli_app, ["sharing", "releases", "create", "--dataset", "households_decile", "--epsilon", "0.5"]
    )
    assert made.exit_code == 0, made.output
    listed = runner.invoke(cli_app, ["sharing", "releases", "list", "--json"])
    assert listed.exit_code == 0 and '"households_decile"' in listed.output
    over = runner.invoke(
        cli_app, ["sharing", "releases", "create", "--dataset", "households_decile", "--epsilon", "3"]
    )
    assert over.exit_code == 1
