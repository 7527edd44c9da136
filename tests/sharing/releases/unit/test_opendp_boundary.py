"""OpenDP is used in one place: ``inklusi.sharing.privacy`` (pure); every other module goes through it."""

from __future__ import annotations

import re
from pathlib import Path

import inklusi

SOURCE = Path(inklusi.__file__).parent


def test_only_the_privacy_module_imports_opendp():
    importers = sorted(
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if re.search(r"^\s*(import opendp|from opendp)", path.read_text(encoding="utf-8"), re.M)
    )
    assert importers == ["sharing/privacy.py"]
