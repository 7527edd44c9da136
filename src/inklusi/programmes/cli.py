"""``inklusi programmes …``: social assistance programmes. ``evaluate`` simulates programmes on a synthetic
population folder and measures them against its truth (expected errors beside measured ones)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from inklusi.console import console, reporting_errors, say, settings, showing_steps
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg

if TYPE_CHECKING:
    from inklusi.programmes.service import FolderEvaluation

# The service pulls in Ibis and the welfare models: imported when a command runs (a fast `inklusi --help`).

app = typer.Typer(help="Social assistance programmes: simulation and evaluation.", no_args_is_help=True)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


@app.command("evaluate")
def evaluate(
    arguments: Annotated[
        list[str],
        typer.Argument(help="Programmes (shipped names or YAML files), then a synthetic population folder"),
    ],
    budget: Annotated[float | None, typer.Option(help="Yearly budget in Rupiah for every programme")] = None,
    pmt: Annotated[str, typer.Option(help="Welfare specification fitted on the survey sample")] = "national",
    model: Annotated[
        Literal["auto", "ols", "ols-area", "gbm"],
        typer.Option(help="PMT model kind (auto: the spec's choice)"),
    ] = "auto",
    backend: Annotated[
        Literal["duckdb", "pyspark"] | None, typer.Option(help="duckdb or pyspark (default: the setting)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Simulate programmes on a synthetic population and compare the expected errors (from the welfare
    model's poverty curve) with the errors measured against the population's truth."""
    from inklusi.programmes.service import evaluate_folder
    from inklusi.programmes.spec import load_programme
    from inklusi.welfare.model import ModelKind

    def run(progress: Callable[..., None] = lambda _text: None) -> FolderEvaluation:
        if len(arguments) < 2:
            text = msg("Name at least one programme and then the folder")
            raise Invalid(text, [Issue("arguments", "arguments.missing", text)])
        specs = [load_programme(name) for name in arguments[:-1]]
        return evaluate_folder(
            Path(arguments[-1]),
            specs,
            budgets=None if budget is None else dict.fromkeys((s.name for s in specs), budget),
            pmt=pmt,
            model=None if model == "auto" else ModelKind(model),
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
            "{folder}: welfare model {pmt} ({model}) fitted on {n:,} survey households",
            folder=result.folder,
            pmt=result.pmt,
            model=result.model,
            n=result.survey_households,
        )
    )
    table = Table()
    for heading in (
        msg("Programme"),
        msg("Beneficiaries"),
        msg("Cost (Rp/year)"),
        msg("Inclusion error: expected / measured"),
        msg("Exclusion error: expected / measured"),
        msg("Poorest 40 % covered"),
    ):
        table.add_column(heading.render(language))
    for outcome in result.simulation.outcomes:
        measured = outcome.measured_coverage_poorest or {}
        table.add_row(
            outcome.programme,
            f"{outcome.beneficiaries:,}",
            f"{outcome.cost:,.0f}",
            f"{_share(outcome.expected_inclusion_error)} / {_share(outcome.measured_inclusion_error)}",
            f"{_share(outcome.expected_exclusion_error)} / {_share(outcome.measured_exclusion_error)}",
            _share(measured.get(40)),
        )
    console.print(table)
