"""``inklusi areas …`` and ``inklusi nik …``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, settings
from inklusi.i18n import msg
from inklusi.wilayah.model import Area, AreaLevel
from inklusi.wilayah.nik import NumberCheck

areas = typer.Typer(
    help="Areas: province, regency, district, village (Kemendagri 2025).", no_args_is_help=True
)
nik = typer.Typer(help="Check and decode NIK and KK numbers.", no_args_is_help=True)

LEVEL_NAMES = {
    AreaLevel.province: msg("Province"),
    AreaLevel.regency: msg("Regency/city"),
    AreaLevel.district: msg("District"),
    AreaLevel.village: msg("Village"),
}


def _areas_table(rows: list[Area]) -> Table:
    language = settings().language
    table = Table(show_header=True, header_style="bold")
    for header in (msg("Level"), msg("Code"), msg("Name"), msg("Population")):
        table.add_column(header.render(language))
    for area in rows:
        population = f"{area.population:,}" if area.population else ""
        table.add_row(LEVEL_NAMES[area.level].render(language), area.code, area.name, population)
    return table


@areas.command("get")
def get(code: str) -> None:
    """Show an area with its district, regency and province."""
    from inklusi.wilayah import service

    with open_context() as ctx:
        found = service.get_with_ancestors(ctx, code)
    console.print(_areas_table([*found.ancestors, found.area]))


@areas.command("children")
def children(code: Annotated[str | None, typer.Argument()] = None) -> None:
    """List the areas directly below CODE (the provinces without CODE)."""
    from inklusi.wilayah import service

    with open_context() as ctx:
        console.print(_areas_table(service.children(ctx, code)))


@areas.command("search")
def search(
    name: str,
    within: Annotated[str | None, typer.Option(help="Only inside this area code")] = None,
    level: Annotated[AreaLevel | None, typer.Option()] = None,
    limit: int = 20,
) -> None:
    """Find areas by name ("Kab. Bandung", "kota bandung", "Regapu'u" …)."""
    from inklusi.wilayah import service

    with open_context() as ctx:
        console.print(_areas_table(service.search(ctx, name, within=within, level=level, limit=limit)))


def _show_number(check: NumberCheck) -> None:
    language = settings().language
    table = Table(show_header=False)
    verdict = msg("valid") if check.valid else msg("NOT valid")
    table.add_row(msg("Number").render(language), f"{check.value} ({verdict.render(language)})")
    if check.district_code:
        table.add_row(msg("District").render(language), check.district_code)
    if check.date:
        table.add_row(msg("Date").render(language), check.date.isoformat())
    if check.sex:
        sex = msg("female") if check.sex.name == "female" else msg("male")
        table.add_row(msg("Sex").render(language), sex.render(language))
    if check.serial:
        table.add_row(msg("Serial").render(language), check.serial)
    console.print(table)
    for issue in check.issues:
        style = "red" if issue.severity == "error" else "yellow"
        console.print(f"[{style}]{issue.severity}[/] {issue.code}: {issue.text.render(language)}")
    if not check.valid:
        raise typer.Exit(1)


@nik.command("parse")
def parse(number: str) -> None:
    """Decode a NIK: district of first registration, birth date and sex."""
    from inklusi.wilayah import service

    with reporting_errors():
        _show_number(service.check_nik(number))


@nik.command("kk")
def parse_kk(number: str) -> None:
    """Decode a KK (family card) number: district and date of issue."""
    from inklusi.wilayah import service

    with reporting_errors():
        _show_number(service.check_kk(number))
