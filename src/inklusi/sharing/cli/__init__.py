"""``inklusi sharing …``: agreements, partner credentials, released tables, data-subject requests and
breach reports."""

import typer

from inklusi.sharing.cli import agreements, clients, releases, subjects

app = typer.Typer(
    help="Safe data sharing: agreements, partners, releases, subject requests.", no_args_is_help=True
)
sharing = app
app.add_typer(agreements.app, name="agreements")
app.add_typer(clients.app, name="clients")
app.add_typer(releases.app, name="releases")
app.add_typer(subjects.subjects, name="subjects")
app.command("breach")(subjects.breach)
