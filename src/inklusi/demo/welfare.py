"""Welfare ranking in ``inklusi demo``: train the national model on a synthetic survey, then rank the
registered population, through the welfare service like any other caller."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inklusi.access.model import Principal
from inklusi.analytics.engine import Backend
from inklusi.context import Context
from inklusi.i18n import msg
from inklusi.synth import SynthConfig, generate
from inklusi.welfare import service as welfare
from inklusi.welfare.model import ModelInfo, RunInfo


@dataclass(frozen=True)
class DemoRanking:
    model: ModelInfo
    run: RunInfo


def train_and_rank_demo(
    ctx: Context,
    principal: Principal,
    survey: Path | object | None = None,
    *,
    backend: Backend | None = None,
    progress: Callable[..., None] = lambda _step, _done=0, _total=None: None,
) -> DemoRanking:
    """Train the national model on a synthetic survey and rank the registered population.

    ``survey`` is a folder written by ``inklusi synth`` (``survey_households.parquet`` + ``persons.parquet``)
    or a :class:`~inklusi.synth.SynthConfig` to generate one (default: 100,000 households, seed 11, 5 % in the
    survey: about 5,000 survey households, some 10 seconds)."""
    survey = survey or SynthConfig(households=100_000, seed=11, survey_share=0.05, duplicate_share=0.0)
    with tempfile.TemporaryDirectory(prefix="inklusi-survey-") as folder:
        if isinstance(survey, SynthConfig):
            progress(msg("Generating a synthetic survey of {n:,} households", n=survey.households))
            generate(survey, Path(folder))
            survey = Path(folder)
        survey = Path(survey)  # type: ignore[arg-type]  # a folder (str or Path), SynthConfig handled above
        progress(msg("Training the welfare model on the survey"))
        model = welfare.train_model(
            ctx, principal, survey / "survey_households.parquet", survey / "persons.parquet"
        )
    run = welfare.rank_registry(
        ctx, principal, model_version=model.version, backend=backend, progress=progress
    )
    return DemoRanking(model, run)
