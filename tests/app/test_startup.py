"""Issue 11 #6, #13, #15: the command starts fast (heavy libraries load only in the commands that use them),
finds its way to the demo registry without ever switching to it, and `make demo` installs only what the demo
needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inklusi.cli import app
from inklusi.console import DEMO_DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "duckdb",
    "ibis",
    "splink",
    "lightgbm",
    "pyarrow",
    "pyspark",
    "pyxform",
    "sklearn",
    "scipy",
    "pandas",
    "numpy",
    "fastapi",
    "uvicorn",
    "sqlalchemy",
)


def test_importing_the_cli_loads_no_heavy_library():
    code = "import sys, json, inklusi.cli; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    loaded = {name.split(".")[0] for name in json.loads(out.stdout)}
    assert sorted(loaded & set(HEAVY)) == []


def test_help_lists_every_command_and_serve_says_what_it_serves():
    result = CliRunner().invoke(app, ["--help"], env={"INKLUSI_LANGUAGE": "en", "COLUMNS": "200"})
    assert result.exit_code == 0
    for command in ("init", "serve", "demo", "import", "welfare", "linkage", "audit", "registry"):
        assert command in result.output
    serve = CliRunner().invoke(app, ["serve", "--help"], env={"INKLUSI_LANGUAGE": "en", "COLUMNS": "200"})
    assert "later" not in serve.output and "web application" in serve.output


def test_without_a_registry_the_cli_points_at_the_demo_and_creates_nothing(
    tmp_path, sqlite_template, monkeypatch
):
    shutil.copytree(sqlite_template, tmp_path / DEMO_DATA_DIR)
    monkeypatch.chdir(tmp_path)
    env = {"INKLUSI_LANGUAGE": "en", "INKLUSI_DATA_DIR": None, "INKLUSI_DATABASE_URL": None, "COLUMNS": "300"}
    result = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    demo = (tmp_path / DEMO_DATA_DIR).resolve()
    assert "run `inklusi init` first" in text
    assert f"A demo registry exists in {demo}. To use it: export INKLUSI_DATA_DIR={demo}" in text
    assert not (tmp_path / "inklusi-data").exists()  # no second, empty registry
    # pointed at it, the same command works on the demo's registry
    env["INKLUSI_DATA_DIR"] = str(demo)
    assert CliRunner().invoke(app, ["audit", "verify"], env=env).exit_code == 0


def test_without_a_registry_or_a_demo_there_is_no_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"INKLUSI_LANGUAGE": "en", "INKLUSI_DATA_DIR": None, "INKLUSI_DATABASE_URL": None}
    result = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert result.exit_code == 1 and "demo" not in result.output


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_installs_no_spark_but_make_test_does_and_clean_removes_the_demo():
    def dry_run(target: str) -> str:
        return subprocess.run(
            ["make", "--dry-run", "--always-make", target],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    demo, test = dry_run("demo"), dry_run("test")
    assert "inklusi demo" in demo and "spark" not in demo and "[dev" not in demo
    assert "'.[dev,spark]'" in test and "pytest" in test
    assert "bin/mypy" in test and "bin/lint-imports" in test  # types and contracts are gates too
    cleaned = dry_run("clean")
    assert "inklusi-demo" in cleaned and "inklusi-data" not in cleaned  # never a real registry
    assert "inklusi-demo/" in (ROOT / ".gitignore").read_text().splitlines()
    assert "make test" in (ROOT / ".ci" / "run").read_text()
