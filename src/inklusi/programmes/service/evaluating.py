"""Simulating programmes on a synthetic population and measuring them against its truth (no database).

:func:`evaluate_folder` makes everything a registry simulation reads the way a deployment makes it, never
from the truth: a proxy-means test fitted on the folder's survey sample (``survey_households.parquet``,
observed consumption with measurement error) through the welfare service, every household scored and ranked
by the welfare slice, the poverty curve from that model's out-of-fold predictions on the survey, PPKS flags
from the national rules. Then the same :func:`~inklusi.programmes.simulation.simulate` runs with the
folder's ``truth_households.parquet`` beside it, which only the measured errors read.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from inklusi.analytics.engine import Backend, Engine
from inklusi.errors import Invalid, Issue
from inklusi.i18n import Text, msg
from inklusi.ppks.expr import candidates, with_outside
from inklusi.ppks.spec import load_rules
from inklusi.programmes.expr import household_frame
from inklusi.programmes.model import Simulation
from inklusi.programmes.simulation import simulate
from inklusi.programmes.spec import ProgrammeSpec
from inklusi.welfare import service as welfare
from inklusi.welfare.model import ModelKind
from inklusi.welfare.scoring import score_and_rank
from inklusi.welfare.spec import load_spec

REQUIRED = ("households.parquet", "persons.parquet", "survey_households.parquet", "truth_households.parquet")
Progress = Callable[[Text], None]


@dataclass(frozen=True)
class FolderEvaluation:
    folder: str
    as_of: date
    pmt: str  # the welfare specification's key
    model: str  # the model kind chosen
    survey_households: int
    simulation: Simulation

    def as_dict(self) -> dict[str, object]:
        programmes = []
        for outcome in self.simulation.outcomes:
            measured = outcome.measured_coverage_poorest or {}
            programmes.append(
                {
                    "programme": outcome.programme,
                    "spec": outcome.spec_key,
                    "budget": outcome.budget,
                    "eligible": outcome.eligible,
                    "beneficiaries": outcome.beneficiaries,
                    "people": outcome.people,
                    "cost": outcome.cost,
                    "inclusion_error": outcome.measured_inclusion_error,
                    "exclusion_error": outcome.measured_exclusion_error,
                    "coverage_poorest_40": measured.get(40),
                    "expected_inclusion_error": outcome.expected_inclusion_error,
                    "expected_exclusion_error": outcome.expected_exclusion_error,
                    "expected_coverage_poorest_40": outcome.coverage_poorest.get(40),
                    "gaps": list(outcome.gaps),
                    "outcome": outcome.as_dict(),
                }
            )
        return {
            "folder": self.folder,
            "as_of": self.as_of.isoformat(),
            "pmt": self.pmt,
            "model": self.model,
            "survey_households": self.survey_households,
            "programmes": programmes,
            "overlaps": [o.as_dict() for o in self.simulation.overlaps],
        }


def evaluate_folder(
    folder: Path,
    specs: Sequence[ProgrammeSpec],
    *,
    budgets: Mapping[str, float | None] | None = None,
    pmt: str = "national",
    model: ModelKind | None = None,
    backend: Backend = "duckdb",
    progress: Progress = lambda _text: None,
) -> FolderEvaluation:
    """Simulate ``specs`` on a synthetic population folder and measure them against its truth."""
    folder = Path(folder)
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        text = msg(
            "{folder} is not a synthetic population folder: {files} missing (write one with inklusi synth)",
            folder=str(folder),
            files=", ".join(missing),
        )
        raise Invalid(text, [Issue(name, "file.missing", text) for name in missing])
    spec = load_spec(pmt)
    engine = Engine.open(backend)
    try:
        with tempfile.TemporaryDirectory(prefix="inklusi-programmes-") as scratch:
            as_of = _as_of(folder)
            progress(msg("Fitting the welfare model {spec} on the survey sample", spec=spec.key))
            persons_file, households_file = folder / "persons.parquet", folder / "households.parquet"
            trained, sample = welfare.fit_survey(
                spec,
                folder / "survey_households.parquet",
                persons_file,
                candidates=(model,) if model else None,
                engine=engine,
            )
            progress(msg("Ranking the households into welfare deciles ({model})", model=trained.chosen.value))
            ranked = score_and_rank(
                engine,
                spec,
                trained.model,
                households_file,
                persons_file,
                as_of,
                Path(scratch) / "ranked.parquet",
            )
            ranks = engine.read_parquet(ranked.path)
            poverty = engine.table(welfare.poverty_curve_of(trained, sample, spec))
            persons, households = engine.read_parquet(persons_file), engine.read_parquet(households_file)
            progress(msg("Flagging PPKS candidates with the national rules"))
            flags = _flags(engine, folder, persons, households, ranks, as_of, Path(scratch))
            progress(msg("Simulating the programmes"))
            frame = household_frame(persons, households, ranks, flags, poverty, as_of)
            truth = engine.read_parquet(folder / "truth_households.parquet")
            result = simulate(engine, frame, specs, flags=flags, budgets=budgets, truth=truth)
    finally:
        engine.close()
    return FolderEvaluation(str(folder), as_of, spec.key, trained.chosen.value, len(sample), result)


def _flags(engine: Engine, folder: Path, persons, households, ranks, as_of: date, scratch: Path):
    outside_file = folder / "outside_households.parquet"
    everyone = with_outside(persons, engine.read_parquet(outside_file)) if outside_file.exists() else persons
    deciles = ranks.select("household_id", "national_decile")
    found = candidates(everyone, households, deciles, load_rules("national"), as_of=as_of)
    found = found.filter(found.household_id.notnull()).select("person_id", "household_id", "category")
    return engine.read_parquet(engine.write_parquet(found, scratch / "flags.parquet"))


def _as_of(folder: Path) -> date:
    """The population's reference date: the manifest's ``as_of`` (else today's date is no answer)."""
    manifest = folder / "manifest.json"
    if manifest.is_file():
        config = json.loads(manifest.read_text(encoding="utf-8")).get("config", {})
        if config.get("as_of"):
            return date.fromisoformat(str(config["as_of"]))
    text = msg("{folder} has no manifest.json with the population's date (as_of)", folder=str(folder))
    raise Invalid(text, [Issue("manifest.json", "file.missing", text)])
