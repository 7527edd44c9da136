"""``inklusi registry …``: maintenance of the registry, and people registered outside households."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from inklusi.console import console, open_context, reporting_errors, say
from inklusi.i18n import msg

registry = typer.Typer(help="The registry of households, families and persons.", no_args_is_help=True)


class Situation(StrEnum):
    """The ``living_situation`` codes by name."""

    street = "street"
    institution = "institution"
    shelter = "shelter"
    other = "other"


SITUATION_CODES = {Situation.street: 1, Situation.institution: 2, Situation.shelter: 3, Situation.other: 9}


@registry.command("reindex-names")
def reindex_names() -> None:
    """Rebuild the name search index from the current names (after the name rules changed)."""
    from inklusi.registry import service

    with open_context() as ctx, Progress(console=console, transient=True) as progress:
        task = progress.add_task("names", total=None)
        done = service.rebuild_name_index(ctx, progress=lambda n: progress.update(task, completed=n))
    say(msg("{n:,} names indexed", n=done), "green")


@registry.command("import-outside")
def import_outside(
    file: Annotated[
        Path, typer.Argument(help="Parquet in the layout of outside_households.parquet", exists=True)
    ],
    source: Annotated[str, typer.Option(help="Source name on every version (an outreach round, a panti)")],
    situation: Annotated[
        Situation,
        typer.Option(help="Living situation of rows without a living_situation column value"),
    ] = Situation.street,
) -> None:
    """Register people found outside any household (sleeping rough, in a panti): an area, no family or KK.
    All or nothing: a file with any problem is refused, every problem named by row and field."""
    from inklusi.access.model import Principal
    from inklusi.registry import service

    with reporting_errors(), open_context() as ctx:
        records = service.read_outside_file(file, living_situation=SITUATION_CODES[situation])
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(file.name, total=len(records))
            done = service.register_persons_outside(
                ctx,
                Principal.system("cli"),
                records,
                source=source,
                progress=lambda n: progress.update(task, completed=n),
            )
    say(
        msg(
            "{n:,} persons outside households registered (batch {batch})",
            n=len(done.person_ids),
            batch=str(done.batch_id),
        ),
        "green",
    )
