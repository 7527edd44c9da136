"""``inklusi users …`` and ``inklusi orgs …``: run as the system, on the local installation."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from inklusi.access.model import OrganisationKind, Principal
from inklusi.console import console, open_context, say
from inklusi.errors import Invalid
from inklusi.i18n import msg

users = typer.Typer(help="Users, their roles and area scopes.", no_args_is_help=True)
orgs = typer.Typer(help="Organisations: central, regional, NGO.", no_args_is_help=True)
SYSTEM = Principal.system("cli")


def parse_grant(text: str) -> tuple[str, str | None]:
    """``steward@32.04`` → (steward, 32.04); ``planner`` → (planner, None): nationwide."""
    role, _, area = text.partition("@")
    return role.strip(), (area.strip() or None)


@orgs.command("add")
def add_org(
    name: str,
    kind: Annotated[OrganisationKind, typer.Option()],
    area: Annotated[str | None, typer.Option(help="Home area code")] = None,
) -> None:
    from inklusi.access import service

    with open_context() as ctx:
        org_id = service.create_organisation(ctx, SYSTEM, name, kind, area)
    say(msg("Organisation {name} created: {id}", name=name, id=str(org_id)), "green")


@users.command("add")
def add_user(
    username: str,
    org: Annotated[str, typer.Option(help="Organisation name")],
    role: Annotated[list[str], typer.Option(help="ROLE or ROLE@AREA_CODE; repeat for more")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    display_name: Annotated[str | None, typer.Option()] = None,
) -> None:
    from inklusi.access import service

    with open_context() as ctx:
        org_id = service.organisation_id(ctx, org)
        if org_id is None:
            raise Invalid(msg("Organisation {name} does not exist", name=org))
        service.create_user(
            ctx,
            SYSTEM,
            username=username,
            password=password,
            organisation_id=org_id,
            display_name=display_name,
            grants=[parse_grant(r) for r in role],
        )
    say(msg("User {username} created", username=username), "green")


@users.command("grant")
def grant(username: str, role: Annotated[str, typer.Argument(help="ROLE or ROLE@AREA_CODE")]) -> None:
    from inklusi.access import service

    with open_context() as ctx:
        service.grant_role(ctx, SYSTEM, username, *parse_grant(role))
    say(msg("Granted {role} to {username}", role=role, username=username), "green")


@users.command("revoke")
def revoke(username: str, role: Annotated[str, typer.Argument(help="ROLE or ROLE@AREA_CODE")]) -> None:
    from inklusi.access import service

    with open_context() as ctx:
        removed = service.revoke_role(ctx, SYSTEM, username, *parse_grant(role))
    say(msg("{n} grants of {role} taken from {username}", n=removed, role=role, username=username), "green")


@users.command("deactivate")
def deactivate(username: str) -> None:
    """End every session of the user and refuse their logins."""
    from inklusi.access import service

    with open_context() as ctx:
        service.set_active(ctx, SYSTEM, username, active=False)
    say(msg("User {username} deactivated", username=username), "green")


@users.command("activate")
def activate(username: str) -> None:
    from inklusi.access import service

    with open_context() as ctx:
        service.set_active(ctx, SYSTEM, username, active=True)
    say(msg("User {username} activated", username=username), "green")


@users.command("password")
def password(
    username: str,
    new_password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    from inklusi.access import service

    with open_context() as ctx:
        service.set_password(ctx, SYSTEM, username, new_password)
    say(msg("Password of {username} changed", username=username), "green")


@users.command("list")
def list_users() -> None:
    from inklusi.access import service

    with open_context() as ctx:
        found = service.list_users(ctx, SYSTEM)
    table = Table("username", "name", "roles")
    for user in found:
        roles = ", ".join(f"{g.role}@{g.area_code or 'national'}" for g in user.grants)
        table.add_row(user.username, user.display_name, roles)
    console.print(table)
