"""The pages' templates: one date format per language, chosen by the filters, never by a template."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import pytest

from inklusi.registry import labels
from inklusi.web.pages import environment


def test_dates_have_one_format_per_language_and_templates_choose_none():
    """Issue 11 #10: pages showed "9 Apr 1993", "1993-04-09" and "19 Februari 1984"."""
    born, seen = date(1984, 2, 19), datetime(2026, 11, 3, 7, 5, tzinfo=UTC)
    for language, moment in (("id", "3 Nov 2026 14.05"), ("en", "3 Nov 2026, 14:05")):
        env = environment(language, "Asia/Jakarta")
        assert env.from_string("{{ d | date }}").render(d=born) == "19 Feb 1984"
        assert env.from_string("{{ d | datetime }}").render(d=seen) == moment
        assert labels.value_label("birth_date", born, language) == "19 Feb 1984"
        assert labels.value_label("birth_date", "1984-02-19", language) == "19 Feb 1984"  # a version's diff
        with pytest.raises(TypeError):
            env.from_string('{{ d | date("long") }}').render(d=born)  # no template picks its own
    templates = resources.files("inklusi")
    by_hand = re.compile(r"strftime|isoformat|\|\s*date\s*\(|\|\s*datetime\s*\(|%[dmYHM]")
    found = [
        str(path)
        for path in Path(str(templates)).rglob("templates/**/*.html")
        if by_hand.search(path.read_text())
    ]
    assert found == []
