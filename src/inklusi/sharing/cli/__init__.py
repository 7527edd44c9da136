"""``inklusi sharing …``: agreements, partner credentials, released tables, data-subject requests and
breach reports."""

import typer

app = typer.Typer(
    help="Safe data sharing: agreements, partners, releases, subject requests.", no_args_is_help=True
)
sharing = app
