"""``inklusi ppks …``: vulnerable groups (PPKS): ``identify`` candidates in the registry, list an area's
``candidates``, ``verify`` or ``reject`` a flag, show an area's ``summary`` (the stored, protected
aggregates), and ``evaluate`` the rules on a synthetic population folder.

The command line acts as the system (every permission); ``candidates --role ROLE`` and ``summary --role
ROLE`` narrow it to what a built-in role sees in the area (e.g. without the sensitive categories)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, say, settings, with_steps
from inklusi.i18n import msg

if TYPE_CHECKING:
    from inklusi.access.model import Principal

# The service pulls in Ibis, PyArrow and the welfare models: the command imports it when it runs, so that
# `inklusi --help` stays fast.

ppks = typer.Typer(
    help="Vulnerable groups (PPKS): identification, candidates and decisions, rule evaluation.",
    no_args_is_help=True,
)


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
        result = with_steps(run, quiet=as_json)
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


def _system() -> Principal:
    from inklusi.access.model import Principal

    return Principal.system("cli")


def _as_role(role: str | None, area: str | None) -> Principal:
    """The system, or a built-in role's permissions within ``area`` (``None``: nationwide)."""
    from inklusi.access import service as access
    from inklusi.access.model import Grant, Principal
    from inklusi.errors import Invalid, Issue

    if role is None:
        return _system()
    roles = {r.name: r for r in access.builtin_roles()}
    if role not in roles:
        text = msg("No role {role}; use one of: {known}", role=role, known=", ".join(sorted(roles)))
        raise Invalid(text, [Issue("role", "role.unknown", text)])
    return Principal(None, "cli", f"cli ({role})", None, (Grant(role, roles[role].permissions, area),))


@ppks.command("identify")
def identify(
    rules: Annotated[str, typer.Option(help="Packaged rule set name or YAML path")] = "national",
    backend: Annotated[
        Literal["duckdb", "pyspark"] | None, typer.Option(help="duckdb or pyspark (default: the setting)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Run the PPKS rules over the registry (with the latest welfare deciles): new candidates, candidates
    whose evidence went away retired; verified and rejected flags are kept."""
    from inklusi.cases import service as cases
    from inklusi.ppks import service

    with open_context() as ctx, reporting_errors():
        # the services recorded in cases meet needs as the registry's programmes do
        run_on = partial(
            service.identify,
            ctx,
            _system(),
            rules=rules,
            backend=backend,
            services=cases.delivered_services(ctx),
        )
        run = with_steps(run_on, quiet=as_json)
    summary = {
        "run": str(run.id),
        "rules": run.rules,
        "registry_at": run.registry_at.isoformat(),
        "welfare_run": str(run.welfare_run_id) if run.welfare_run_id else None,
        "skipped_rules": list(run.skipped_rules),
        "candidates": run.candidates,
        "new": run.new_flags,
        "changed": run.changed,
        "retired": run.retired,
        "unchanged": run.unchanged,
        "by_category": run.by_category,
        "cells": run.cells,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    say(
        msg(
            "PPKS identification {rules}: {candidates:,} candidates; {new:,} new, {changed:,} changed, "
            "{retired:,} retired, {unchanged:,} unchanged.",
            rules=run.rules,
            candidates=run.candidates,
            new=run.new_flags,
            changed=run.changed,
            retired=run.retired,
            unchanged=run.unchanged,
        )
    )
    say(msg("{cells:,} cells of protected aggregates stored (inklusi ppks summary).", cells=run.cells))
    if run.skipped_rules:
        say(msg("Rules skipped without deciles: {rules}", rules=", ".join(run.skipped_rules)), "yellow")
    table = Table(title=msg("Candidates by category").render(settings().language))
    table.add_column("category")
    table.add_column("found", justify="right")
    for code, count in run.by_category.items():
        table.add_row(code, f"{count:,}")
    console.print(table)


@ppks.command("candidates")
def candidates(
    area: Annotated[str, typer.Option(help="An area code (PP, PP.RR, PP.RR.DD or a village)")],
    category: Annotated[str | None, typer.Option(help="Only this category")] = None,
    status: Annotated[
        Literal["candidate", "verified", "rejected", "retired"] | None, typer.Option(help="Only this status")
    ] = None,
    role: Annotated[
        str | None, typer.Option(help="See the area as this built-in role would (default: everything)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """The PPKS flags of an area and the areas inside it (audited)."""
    from inklusi.ppks import service
    from inklusi.ppks.flags import FlagStatus

    with open_context() as ctx, reporting_errors():
        page = service.candidates_in(
            ctx,
            _as_role(role, area),
            area,
            category=category,
            status=FlagStatus(status) if status else None,
            limit=limit,
            offset=offset,
        )
    if as_json:
        flags = [
            {
                **{k: str(v) if isinstance(v, UUID) else v for k, v in f.__dict__.items()},
                "status": f.status.value,
                "registry_at": f.registry_at.isoformat(),
                "since": f.since.isoformat(),
                "decided_at": f.decided_at.isoformat() if f.decided_at else None,
                "birth_date": f.birth_date.isoformat() if f.birth_date else None,
            }
            for f in page.flags
        ]
        document = {"area": page.area_code, "total": page.total, "offset": page.offset, "flags": flags}
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    say(msg("{n} flags in {area}", n=page.total, area=page.area_code))
    table = Table()
    for heading in ("flag", "person", "name", "sex", "age", "lives in", "category", "status", "rule"):
        table.add_column(heading)
    for f in page.flags:
        table.add_row(
            str(f.id),
            str(f.person_id),
            f.name or "–",
            f.sex or "–",
            "–" if f.age is None else str(f.age),
            f.village_code or f.area_code,
            f.category,
            f.status.value,
            f.rule_id,
        )
    console.print(table)


@ppks.command("verify")
def verify(
    flag_id: Annotated[UUID, typer.Argument(help="The flag's id (inklusi ppks candidates)")],
    note: Annotated[str | None, typer.Option(help="What was checked")] = None,
) -> None:
    """Verify a flag: kept whatever later runs find."""
    from inklusi.ppks import service

    with open_context() as ctx, reporting_errors():
        flag = service.verify(ctx, _system(), flag_id, note=note)
    say(msg("Flag {id} is {status}", id=str(flag.id), status=flag.status.value), "green")


@ppks.command("reject")
def reject(
    flag_id: Annotated[UUID, typer.Argument(help="The flag's id (inklusi ppks candidates)")],
    reason: Annotated[str, typer.Option(help="Why the flag is wrong (required)")],
) -> None:
    """Reject a flag with a reason: kept whatever later runs find."""
    from inklusi.ppks import service

    with open_context() as ctx, reporting_errors():
        flag = service.reject(ctx, _system(), flag_id, reason=reason)
    say(msg("Flag {id} is {status}", id=str(flag.id), status=flag.status.value), "green")


Level = Literal["province", "regency", "district", "village"]
Measure = Literal["flagged", "verified", "unmet_need", "unserved", "outside_households"]


@ppks.command("summary")
def summary(
    area: Annotated[str | None, typer.Option(help="An area code (PP, PP.RR, …); default: the nation")] = None,
    level: Annotated[Level | None, typer.Option(help="Also list every area of this deeper level")] = None,
    measure: Annotated[
        Measure | None, typer.Option(help="Only this measure (the tables: flagged when not given)")
    ] = None,
    role: Annotated[
        str | None, typer.Option(help="See the area as this built-in role would (default: everything)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the API's summary document)")] = False,
) -> None:
    """The protected who/where/what of an area from the latest identification run: counts of flagged
    people by category and sex, age group, decile and child area; suppressed cells shown as x."""
    from inklusi.disclosure import MARKER
    from inklusi.ppks import service
    from inklusi.ppks.schemas import SummaryOut

    with open_context() as ctx, reporting_errors():
        shown = [measure] if measure else None
        found = service.summary(ctx, _as_role(role, area), area, level=level, measures=shown)
    if as_json:
        typer.echo(json.dumps(SummaryOut.of(found).model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    chosen = measure or "flagged"
    say(
        msg(
            "PPKS summary of {area} ({level}): run {run} of {when}, reference date {day}",
            area=found.area_code,
            level=found.level,
            run=str(found.run_id),
            when=found.computed_at.isoformat(timespec="minutes"),
            day=found.reference_date,
        )
    )
    say(
        msg(
            "{marker}: suppressed (fewer than {sensitive} people in a sensitive category, {personal} in "
            "another, or hidden so that no suppressed figure can be derived); a blank is 0.",
            marker=MARKER,
            sensitive=found.thresholds.sensitive,
            personal=found.thresholds.personal,
        ),
        "yellow",
    )
    if not found.sensitive:
        say(msg("Sensitive categories and the totals over categories are not shown to this role."), "yellow")
    for table in found.tables:
        if table.measure == chosen:
            console.print(_summary_table(table, MARKER))


def _summary_table(table, marker: str) -> Table:
    """Categories x keys (areas x categories for the area slices, which may be long)."""
    from inklusi.ppks.publication import SLICES

    by_area = table.slice in ("child_area", "level")
    keys = table.keys if by_area else (*SLICES.get(table.slice, ()), *table.keys)
    keys = (*dict.fromkeys(k for k in keys if k != "all"), "all")  # every column; a blank is 0
    rows, columns = (keys, table.categories) if by_area else (table.categories, keys)
    out = Table(title=f"{table.measure} × {table.slice}")
    out.add_column(table.slice if by_area else "category")
    for column in columns:
        out.add_column(column, justify="right")

    def shown(category: str, key: str) -> str:
        cell = table.get(category, key)
        return marker if cell.suppressed else ("" if not cell.value else f"{cell.value:,}")

    for row in rows:
        out.add_row(row, *(shown(c, row) if by_area else shown(row, c) for c in columns))
    return out
