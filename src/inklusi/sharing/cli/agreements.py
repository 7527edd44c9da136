"""``inklusi sharing agreements …``: data-sharing agreements — list, show, draft from a YAML or JSON file of
terms (the API's document), approve (by another user: four eyes), revoke with a reason. Drafting and
approving name the user who does it (``--user``); the rest may act as the system."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, say
from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg

if TYPE_CHECKING:
    from inklusi.access.model import Principal
    from inklusi.context import Context

app = typer.Typer(help="Data-sharing agreements: draft, approve, revoke.", no_args_is_help=True)

UserOption = Annotated[str | None, typer.Option("--user", help="Act as this user; default: the system")]
NamedUser = Annotated[str, typer.Option("--user", help="The user who does it (four eyes need two people)")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the API's document)")]


def acting(ctx: Context, username: str | None) -> Principal:
    from inklusi.access import service as access
    from inklusi.access.model import Principal

    return access.principal_of(ctx, username) if username else Principal.system("cli")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@app.command("list")
def list_agreements(user: UserOption = None, as_json: JsonOption = False) -> None:
    """Every agreement, newest first, with its state today."""
    from inklusi.sharing import service
    from inklusi.sharing.schemas.agreements import info_out

    with open_context() as ctx, reporting_errors():
        found = service.list_agreements(ctx, acting(ctx, user))
    if as_json:
        print_json([info_out(info, ctx.settings.language) for info in found])
        return
    table = Table("id", "name", "partner", "state", "valid", "operations")
    for info in found:
        a = info.agreement
        ops = ", ".join(f"{o.value} ({q})" for o, q in a.operations.items())
        table.add_row(str(a.id), a.name, info.organisation, info.state, f"{a.valid_from} – {a.valid_to}", ops)
    console.print(table)


@app.command("show")
def show(
    agreement_id: Annotated[UUID, typer.Argument(help="The agreement's id")], user: UserOption = None
) -> None:
    """An agreement's terms, state, clients and today's usage (JSON)."""
    from inklusi.sharing import service
    from inklusi.sharing.schemas.agreements import info_out

    with open_context() as ctx, reporting_errors():
        print_json(
            info_out(service.get_agreement(ctx, acting(ctx, user), agreement_id), ctx.settings.language)
        )


@app.command("draft")
def draft(
    terms_file: Annotated[Path, typer.Argument(help="The terms: a YAML or JSON file (the API's document)")],
    user: NamedUser,
) -> None:
    """Draft an agreement from a file of terms; someone else approves it."""
    import yaml
    from pydantic import ValidationError

    from inklusi.sharing import service
    from inklusi.sharing.schemas.agreements import AgreementDraft

    with open_context() as ctx, reporting_errors():
        try:
            document = yaml.safe_load(terms_file.read_text(encoding="utf-8"))
            terms = AgreementDraft.model_validate(document).terms()
        except (OSError, yaml.YAMLError, ValidationError) as error:
            problem = msg(
                "{file} cannot be read as an agreement: {problem}",
                file=str(terms_file),
                problem=str(error)[:500],
            )
            raise Invalid(problem, [Issue("terms_file", "terms", problem)]) from None
        made = service.draft_agreement(ctx, acting(ctx, user), terms)
    say(msg("Agreement {name} drafted: {id}", name=made.name, id=str(made.id)))


@app.command("approve")
def approve(
    agreement_id: Annotated[UUID, typer.Argument(help="The agreement's id")], user: NamedUser
) -> None:
    """Approve a draft (never by who drafted it)."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        approved = service.approve_agreement(ctx, acting(ctx, user), agreement_id)
    say(msg("Agreement {name} approved", name=approved.name))


@app.command("revoke")
def revoke(
    agreement_id: Annotated[UUID, typer.Argument(help="The agreement's id")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is revoked")],
    user: UserOption = None,
) -> None:
    """Revoke an agreement: its partners' next request is refused."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        revoked = service.revoke_agreement(ctx, acting(ctx, user), agreement_id, reason=reason)
    say(msg("Agreement {name} revoked", name=revoked.name))
