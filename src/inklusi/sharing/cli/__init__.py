"""``inklusi sharing …``: agreements, partner credentials, released tables, data-subject requests and
breach reports."""

import typer

app = typer.Typer(
    help="Safe data sharing: agreements, partners, releases, subject requests.", no_args_is_help=True
)
sharing = app

from inklusi.sharing.cli import agreements, clients  # noqa: E402

app.add_typer(agreements.app, name="agreements")
app.add_typer(clients.app, name="clients")
