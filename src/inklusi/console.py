"""What every slice's command line shares: the Rich console, settings, context and error display."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from inklusi.config import Settings

if TYPE_CHECKING:
    from inklusi.context import Context
from inklusi.errors import InklusiError, NotInitialised
from inklusi.i18n import Text, msg

DEMO_DATA_DIR = Path("inklusi-demo")  # where `inklusi demo` (and `make demo`) keeps its registry
console = Console()
errors = Console(stderr=True)


def settings() -> Settings:
    return Settings()


def say(text: Text, style: str | None = None) -> None:
    console.print(text.render(settings().language), style=style)


def show_error(error: InklusiError) -> None:
    language = settings().language
    errors.print(f"[bold red]{error.text.render(language)}[/]")
    for issue in error.issues:
        errors.print(f"  • [cyan]{issue.field}[/] ({issue.code}): {issue.text.render(language)}")


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Show a domain error in the user's language and exit 1, instead of a traceback."""
    try:
        yield
    except InklusiError as error:
        show_error(error)
        raise typer.Exit(1) from None


T = TypeVar("T")
Step = Callable[..., None]  # step(text, done=0, total=None): what a long service call is doing now


@contextmanager
def showing_steps(*, keep: bool = False) -> Iterator[Step]:
    """A Rich spinner (and bar, once a total is known) for a long service call, which reports its steps
    through the callback this yields (services stay free of Rich). ``keep``: print each finished step."""
    language = settings().language
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=None)
        current: list[str] = []

        def step(text: Text, done: int = 0, total: int | None = None) -> None:
            description = text.render(language)
            if keep and current and current[-1] != description:
                progress.console.print(f"[dim]✓[/] {current[-1]}")
            if not current or current[-1] != description:
                current.append(description)
            progress.update(task, description=description, completed=done, total=total)

        yield step
        if keep and current:
            progress.console.print(f"[dim]✓[/] {current[-1]}")


def with_steps(run: Callable[..., T], *, quiet: bool) -> T:
    """``run(progress=step)`` under :func:`showing_steps`, or ``run()`` alone when ``quiet`` (the command
    prints JSON, which a spinner must not interleave)."""
    if quiet:
        return run()
    with showing_steps() as step:
        return run(progress=step)


@contextmanager
def pointing_at_the_demo() -> Iterator[None]:
    """When the configured data folder holds no registry but the demo's does, say how to use the demo's.
    Never switches on its own: a command meant for a real registry must not run on the demo (or create a
    second, empty one)."""
    try:
        yield
    except NotInitialised as error:
        show_error(error)
        current = settings()
        demo = DEMO_DATA_DIR.resolve()
        if current.data_dir.resolve() != demo and (demo / "secrets" / "audit.key").exists():
            text = msg(
                "A demo registry exists in {path}. To use it: export INKLUSI_DATA_DIR={path}", path=str(demo)
            )
            errors.print(f"[yellow]{text.render(current.language)}[/]", soft_wrap=True)
        raise typer.Exit(1) from None


@contextmanager
def open_context() -> Iterator[Context]:
    from inklusi.context import Context  # SQLAlchemy and the database: only for commands that use them
    from inklusi.instrument.uploads import remove_stale

    with reporting_errors(), pointing_at_the_demo():
        ctx = Context.open(settings())
        remove_stale(ctx.settings.data_dir)  # uploads a killed server left behind
        try:
            yield ctx
        finally:
            ctx.close()
