"""Issue 12 #6: ``python -m inklusi.audit.events --markdown`` (a subprocess) prints the document that the
catalogue generates (the catalogue itself: unit/test_events.py)."""

from __future__ import annotations

import subprocess
import sys

from inklusi.audit import events


def test_the_document_is_generated_by_the_module():
    done = subprocess.run(
        [sys.executable, "-m", "inklusi.audit.events", "--markdown"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == events.markdown()
