"""Issue 11 #14: every setting is documented in the README and every command in docs/cli.md (which the
README links). Others add commands and settings in parallel: a failure names exactly what is missing."""

from __future__ import annotations

import typer.main

from inklusi.cli import app, commands
from inklusi.config import Settings
from tests.conftest import REPOSITORY as ROOT

README = ROOT / "README.md"
CLI_DOC = ROOT / "docs" / "cli.md"


def test_every_setting_is_in_the_readme_settings_table():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Configuration") :]
    missing = sorted(
        f"INKLUSI_{name.upper()}"
        for name in Settings.model_fields
        if f"`INKLUSI_{name.upper()}`" not in table
    )
    assert missing == [], "README.md's settings table (## Configuration) lacks: " + ", ".join(missing)


def test_every_command_is_in_the_command_reference():
    assert "(docs/cli.md)" in README.read_text(encoding="utf-8")
    text = CLI_DOC.read_text(encoding="utf-8")
    missing = sorted(
        " ".join(("inklusi", *path))
        for path, _command in commands(typer.main.get_command(app))
        if path and f"`{' '.join(('inklusi', *path))}" not in text
    )
    assert missing == [], "docs/cli.md lacks a heading or line for: " + "; ".join(missing)


def test_the_architecture_page_names_every_module_of_the_access_slice():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = sorted(
        p.stem for p in (ROOT / "src" / "inklusi" / "access").glob("*.py") if p.stem != "__init__"
    )
    assert [m for m in modules if f"`{m}`" not in text] == []
    assert "apply_round_chunk" in text
