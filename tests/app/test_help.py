"""Issue 11 #13: the command's help is in the user's language (INKLUSI_LANGUAGE; Indonesian by default),
like its output. Help is written in English in the code and translated in the catalogue."""

from __future__ import annotations

import os
import subprocess
import sys


def _help(*args: str, language: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "INKLUSI_LANGUAGE"} | {"COLUMNS": "200"}
    if language:
        env["INKLUSI_LANGUAGE"] = language
    command = [sys.executable, "-m", "inklusi", *args, "--help"]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout


def test_help_follows_the_language_setting():
    indonesian = _help("welfare", "rank", language="id")
    assert "Menghitung skor dan peringkat setiap rumah tangga" in indonesian
    assert "Versi model (bawaan: yang terbaru)" in indonesian  # options too
    assert "Score and rank every household" not in indonesian
    assert "Score and rank every household" in _help("welfare", "rank", language="en")


def test_the_installed_command_shows_indonesian_help_by_default():
    assert "Menyajikan aplikasi web dan API" in _help("serve", language=None)
