"""``inklusi ppks …``: vulnerable groups (PPKS). So far: ``evaluate`` the identification rules on a synthetic
population folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from inklusi.console import console, reporting_errors, say, settings, showing_steps
from inklusi.i18n import msg

# The service pulls in Ibis, PyArrow and the welfare models: the command imports it when it runs, so that
# `inklusi --help` stays fast.

ppks = typer.Typer(help="Vulnerable groups (PPKS): taxonomy and identification rules.", no_args_is_help=True)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


@ppks.command("evaluate")
def evaluate(
    folder: Annotated[
        Path,
        typer.Argument(help="A synthetic population folder (inklusi synth)", exists=True, file_okay=False),
    ],
    rules: Annotated[str, typer.Option(help="Packaged rule set name or YAML path")] = "national",
    pmt: Annotated[str, typer.Option(help="Welfare specification fitted on the survey sample")] = "national",
    model: Annotated[
        Literal["auto", "ols", "ols-area", "gbm"],
        typer.Option(help="PMT model kind (auto: the spec's choice)"),
    ] = "auto",
    deciles: Annotated[
        bool, typer.Option("--deciles/--no-deciles", help="Fit a PMT for the deciles the rules read")
    ] = True,
    backend: Annotated[
        Literal["duckdb", "pyspark"] | None, typer.Option(help="duckdb or pyspark (default: the setting)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Apply the PPKS rules to a synthetic population and compare them with its truth: per category the
    true count, the people flagged, precision and recall; and what the data cannot reveal."""
    from inklusi.ppks import service
    from inklusi.welfare.model import ModelKind

    def run(progress: Callable[..., None] = lambda _text: None) -> service.Evaluation:
        return service.evaluate_folder(
            folder,
            rules=rules,
            pmt=pmt,
            model=None if model == "auto" else ModelKind(model),
            deciles=deciles,
            backend=backend or settings().analytics_backend,
            progress=progress,
        )

    with reporting_errors():
        if as_json:
            result = run()
        else:
            with showing_steps() as step:
                result = run(step)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    language = settings().language
    say(
        msg(
            "{folder}: {households:,} households, {persons:,} people, {outside:,} outside households;"
            " rules {rules}",
            folder=str(folder),
            households=result.households,
            persons=result.persons,
            outside=result.outside_households,
            rules=result.rules,
        )
    )
    if result.deciles is not None:
        source = result.deciles
        say(
            msg(
                "Deciles: {spec} ({model}) fitted on {n:,} survey households",
                spec=source.spec,
                model=source.model,
                n=source.survey_households,
            )
        )
    elif result.deciles_note is not None:
        say(result.deciles_note, "yellow")
        say(msg("Rules skipped without deciles: {rules}", rules=", ".join(result.skipped_rules)), "yellow")
    table = Table(title=msg("PPKS candidates against the truth").render(language))
    for heading in ("category", "truth", "flagged", "precision", "recall", "reveal"):
        table.add_column(heading, justify="left" if heading in ("category", "reveal") else "right")
    for score in result.categories:
        table.add_row(
            score.category,
            f"{score.truth:,}",
            f"{score.flagged:,}",
            _share(score.precision),
            _share(score.recall),
            result.reveal(score.category),
        )
    console.print(table)
    gaps = Table(title=msg("What the data cannot reveal").render(language))
    gaps.add_column("category")
    gaps.add_column("reveal")
    gaps.add_column("why")
    for gap in result.gaps:
        gaps.add_row(gap.category, gap.reveal, gap.reason.text(language))
    console.print(gaps)
