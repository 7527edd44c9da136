"""What every slice's command line shares: the Rich console, settings, context and error display."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from inklusi.config import Settings
from inklusi.context import Context
from inklusi.errors import InklusiError
from inklusi.i18n import Text
from inklusi.instrument.uploads import remove_stale

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


@contextmanager
def open_context() -> Iterator[Context]:
    with reporting_errors():
        ctx = Context.open(settings())
        remove_stale(ctx.settings.data_dir)  # uploads a killed server left behind
        try:
            yield ctx
        finally:
            ctx.close()
