"""Issue 11 #13: every help text of the command has an Indonesian translation (the help as the command
shows it, in a subprocess: ../test_help.py)."""

from __future__ import annotations

import typer.main

from inklusi.cli import app, help_texts
from tests.conftest import catalogue


def test_every_help_text_has_an_indonesian_translation():
    indonesian = catalogue()
    missing = sorted(t for t in help_texts(typer.main.get_command(app)) if not indonesian.get(t))
    assert missing == [], (
        "CLI help without an Indonesian translation; add these msgids (with msgstr) at the end of "
        "src/inklusi/locale/id/LC_MESSAGES/inklusi.po:\n" + "\n".join(missing)
    )
