"""Registries for the release tests: a crafted welfare ranking (tests.welfare.pages) and crafted PPKS flags
found by a real identification run (tests.ppks.conftest)."""

from __future__ import annotations

from inklusi.ppks import service as ppks
from tests.factories import SYSTEM
from tests.ppks.conftest import craft
from tests.welfare.pages import rank


def ranked(ctx):
    return rank(ctx)


def flagged(ctx):
    crafted = craft(ctx)
    ppks.identify(ctx, SYSTEM)
    return crafted
