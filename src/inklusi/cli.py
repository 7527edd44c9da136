"""The ``inklusi`` command: every slice adds its commands here."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from rich.table import Table

from inklusi import bootstrap
from inklusi.access.cli import orgs, users
from inklusi.app import create_app
from inklusi.audit.cli import audit
from inklusi.console import console, reporting_errors, say, settings
from inklusi.i18n import msg
from inklusi.wilayah.cli import areas, nik

app = typer.Typer(
    help="Inklusi — registri sosial ekonomi / socio-economic registry.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(areas, name="areas")
app.add_typer(nik, name="nik")
app.add_typer(audit, name="audit")
app.add_typer(users, name="users")
app.add_typer(orgs, name="orgs")


@app.command()
def init(
    admin_password: Annotated[
        str | None, typer.Option(envvar="INKLUSI_ADMIN_PASSWORD", help="Default: a random one, printed once")
    ] = None,
) -> None:
    """Create the data folder, secrets and database, and load the reference data (safe to repeat)."""
    with reporting_errors():
        report = bootstrap.init(settings(), admin_password=admin_password)
    language = settings().language
    table = Table(show_header=False)
    table.add_row(msg("Data folder").render(language), str(report.data_dir.resolve()))
    table.add_row(msg("Database").render(language), report.database_url)
    table.add_row(
        msg("Areas").render(language),
        " / ".join(f"{n:,}" for n in report.area_counts.values()),
    )
    table.add_row(msg("Roles").render(language), ", ".join(report.roles))
    console.print(table)
    if report.admin_password:
        say(
            msg(
                "Administrator created: admin / {password} (also in {file})",
                password=report.admin_password,
                file=str(settings().admin_password_file),
            ),
            "bold yellow",
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the API (and, later, the web application)."""
    current = settings()
    uvicorn.run(create_app(current), host=host or current.host, port=port or current.port)


def main() -> None:
    app()
