"""Evaluating the identification rules on a synthetic population (no database).

:func:`evaluate_folder` runs the same Ibis expressions as the registry's identification
(:func:`inklusi.ppks.expr.candidates`) on the Parquet files of a folder written by ``inklusi synth`` — no
database — and compares the candidates with the folder's truth file. The welfare deciles the rules read are
made the way a real deployment makes them, never from the truth: a proxy-means test fitted on the folder's
survey sample (``survey_households.parquet``) through the welfare service, then every household scored and
ranked by the welfare slice's scoring.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ibis.expr.types as ir

from inklusi.analytics.engine import Backend, Engine
from inklusi.errors import Invalid, Issue
from inklusi.i18n import Text, msg
from inklusi.ppks.evaluation import (
    CategoryScore,
    RuleScore,
    category_counts,
    category_scores,
    rule_counts,
    rule_scores,
    truth_long,
)
from inklusi.ppks.expr import candidates, with_outside
from inklusi.ppks.spec import Gap, RuleSet, load_rules
from inklusi.ppks.taxonomy import category
from inklusi.welfare import service as welfare
from inklusi.welfare.model import ModelKind
from inklusi.welfare.scoring import score_and_rank
from inklusi.welfare.spec import load_spec

MIN_SURVEY_HOUSEHOLDS = 200  # fewer: no PMT is fitted and the rules that read deciles are skipped
REQUIRED = ("households.parquet", "persons.parquet", "truth_persons.parquet")
Progress = Callable[[Text], None]


@dataclass(frozen=True)
class DecileSource:
    """How the folder's deciles were made: the PMT chosen and the survey it was fitted on."""

    spec: str
    model: str
    survey_households: int


@dataclass(frozen=True)
class Evaluation:
    folder: str
    rules: str
    as_of: date
    households: int
    persons: int
    outside_households: int
    deciles: DecileSource | None
    deciles_note: Text | None  # why there are no deciles
    skipped_rules: tuple[str, ...]
    categories: tuple[CategoryScore, ...]
    rule_scores: tuple[RuleScore, ...]
    gaps: tuple[Gap, ...]

    def reveal(self, category: str) -> str:
        """``yes``, ``partly`` or ``no``: how much of the category the registry's data can reveal."""
        return next((g.reveal for g in self.gaps if g.category == category), "yes")

    def as_dict(self) -> dict[str, object]:
        return {
            "folder": self.folder,
            "rules": self.rules,
            "as_of": self.as_of.isoformat(),
            "households": self.households,
            "persons": self.persons,
            "outside_households": self.outside_households,
            "deciles": None
            if self.deciles is None
            else {
                "spec": self.deciles.spec,
                "model": self.deciles.model,
                "survey_households": self.deciles.survey_households,
            },
            "deciles_note": self.deciles_note.both() if self.deciles_note else None,
            "skipped_rules": list(self.skipped_rules),
            "categories": [
                {
                    "category": c.category,
                    "sensitivity": category(c.category).sensitivity.value,
                    "truth": c.truth,
                    "flagged": c.flagged,
                    "true_positives": c.true_positives,
                    "precision": c.precision,
                    "recall": c.recall,
                    "reveal": self.reveal(c.category),
                }
                for c in self.categories
            ],
            "rules_scored": [
                {
                    "rule_id": r.rule_id,
                    "category": r.category,
                    "flagged": r.flagged,
                    "true_positives": r.true_positives,
                    "precision": r.precision,
                }
                for r in self.rule_scores
            ],
            "not_revealed": [
                {"category": g.category, "reveal": g.reveal, "reason": {"id": g.reason.id, "en": g.reason.en}}
                for g in self.gaps
            ],
        }


def evaluate_folder(
    folder: Path,
    *,
    rules: RuleSet | str = "national",
    pmt: str = "national",
    model: ModelKind | None = None,
    deciles: bool = True,
    backend: Backend = "duckdb",
    progress: Progress = lambda _text: None,
) -> Evaluation:
    """Apply a rule set to a synthetic population folder and score it against the folder's truth.

    ``pmt`` names the welfare specification fitted on the folder's survey sample for the deciles;
    ``model`` fixes its model kind (default: the specification's own choice among its candidates);
    ``deciles=False`` leaves the deciles out (and so the rules that read them)."""
    folder = Path(folder)
    _check_folder(folder)
    rule_set = load_rules(rules) if isinstance(rules, str) else rules
    engine = Engine.open(backend)
    try:
        with tempfile.TemporaryDirectory(prefix="inklusi-ppks-") as scratch:
            as_of = _as_of(engine, folder)
            note: Text | None = None
            source: DecileSource | None = None
            ranks: ir.Table | None = None
            if deciles:
                ranks, source, note = _deciles(engine, folder, pmt, model, as_of, Path(scratch), progress)
            else:
                note = msg("Deciles were left out on request")
            progress(msg("Applying the PPKS rules {rules}", rules=rule_set.key))
            persons = engine.read_parquet(folder / "persons.parquet")
            households = engine.read_parquet(folder / "households.parquet")
            outside_file = folder / "outside_households.parquet"
            outside = engine.read_parquet(outside_file) if outside_file.exists() else None
            everyone = with_outside(persons, outside) if outside is not None else persons
            found = candidates(everyone, households, ranks, rule_set, as_of=as_of)
            found = engine.read_parquet(engine.write_parquet(found, Path(scratch) / "candidates.parquet"))
            truth = truth_long(engine.read_parquet(folder / "truth_persons.parquet"), everyone, as_of)
            truth = engine.read_parquet(engine.write_parquet(truth, Path(scratch) / "truth.parquet"))
            progress(msg("Comparing the candidates with the truth"))
            by_category = engine.to_arrow(category_counts(found, truth)).to_pylist()
            by_rule = engine.to_arrow(rule_counts(found, truth)).to_pylist()
            sizes = _sizes(engine, households, persons, outside)
    finally:
        engine.close()
    usable, skipped = rule_set.usable(ranks is not None)
    return Evaluation(
        folder=str(folder),
        rules=rule_set.key,
        as_of=as_of,
        households=sizes[0],
        persons=sizes[1],
        outside_households=sizes[2],
        deciles=source,
        deciles_note=note,
        skipped_rules=tuple(r.id for r in skipped),
        categories=category_scores(by_category, rule_set),
        rule_scores=rule_scores(by_rule, rule_set, tuple(r.id for r in usable)),
        gaps=rule_set.gaps,
    )


def _check_folder(folder: Path) -> None:
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        text = msg(
            "{folder} is not a synthetic population folder: {files} missing (write one with inklusi synth)",
            folder=str(folder),
            files=", ".join(missing),
        )
        raise Invalid(text, [Issue(name, "file.missing", text) for name in missing])


def _as_of(engine: Engine, folder: Path) -> date:
    """The population's reference date: the manifest's ``as_of``, else the latest enumeration date."""
    manifest = folder / "manifest.json"
    if manifest.is_file():
        config = json.loads(manifest.read_text(encoding="utf-8")).get("config", {})
        if config.get("as_of"):
            return date.fromisoformat(str(config["as_of"]))
    households = engine.read_parquet(folder / "households.parquet")
    latest = engine.to_arrow(households.aggregate(day=households.enumerated_on.max()))["day"][0].as_py()
    if latest is None:
        raise Invalid(msg("The households have no enumeration date: cannot date ages"))
    return latest if isinstance(latest, date) else latest.date()


def _deciles(
    engine: Engine,
    folder: Path,
    pmt: str,
    model: ModelKind | None,
    as_of: date,
    scratch: Path,
    progress: Progress,
) -> tuple[ir.Table | None, DecileSource | None, Text | None]:
    """Deciles of every household from a PMT fitted on the folder's survey sample, or why there are none."""
    survey = folder / "survey_households.parquet"
    if not survey.is_file():
        return None, None, msg("The folder has no survey sample (survey_households.parquet)")
    sample = engine.read_parquet(survey)
    size = int(engine.to_arrow(sample.aggregate(n=sample.count()))["n"][0].as_py())
    if size < MIN_SURVEY_HOUSEHOLDS:
        text = msg(
            "The survey sample has {n} households, fewer than the {minimum} needed to fit a PMT",
            n=size,
            minimum=MIN_SURVEY_HOUSEHOLDS,
        )
        return None, None, text
    spec = load_spec(pmt)
    progress(msg("Fitting the welfare model {spec} on {n} survey households", spec=spec.key, n=size))
    persons = folder / "persons.parquet"
    trained, _sample = welfare.fit_survey(
        spec, survey, persons, candidates=(model,) if model else None, engine=engine
    )
    progress(msg("Ranking the households into welfare deciles ({model})", model=trained.chosen.value))
    ranked = score_and_rank(
        engine, spec, trained.model, folder / "households.parquet", persons, as_of, scratch / "ranked.parquet"
    )
    table = engine.read_parquet(ranked.path).select("household_id", "national_decile")
    return table, DecileSource(spec.key, trained.chosen.value, size), None


def _sizes(
    engine: Engine, households: ir.Table, persons: ir.Table, outside: ir.Table | None
) -> tuple[int, int, int]:
    def count(table: ir.Table | None) -> int:
        if table is None:
            return 0
        return int(engine.to_arrow(table.aggregate(n=table.count()))["n"][0].as_py())

    return count(households), count(persons), count(outside)
