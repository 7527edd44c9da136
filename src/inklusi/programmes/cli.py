"""``inklusi programmes …``: social assistance programmes. ``evaluate`` simulates programmes on a synthetic
population folder and measures them against its truth (expected errors beside measured ones).

Over the registry: ``simulate`` programmes (``--save`` them as scenarios), the saved ``scenarios``,
``freeze`` a scenario as a cycle's beneficiary list, the ``lists``, ``export`` a list, the ``grievances``
queue. ``--user`` acts as a named user (their roles and areas; every read audited as theirs); without it,
the command acts as the system."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, say, settings, with_steps
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg

if TYPE_CHECKING:
    from inklusi.access.model import Principal
    from inklusi.context import Context
    from inklusi.programmes.service import FolderEvaluation

# The service pulls in Ibis and the welfare models: imported when a command runs (a fast `inklusi --help`).

app = typer.Typer(help="Social assistance programmes: simulation and evaluation.", no_args_is_help=True)
programmes = app


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
        result = with_steps(run, quiet=as_json)
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


# --- Over the registry: simulations, scenarios, lists, grievances ---------------------------------------

UserOption = Annotated[
    str | None, typer.Option("--user", help="Act as this user (their roles and areas); default: the system")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the API's document)")]


def _as(ctx: Context, username: str | None) -> Principal:
    from inklusi.access import service as access
    from inklusi.access.model import Principal

    return access.principal_of(ctx, username) if username else Principal.system("cli")


def _echo(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _table(columns: list[str], rows: list[list[object]]) -> None:
    table = Table(*columns)
    for row in rows:
        table.add_row(*("–" if v is None else str(v) for v in row))
    console.print(table)


@app.command("simulate")
def simulate(
    specs: Annotated[list[str], typer.Argument(help="Programme names (shipped or stored) or YAML files")],
    budget: Annotated[
        float | None, typer.Option("--budget", help="Rupiah per year (every programme)")
    ] = None,
    save: Annotated[
        str | None, typer.Option("--save", help="Save the outcomes as scenarios of this name")
    ] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Simulate programmes together on the current registry and the latest welfare ranking."""
    from inklusi.programmes import service
    from inklusi.programmes.spec import load_programme

    with open_context() as ctx, reporting_errors():
        principal = _as(ctx, user)
        loaded = [
            load_programme(s)
            if s.endswith((".yaml", ".yml"))
            else service.get_programme(ctx, principal, s).spec
            for s in specs
        ]
        budgets = {s.name: budget for s in loaded} if budget is not None else None
        result = service.simulate_registry(ctx, principal, loaded, budgets=budgets, save_as=save)
    if as_json:
        _echo({**result.simulation.as_dict(), "scenario_ids": result.scenario_ids})
        return
    _table(
        ["programme", "eligible", "beneficiaries", "people", "cost", "incl. error", "excl. error"],
        [
            [o.spec_key, o.eligible, o.beneficiaries, o.people, f"{o.cost:,.0f}", o.expected_inclusion_error,
             o.expected_exclusion_error]
            for o in result.simulation.outcomes
        ],
    )  # fmt: skip
    for name, scenario_id in result.scenario_ids.items():
        say(msg("Scenario {id} saved for {programme}", id=str(scenario_id), programme=name))


@app.command("scenarios")
def scenarios(
    programme: Annotated[str | None, typer.Option("--programme", help="Only this programme")] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """The saved scenarios, newest first."""
    from inklusi.programmes import service

    with open_context() as ctx, reporting_errors():
        found = service.list_scenarios(ctx, _as(ctx, user), programme)
    if as_json:
        _echo([asdict(s) for s in found])
        return
    _table(
        ["id", "name", "programme", "budget", "beneficiaries", "cost", "created"],
        [[s.id, s.name, s.spec_key, s.budget, s.outcome.get("beneficiaries"), s.outcome.get("cost"),
          s.created_at] for s in found],
    )  # fmt: skip


@app.command("freeze")
def freeze(
    scenario: Annotated[UUID, typer.Argument(help="The scenario's id")],
    cycle: Annotated[str, typer.Option("--cycle", help="The cycle the list is for (e.g. 2025-1)")],
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Freeze a scenario as the beneficiary list of a cycle (re-simulated on the current registry)."""
    from inklusi.programmes import service

    with open_context() as ctx, reporting_errors():
        frozen = service.freeze(ctx, _as(ctx, user), scenario, cycle=cycle)
    if as_json:
        _echo(asdict(frozen))
        return
    cost = f"{frozen.cost:,.0f}"
    say(msg("List {id} frozen: {households} households, cost {cost}", id=str(frozen.id),
            households=frozen.households, cost=cost))  # fmt: skip


@app.command("lists")
def lists(user: UserOption = None, as_json: JsonOption = False) -> None:
    """The frozen beneficiary lists, newest first."""
    from inklusi.programmes import service

    with open_context() as ctx, reporting_errors():
        found = service.list_lists(ctx, _as(ctx, user))
    if as_json:
        _echo([asdict(item) for item in found])
        return
    _table(
        ["id", "programme", "cycle", "households", "people", "cost", "frozen"],
        [[i.id, i.spec_key, i.cycle, i.households, i.people, f"{i.cost:,.0f}", i.frozen_at] for i in found],
    )


@app.command("export")
def export(
    list_id: Annotated[UUID, typer.Argument(help="The list's id")],
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or parquet")] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write (default: its own name)")
    ] = None,
    area: Annotated[str | None, typer.Option("--area", help="Only this area (PP, PP.RR, …)")] = None,
    user: UserOption = None,
) -> None:
    """Export a list's households (in the user's scope) as CSV, XLSX or Parquet."""
    from inklusi.programmes import service

    with open_context() as ctx, reporting_errors():
        exported = service.export_list(ctx, _as(ctx, user), list_id, fmt, area=area)  # type: ignore[arg-type]  # checked by the service
    path = out or Path(exported.filename)
    path.write_bytes(exported.content)
    say(msg("Written {path}", path=str(path)))


@app.command("grievances")
def grievances(
    status: Annotated[
        str, typer.Option("--status", help="submitted, upheld, dismissed or all")
    ] = "submitted",
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """The grievances to decide in the user's scope (or the user's own)."""
    from inklusi.programmes import service

    with open_context() as ctx, reporting_errors():
        found = service.grievance_queue(ctx, _as(ctx, user), status=None if status == "all" else status)
    if as_json:
        _echo([asdict(g) for g in found])
        return
    _table(
        ["id", "household", "village", "kind", "status", "submitted", "by"],
        [[g.id, g.household_id, g.village_code, g.kind, g.status, g.submitted_at, g.submitted_by_name]
         for g in found],
    )  # fmt: skip
