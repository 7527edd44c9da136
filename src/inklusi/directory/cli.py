"""``inklusi directory …``: the service directory (Open Referral HSDS 3): ``import`` an HSDS file (records
with problems are refused one by one and listed; the others go in) and ``export`` the whole directory.

The command line acts as the system (every permission)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from inklusi.console import console, errors, open_context, reporting_errors, say, settings
from inklusi.i18n import msg

directory = typer.Typer(
    help="The service directory (Open Referral HSDS 3): import and export.", no_args_is_help=True
)


@directory.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(help="An HSDS 3 JSON file: a list of services, a page (contents) or one service")
    ],
) -> None:
    """Import services from an HSDS 3 file: valid records go in (the same file again changes nothing);
    records with problems are listed, and the command then ends with status 1."""
    from inklusi.access.model import Principal
    from inklusi.directory import service
    from inklusi.errors import Invalid, Issue

    language = settings().language
    with open_context() as ctx, reporting_errors():
        if not file.is_file():
            text = msg("{path} is not a file", path=str(file))
            raise Invalid(text, [Issue("file", "directory.file", text)])
        document = service.read_document(file.read_bytes(), file.name)
        report = service.import_hsds(ctx, Principal.system("cli"), document, source=file.name)
    table = Table(show_header=False)
    for label, value in (
        (msg("Records"), report.received),
        (msg("Created"), report.created),
        (msg("Updated"), report.updated),
        (msg("Unchanged"), report.unchanged),
        (msg("Refused"), report.rejected),
    ):
        table.add_row(label.render(language), f"{value:,}")
    console.print(table)
    for issue in report.issues:
        style = "red" if issue.severity == "error" else "yellow"
        errors.print(f"  • [cyan]{issue.field}[/] ({issue.code}): [{style}]{issue.text.render(language)}[/]")
    if report.errors:
        raise typer.Exit(1)


@directory.command("export")
def export(
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (default: print)")] = None,
) -> None:
    """Export the whole directory as HSDS 3 (a JSON list of service objects)."""
    from inklusi.directory import service

    with open_context() as ctx, reporting_errors():
        document = service.export_hsds(ctx)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)  # the document itself, for a pipe
        return
    out.write_text(text + "\n", encoding="utf-8")
    say(msg("{n} services written to {path}", n=len(document), path=str(out)), "green")
