"""``inklusi instrument …`` (export the questionnaire), ``inklusi import FILE…`` and ``inklusi imports …``
(what came in, what was held back and why)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.progress import Progress, TaskID
from rich.table import Table

from inklusi.access.model import Principal
from inklusi.console import console, open_context, say, settings
from inklusi.i18n import msg
from inklusi.instrument.model import available, load
from inklusi.registry.enumeration import ROUND_COUNT_LABELS

if TYPE_CHECKING:
    from inklusi.instrument.service import ImportResult

# The import service, the XLSForm writer and the reports pull in pandas, PyArrow and pyxform: they are
# imported by the commands that use them, so that `inklusi --help` stays fast.

instrument = typer.Typer(
    help="The questionnaire: export it for ODK/Kobo and for paper.", no_args_is_help=True
)
imports = typer.Typer(help="Imports of enumeration rounds: list them, get their error reports.")
Name = Annotated[str, typer.Option("--instrument", help="Instrument definition (see `instrument list`)")]


@instrument.command("list")
def list_instruments() -> None:
    """The instrument definitions this Inklusi holds, with their versions."""
    language = settings().language
    table = Table(
        msg("Name").render(language), msg("Version").render(language), msg("Title").render(language)
    )
    for name in available():
        found = load(name)
        table.add_row(name, found.version, found.title(language))
    console.print(table)


@instrument.command("export")
def export(
    xlsform: Annotated[
        Path | None, typer.Option(help="Write the XLSForm (.xlsx) for ODK Central/Kobo")
    ] = None,
    html: Annotated[Path | None, typer.Option(help="Write the printable questionnaire (HTML)")] = None,
    language: Annotated[str, typer.Option(help="Language of the printable questionnaire: id or en")] = "id",
    name: Name = "regsosek22k",
) -> None:
    """Export the instrument: XLSForm for the field apps, HTML for paper (print it to PDF)."""
    if xlsform is None and html is None:
        raise typer.BadParameter("--xlsform FILE and/or --html FILE")
    from inklusi.instrument.printable import questionnaire_html
    from inklusi.instrument.xlsform import write_xlsform

    chosen = load(name)
    if xlsform is not None:
        write_xlsform(chosen, xlsform)
        say(msg("XLSForm written: {path}", path=str(xlsform)), "green")
    if html is not None:
        html.write_text(questionnaire_html(chosen, "en" if language == "en" else "id"), encoding="utf-8")
        say(msg("Printable questionnaire written: {path}", path=str(html)), "green")


def import_files(
    files: Annotated[list[Path], typer.Argument(help="ODK Central CSV/ZIP, Kobo JSON, JSON Lines, Parquet")],
    source: Annotated[
        str | None, typer.Option(help="Source name on every version (default: file name)")
    ] = None,
    valid_from: Annotated[
        str | None, typer.Option(help="When the round's data became true (YYYY-MM-DD; default now)")
    ] = None,
    errors_dir: Annotated[
        Path | None, typer.Option(help="Folder for error reports (default: next to each file)")
    ] = None,
    name: Name = "regsosek22k",
) -> None:
    """Import enumeration rounds. Valid forms go in, the rest are held with every reason; the error report
    and the held forms (to fix and import again) are written next to the file."""
    from inklusi.instrument import service

    current = settings()
    language = current.language
    principal = Principal.system("cli")
    with open_context() as ctx:
        effective = service.day_start(valid_from, current.timezone)
        for path in files:
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task(path.name, total=None)
                result = service.import_file(
                    ctx,
                    principal,
                    path,
                    source=source,
                    valid_from=effective,
                    instrument_name=name,
                    progress=_advance(progress, task),
                )
            show_import(result, language)
            if result.held and not result.already_imported:
                folder = errors_dir or path.parent
                written = _write_reports(ctx, principal, result.batch_id, folder, path.stem)
                say(msg("Error report: {csv}; held forms to fix: {jsonl}", csv=written[0], jsonl=written[1]))


@imports.command("list")
def list_batches(limit: int = 20) -> None:
    """The latest imports."""
    from inklusi.instrument import service

    language = settings().language
    headers = ("Import", "File", "Forms", "Accepted", "Unchanged", "Held")
    table = Table(*(msg(h).render(language) for h in headers))
    table.columns[0].min_width = 36  # the whole id, to pass to `imports errors`
    with open_context() as ctx:
        for batch in service.recent_batches(ctx, Principal.system("cli"), limit=limit):
            table.add_row(
                str(batch.batch_id),
                batch.file_name,
                *map(str, (batch.forms, batch.accepted, batch.unchanged, batch.held)),
            )
    console.print(table)


@imports.command("errors")
def errors(
    batch_id: UUID,
    out: Annotated[Path, typer.Option(help="Folder for the error report and the held forms")] = Path(),
    name: Name = "regsosek22k",
) -> None:
    """Write a batch's error report (CSV, both languages) and its held forms (JSON Lines, to fix)."""
    with open_context() as ctx:
        written = _write_reports(ctx, Principal.system("cli"), batch_id, out, str(batch_id))
    say(msg("Error report: {csv}; held forms to fix: {jsonl}", csv=written[0], jsonl=written[1]))


def _write_reports(ctx, principal, batch_id: UUID, folder: Path, stem: str) -> tuple[str, str]:
    from inklusi.instrument.service import reports

    report, held = reports.batch_reports(ctx, principal, batch_id)
    folder.mkdir(parents=True, exist_ok=True)
    report_path, held_path = folder / f"{stem}.errors.csv", folder / f"{stem}.held.jsonl"
    report_path.write_text(report, encoding="utf-8")
    held_path.write_text(held, encoding="utf-8")
    return str(report_path), str(held_path)


def _advance(progress: Progress, task: TaskID) -> Callable[[int, int], None]:
    """What an import calls as it goes: moves ``task``'s bar."""
    return lambda done, total: progress.update(task, completed=done, total=total)


def show_import(result: ImportResult, language: str) -> None:
    if result.already_imported:
        say(
            msg(
                "{file} was imported before (import {id}): nothing changed",
                file=result.file_name,
                id=str(result.batch_id),
            ),
            "yellow",
        )
        return
    say(
        msg(
            "{file}: {forms} forms, {accepted} accepted, {unchanged} unchanged, {held} held",
            file=result.file_name,
            forms=result.forms,
            accepted=result.accepted,
            unchanged=result.unchanged,
            held=result.held,
        ),
        "red" if result.held else "green",
    )
    totals = result.report.get("totals", {})
    table = Table(show_header=False)
    for key, label in ROUND_COUNT_LABELS.items():
        if totals.get(key):
            table.add_row(label.render(language), f"{totals[key]:,}")
    if table.row_count:
        console.print(table)
