"""Fixtures of the welfare tests: a small synthetic survey (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inklusi.synth import SynthConfig, generate

SURVEY_CONFIG = SynthConfig(households=40_000, seed=11, survey_share=0.06, duplicate_share=0.0)


@pytest.fixture(scope="session")
def survey_dir(tmp_path_factory) -> Path:
    """``inklusi synth`` output with about 2,400 survey households (consumption observed with error)."""
    folder = tmp_path_factory.mktemp("survey")
    generate(SURVEY_CONFIG, folder)
    return folder


@pytest.fixture(scope="session")
def quick_spec_file(tmp_path_factory) -> Path:
    """The national specification with 3 folds and fewer trees: the same code paths, faster."""
    import yaml

    from inklusi.welfare.spec import load_spec

    document = load_spec("national").model_dump(by_alias=True, mode="json")
    document["name"] = "national-quick"
    document["selection"]["folds"] = 3
    document["boosting"].update(rounds=150, learning_rate=0.08)
    path = tmp_path_factory.mktemp("spec") / "national-quick.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path
