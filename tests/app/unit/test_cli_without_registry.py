"""Commands that need no registry: NIK parsing, and a usage error that stops before any database is opened."""

from __future__ import annotations

from typer.testing import CliRunner

from inklusi.cli import app


def test_nik_parse_needs_no_database(tmp_path):
    result = CliRunner().invoke(app, ["nik", "parse", "3171044509900003"], env={"INKLUSI_LANGUAGE": "en"})
    output = " ".join(result.output.split())
    assert result.exit_code == 0
    assert all(part in output for part in ("31.71.04", "1990-09-05", "female", "(valid)"))
    bad = CliRunner().invoke(app, ["nik", "parse", "317104450990"], env={"INKLUSI_LANGUAGE": "id"})
    assert bad.exit_code == 1 and "harus 16 digit" in bad.output


def test_an_unknown_analytics_backend_is_a_usage_error_not_a_traceback(tmp_path):
    """`inklusi welfare rank --backend foo` ended in a bare ValueError traceback."""
    result = CliRunner().invoke(
        app, ["welfare", "rank", "--backend", "foo"], env={"INKLUSI_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "duckdb" in result.output and "Traceback" not in result.output
