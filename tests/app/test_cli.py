"""The command line, run as a user would run it (in English, then in Indonesian)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from inklusi.cli import app


def run(settings, *args: str, language: str = "en"):
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": language}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, " ".join(result.output.split())


def test_init_is_safe_to_run_again(settings):
    before = sorted(p.name for p in (settings.data_dir / "secrets").iterdir())
    key = settings.audit_key_file.read_text()
    code, output = run(settings, "init")
    assert code == 0
    assert "38 / 514 / 7,285 / 83,762" in output
    assert "Administrator created" not in output  # it already exists
    assert sorted(p.name for p in (settings.data_dir / "secrets").iterdir()) == before
    assert settings.audit_key_file.read_text() == key
    assert oct(settings.audit_key_file.stat().st_mode & 0o777) == "0o600"
    assert oct(settings.admin_password_file.stat().st_mode & 0o777) == "0o600"


def test_fresh_init_creates_everything(tmp_path):
    env = {"INKLUSI_DATA_DIR": str(tmp_path / "fresh"), "INKLUSI_LANGUAGE": "en"}
    result = CliRunner().invoke(app, ["init", "--admin-password", "a-long-password"], env=env)
    assert result.exit_code == 0, result.output
    assert "Administrator created: admin / a-long-password" in " ".join(result.output.split())
    assert (tmp_path / "fresh" / "inklusi.db").exists()
    assert oct((tmp_path / "fresh").stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_areas_get_shows_the_lineage(settings):
    code, output = run(settings, "areas", "get", "11.01.01.2001")
    assert code == 0
    for expected in ("Aceh", "Kabupaten Aceh Selatan", "Bakongan", "Keude Bakongan", "Village"):
        assert expected in output
    code, output = run(settings, "areas", "get", "11.01.01.2001", language="id")
    assert "Desa/kelurahan" in output and "Provinsi" in output


@pytest.mark.parametrize("backend", ["sqlite"])
def test_areas_search_and_children(settings):
    assert "│ 32.73 │ Kota Bandung │" in run(settings, "areas", "search", "kota bandung")[1]
    code, output = run(settings, "areas", "children", "31")
    assert code == 0 and "Kota Administrasi Jakarta Pusat" in output


@pytest.mark.parametrize("backend", ["sqlite"])
def test_unknown_area_is_an_error_in_the_users_language(settings):
    code, _ = run(settings, "areas", "get", "99")
    assert code == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_users_and_organisations(settings):
    assert (
        run(settings, "orgs", "add", "Dinas Sosial Kota Bandung", "--kind", "regional", "--area", "32.73")[0]
        == 0
    )
    code, output = run(
        settings,
        "users",
        "add",
        "budi",
        "--org",
        "Dinas Sosial Kota Bandung",
        "--role",
        "steward@32.73",
        "--role",
        "planner",
        "--password",
        "a-long-password",
    )
    assert code == 0, output
    assert "budi" in run(settings, "users", "list")[1]
    assert "steward@32.73, planner@national" in run(settings, "users", "list")[1]
    assert (
        run(settings, "users", "add", "x", "--org", "Nope", "--role", "planner", "--password", "p" * 12)[0]
        == 1
    )
