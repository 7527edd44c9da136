"""``inklusi registry …``: maintenance of the registry."""

from __future__ import annotations

import typer
from rich.progress import Progress

from inklusi.console import console, open_context, say
from inklusi.i18n import msg

registry = typer.Typer(help="The registry of households, families and persons.", no_args_is_help=True)


@registry.command("reindex-names")
def reindex_names() -> None:
    """Rebuild the name search index from the current names (after the name rules changed)."""
    from inklusi.registry import service

    with open_context() as ctx, Progress(console=console, transient=True) as progress:
        task = progress.add_task("names", total=None)
        done = service.rebuild_name_index(ctx, progress=lambda n: progress.update(task, completed=n))
    say(msg("{n:,} names indexed", n=done), "green")
