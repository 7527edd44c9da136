"""The sharing tests' world (``tests/sharing/world.py``) on every backend."""

from __future__ import annotations

import pytest

from tests.sharing.world import World, build


@pytest.fixture
def world(ctx) -> World:
    return build(ctx)
