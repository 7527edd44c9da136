"""The commands (SQLite and PostgreSQL): a request taken by NIK, listed with its deadline, its access report
written as JSON, closed; a breach report written as CSV; a wrong command names what is wrong."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from inklusi.cli import app
from tests.factories import user
from tests.sharing.subjects.registries import head_of, small_registry


def _cli(settings, *args: str):
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    return CliRunner().invoke(app, list(args), env=env)


def test_the_commands_take_report_close_and_list_a_breach(settings, ctx, tmp_path):
    small = small_registry(ctx)
    person_id, nik = head_of(ctx, small.jakarta[0])
    user(ctx, "auditor", ("auditor", None))
    made = _cli(settings, "sharing", "subjects", "submit", "access", "--nik", nik, "--statement", "Apa?",
                "--user", "dinsos.dki")  # fmt: skip
    assert made.exit_code == 0, made.output
    listed = json.loads(
        _cli(settings, "sharing", "subjects", "list", "--json", "--user", "dinsos.dki").output
    )
    assert [(r["kind"], r["deadline"]) for r in listed] == [("access", "on_time")]
    request_id = listed[0]["id"]
    out = tmp_path / "report.json"
    reported = _cli(settings, "sharing", "subjects", "report", request_id, "--output", str(out))
    assert reported.exit_code == 0, reported.output
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["id"] == str(person_id)
    closed = _cli(settings, "sharing", "subjects", "close", request_id, "--response", "Selesai")
    assert closed.exit_code == 0 and "answered" in closed.output
    csv_file = tmp_path / "breach.csv"
    breach = _cli(settings, "sharing", "breach", "--reader", "dinsos.dki", "--since", "2020-01-01T00:00Z",
                  "--until", "2100-01-01", "--output", str(csv_file), "--user", "auditor")  # fmt: skip
    assert breach.exit_code == 0, breach.output
    assert str(person_id) in csv_file.read_text(encoding="utf-8")
    wrong = _cli(settings, "sharing", "subjects", "submit", "deletion", "--nik", nik, "--statement", "x",
                 "--item", "everything")  # fmt: skip
    assert wrong.exit_code != 0 and "everything" in wrong.output
    late = _cli(settings, "sharing", "breach", "--reader", "x", "--since", "kemarin", "--until", "2100-01-01")
    assert late.exit_code != 0 and "kemarin" in late.output
