"""``inklusi welfare …``: evaluate proxy-means models on any survey, train, rank the registry, explain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal
from uuid import UUID

import typer
from rich.table import Table

from inklusi.access.model import Principal
from inklusi.console import console, open_context, reporting_errors, say, settings, showing_steps
from inklusi.i18n import msg

# The welfare service, models and reports pull in NumPy, Ibis, LightGBM and PyArrow: each command imports
# what it uses when it runs, so that `inklusi --help` stays fast.

welfare = typer.Typer(help="Welfare ranking: proxy-means tests, deciles, explanations.", no_args_is_help=True)
SYSTEM = Principal.system("cli")


def _metrics_table(results, chosen) -> Table:
    from inklusi.welfare.model import COVERAGES

    table = Table(title="out-of-fold")
    table.add_column("model")
    table.add_column("R²", justify="right")
    table.add_column("Spearman", justify="right")
    for c in COVERAGES:
        table.add_column(f"EE {int(c * 100)}%", justify="right")
        table.add_column(f"IE {int(c * 100)}%", justify="right")
    for result in results:
        m = result.metrics
        cells = [
            f"{100 * v:.1f}%" for c in COVERAGES for v in (m.at(c).exclusion_error, m.at(c).inclusion_error)
        ]
        name = result.kind.value + (" ★" if result.kind == chosen else "")
        table.add_row(name, f"{m.r2:.3f}", f"{m.spearman:.3f}", *cells)
    return table


@welfare.command("evaluate")
def evaluate(
    file: Annotated[Path, typer.Argument(help="Household survey, CSV or Parquet", exists=True)],
    welfare_column: Annotated[str, typer.Option("--welfare", help="Welfare column (consumption)")],
    welfare_is_log: Annotated[
        bool, typer.Option("--welfare-is-log", help="The column is already a log")
    ] = False,
    per_capita_by: Annotated[str | None, typer.Option(help="Divide welfare by this column (members)")] = None,
    area: Annotated[str | None, typer.Option(help="Area column for area effects (province)")] = None,
    proxies: Annotated[str | None, typer.Option(help="Proxy columns, comma-separated (default: all)")] = None,
    model: Annotated[str, typer.Option(help="ols, ols-area, gbm or auto")] = "auto",
    folds: Annotated[int, typer.Option(min=2, max=20)] = 5,
    weight: Annotated[str | None, typer.Option(help="Survey weight column")] = None,
    size: Annotated[str | None, typer.Option(help="Household size column (errors counted in people)")] = None,
    report: Annotated[Path | None, typer.Option(help="Also write the targeting report (HTML) here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """R², Spearman and exclusion/inclusion errors at 10/20/40 % coverage, out of fold, per model."""
    from inklusi.welfare.evaluation import evaluate_file
    from inklusi.welfare.report import ReportInput, render

    with reporting_errors():
        result = evaluate_file(
            file,
            welfare_column,
            welfare_is_log=welfare_is_log,
            per_capita_by=per_capita_by,
            area=area,
            proxies=[p.strip() for p in proxies.split(",")] if proxies else None,
            model=model,
            folds=folds,
            weight=weight,
            size=size,
        )
    if report:
        areas = result.sample.frame.get("_area")
        title = f"Targeting report: {file.name}"
        page = render(
            ReportInput(title, result.sample, result.results, result.chosen, areas, warnings=result.warnings)
        )
        report.write_text(page, encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    say(
        msg(
            "{file}: {households} households, {numeric} numeric and {categorical} categorical proxies",
            file=file.name,
            households=result.households,
            numeric=len(result.numeric),
            categorical=len(result.categorical),
        )
    )
    console.print(_metrics_table(result.results, result.chosen))
    for warning in result.warnings:
        say(warning, "bold red")


@welfare.command("report")
def report_command(
    survey: Annotated[Path, typer.Argument(help="Survey households (with consumption)", exists=True)],
    out: Annotated[Path, typer.Option(help="HTML file to write")],
    persons: Annotated[Path | None, typer.Option(help="The survey's persons file", exists=True)] = None,
    spec: Annotated[str, typer.Option(help="Packaged spec name or YAML path")] = "national",
    weight: Annotated[str, typer.Option(help="Survey weight column")] = "weight",
) -> None:
    """The targeting report of a specification's candidate models on a survey (HTML, inline SVG)."""
    from inklusi.welfare import service

    with reporting_errors():
        out.write_text(service.targeting_report(survey, persons, spec=spec, weight=weight), encoding="utf-8")
    say(msg("Report written to {path}", path=str(out)), "green")


@welfare.command("specs")
def specs() -> None:
    """The PMT specifications that ship with Inklusi."""
    from inklusi.welfare.spec import packaged_specs

    for name in packaged_specs():
        console.print(name)


@welfare.command("train")
def train(
    survey: Annotated[Path, typer.Argument(help="Survey households (with consumption)", exists=True)],
    persons: Annotated[Path | None, typer.Option(help="The survey's persons file", exists=True)] = None,
    spec: Annotated[str, typer.Option(help="Packaged spec name or YAML path")] = "national",
    weight: Annotated[str, typer.Option(help="Survey weight column")] = "weight",
) -> None:
    """Train a spec's candidates on a survey, choose by out-of-fold targeting, store the model."""
    from inklusi.welfare import service
    from inklusi.welfare.training import leak_warnings

    with open_context() as ctx:
        info = service.train_model(ctx, SYSTEM, survey, persons, spec=spec, weight=weight)
    results = info.metrics["candidates"]
    say(msg("Model {version} stored (chosen: {kind})", version=info.version, kind=info.kind.value), "green")
    for name, m in results.items():
        errors = {c["coverage"]: c["exclusion_error"] for c in m["coverage"]}
        console.print(f"  {name}: R² {m['r2']:.3f}, exclusion error at 40% {100 * errors[0.4]:.1f}%")
    for warning in leak_warnings({name: m["r2"] for name, m in results.items()}):
        say(warning, "bold red")


@welfare.command("rank")
def rank(
    model: Annotated[str | None, typer.Option(help="Model version (default: the newest)")] = None,
    backend: Annotated[
        Literal["duckdb", "pyspark"] | None, typer.Option(help="duckdb or pyspark (default: the setting)")
    ] = None,
) -> None:
    """Score and rank every household of the registry (a new run; earlier runs are kept)."""
    from inklusi.welfare import service

    with open_context() as ctx, showing_steps() as step:
        run = service.rank_registry(
            ctx,
            SYSTEM,
            model_version=model,
            backend=backend,
            progress=step,
        )
    say(
        msg(
            "Ranked {n:,} households ({persons:,} people) with {model}",
            n=run.households,
            persons=run.persons,
            model=run.model_version,
        ),
        "green",
    )


@welfare.command("runs")
def runs() -> None:
    """Ranking runs, newest first."""
    from inklusi.welfare import service

    with open_context() as ctx:
        found = service.list_runs(ctx)
    table = Table("run", "ranked at", "model", "backend", "households", "people")
    for run in found:
        table.add_row(
            str(run.id),
            run.ranked_at.isoformat(timespec="seconds"),
            run.model_version,
            run.backend,
            f"{run.households:,}",
            f"{run.persons:,}",
        )
    console.print(table)


@welfare.command("models")
def models() -> None:
    """Trained models, newest first."""
    from inklusi.welfare import service

    with open_context() as ctx:
        found = service.list_models(ctx)
    for info in found:
        console.print(
            f"{info.version}  {info.kind.value}  {info.created_at:%Y-%m-%d %H:%M}  "
            f"{info.training_fingerprint[:12]}"
        )


@welfare.command("movements")
def movements(
    from_run: Annotated[
        UUID | None, typer.Option("--from", help="Earlier run (default: the one before)")
    ] = None,
    to_run: Annotated[UUID | None, typer.Option("--to", help="Later run (default: the newest)")] = None,
) -> None:
    """How households moved between national deciles from one ranking to the next."""
    from inklusi.welfare import service
    from inklusi.welfare.model import DECILES

    with open_context() as ctx:
        moved = service.movements(ctx, SYSTEM, from_run=from_run, to_run=to_run)
    table = Table("from \\ to", *(str(d) for d in range(1, DECILES + 1)))
    for d, row in enumerate(moved.matrix, start=1):
        table.add_row(str(d), *(f"{n:,}" for n in row))
    console.print(table)
    say(
        msg(
            "Stayed {stayed:,}, richer decile {up:,}, poorer decile {down:,}, new {new:,}, gone {gone:,}",
            stayed=moved.stayed,
            up=moved.moved_up,
            down=moved.moved_down,
            new=moved.entered,
            gone=moved.left,
        )
    )


@welfare.command("explain")
def explain(household_id: UUID, top: Annotated[int, typer.Option(min=1)] = 10) -> None:
    """Why a household has its rank: the proxies' contributions, largest first."""
    from inklusi.welfare import service

    language = settings().language
    with open_context() as ctx:
        found = service.explain_household(ctx, SYSTEM, household_id, language=language)
    rank = found.rank
    say(
        msg(
            "Score {score} · national decile {decile} (percentile {percentile}), province decile "
            "{province}, regency decile {regency}",
            score=f"{rank.score:.3f}",
            decile=rank.national_decile,
            percentile=rank.national_percentile,
            province=rank.province_decile,
            regency=rank.regency_decile,
        )
    )
    say(msg("Average household: {baseline}", baseline=f"{found.baseline:.3f}"))
    for line in found.contributions[:top]:
        console.print(f"  {line.label} = {line.value}: {line.contribution:+.3f} ({line.percent:+.0f}%)")
