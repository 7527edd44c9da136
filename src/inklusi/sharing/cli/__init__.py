"""``inklusi sharing …``: agreements, partner credentials, released tables, data-subject requests and
breach reports."""

import typer

app = typer.Typer(
    help="Safe data sharing: agreements, partners, releases, subject requests.", no_args_is_help=True
)
sharing = app

from inklusi.sharing.cli import subjects  # noqa: E402  (the groups join the app made above)

app.add_typer(subjects.subjects, name="subjects")
app.command("breach")(subjects.breach)
