"""``inklusi sharing clients …``: partner credentials — list, issue (the secret printed once), rotate (a new
secret printed once; the old one stops), revoke with a reason."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, say
from inklusi.i18n import msg
from inklusi.sharing.cli.agreements import JsonOption, UserOption, acting, print_json

app = typer.Typer(help="Partner credentials: issue, rotate, revoke.", no_args_is_help=True)


def _shown_once(client_id: str, secret: str) -> None:
    say(msg("The secret is shown this once: give it to the partner now."), style="bold")
    typer.echo(f"client_id={client_id}\nclient_secret={secret}")


@app.command("list")
def list_clients(
    agreement: Annotated[
        UUID | None, typer.Option("--agreement", help="Only this agreement's clients")
    ] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """The partner clients, newest first (never a secret)."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        found = service.list_clients(ctx, acting(ctx, user), agreement)
    if as_json:
        print_json([asdict(c) for c in found])
        return
    table = Table("client_id", "name", "agreement", "revoked")
    for c in found:
        table.add_row(c.client_id, c.name, str(c.agreement_id), str(c.revoked_at or "–"))
    console.print(table)


@app.command("issue")
def issue(
    agreement_id: Annotated[UUID, typer.Argument(help="The agreement the client is bound to")],
    name: Annotated[str, typer.Option("--name", help="The client's name (the partner's system)")],
    user: UserOption = None,
) -> None:
    """Issue credentials bound to an agreement."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        issued = service.issue_client(ctx, acting(ctx, user), agreement_id, name=name)
    _shown_once(issued.client_id, issued.client_secret)


@app.command("rotate")
def rotate(
    client_id: Annotated[str, typer.Argument(help="The client's id")], user: UserOption = None
) -> None:
    """A new secret; the old one and its tokens stop at once."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        issued = service.rotate_secret(ctx, acting(ctx, user), client_id)
    _shown_once(issued.client_id, issued.client_secret)


@app.command("revoke")
def revoke(
    client_id: Annotated[str, typer.Argument(help="The client's id")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is revoked")],
    user: UserOption = None,
) -> None:
    """Revoke a client: its tokens stop at once."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        service.revoke_client(ctx, acting(ctx, user), client_id, reason=reason)
    say(msg("Partner client {id} revoked", id=client_id))
