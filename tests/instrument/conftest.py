"""A small synthetic population with two rounds, shared by the instrument tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from inklusi.synth import SynthConfig, generate


@pytest.fixture(scope="session")
def population(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("population")
    generate(SynthConfig(households=150, seed=21, rounds=2), folder)
    return folder
