"""``inklusi sharing subjects …`` (data-subject requests: take one, the queue with deadlines, an access
report as JSON, close one) and ``inklusi sharing breach`` (who a credential or user read in a window).
``--user`` acts as a named user (their roles and areas; every read audited as theirs); without it, the
command acts as the system."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, say
from inklusi.i18n import msg

if TYPE_CHECKING:
    from inklusi.access.model import Principal
    from inklusi.context import Context

subjects = typer.Typer(
    help="Data-subject requests (UU 27/2022): access, correction, objection, restriction, deletion.",
    no_args_is_help=True,
)
UserOption = Annotated[
    str | None, typer.Option("--user", help="Act as this user (their roles and areas); default: the system")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the API's document)")]


def _as(ctx: Context, username: str | None) -> Principal:
    from inklusi.access import service as access
    from inklusi.access.model import Principal

    return access.principal_of(ctx, username) if username else Principal.system("cli")


def _echo(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@subjects.command("submit")
def submit(
    kind: Annotated[str, typer.Argument(help="access, correction, objection, restriction or deletion")],
    statement: Annotated[str, typer.Option("--statement", help="What the person asks, in their words")],
    nik: Annotated[str | None, typer.Option("--nik", help="The person's NIK")] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="The person's id (instead of the NIK)")
    ] = None,
    channel: Annotated[
        str, typer.Option("--channel", help="office, letter, phone, email or other")
    ] = "office",
    contact: Annotated[
        str | None, typer.Option("--contact", help="How to reach the person with the answer")
    ] = None,
    evidence: Annotated[str, typer.Option("--evidence", help="A correction's evidence")] = "",
    change: Annotated[
        list[str] | None, typer.Option("--change", help="A correction: field=value (repeat for more)")
    ] = None,
    item: Annotated[
        list[str] | None, typer.Option("--item", help="A deletion: what to remove (repeat)")
    ] = None,
    user: UserOption = None,
) -> None:
    """Take a data-subject request for a person of the user's area."""
    from inklusi.sharing import service

    changes = dict(pair.split("=", 1) for pair in change or [] if "=" in pair)
    with open_context() as ctx, reporting_errors():
        given = service.RequestInput(
            kind=kind,
            statement=statement,
            nik=nik,
            person_id=UUID(person) if person else None,
            channel=channel,
            contact=contact,
            evidence=evidence,
            changes=changes,
            items=tuple(item or ()),
        )
        made = service.submit_request(ctx, _as(ctx, user), given)
    say(
        msg(
            "Request {id} recorded: {status}, due {due}",
            id=str(made.id),
            status=made.status.value,
            due=made.due_at.isoformat(timespec="minutes"),
        )
    )
    for decision in made.decisions:
        state = "✓" if decision["allowed"] else "✗"
        typer.echo(f"  {state} {decision['item']}: {decision['reason_en']}")


@subjects.command("list")
def queue(
    status: Annotated[str, typer.Option("--status", help="open, closed or all")] = "open",
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """The requests of the user's area, the soonest due first, with their deadlines."""
    from inklusi.db import utcnow
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        found = service.request_queue(ctx, _as(ctx, user), show=status)
    now = utcnow()
    if as_json:
        _echo([asdict(r) | {"deadline": r.deadline(now).state.value} for r in found])
        return
    table = Table("id", "kind", "status", "received", "due", "deadline")
    for r in found:
        state = r.deadline(now).state.value
        style = {"overdue": "bold red", "due_soon": "yellow"}.get(state, "")
        table.add_row(
            str(r.id),
            r.kind.value,
            r.status.value,
            r.received_at.isoformat(timespec="minutes"),
            r.due_at.isoformat(timespec="minutes"),
            f"[{style}]{state}[/]" if style else state,
        )
    console.print(table)


@subjects.command("report")
def report(
    request_id: Annotated[str, typer.Argument(help="The access request's id")],
    output: Annotated[Path | None, typer.Option("--output", help="Write the JSON file here")] = None,
    user: UserOption = None,
) -> None:
    """An access request's report (what is held on the person, who read it) as JSON."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        made = service.access_report(ctx, _as(ctx, user), UUID(request_id), format="json")
    document = json.dumps(service.report_document(made), indent=2, ensure_ascii=False, default=str)
    if output is None:
        typer.echo(document)
        return
    output.write_text(document + "\n", encoding="utf-8")
    say(msg("Written {path}", path=str(output)))


@subjects.command("close")
def close(
    request_id: Annotated[str, typer.Argument(help="The request's id")],
    response: Annotated[str, typer.Option("--response", help="The answer given to the person")],
    refused: Annotated[bool, typer.Option("--refused", help="The answer refuses the request")] = False,
    user: UserOption = None,
) -> None:
    """Answer a request (granted, or refused with the reasons in the response)."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        closed = service.close_request(
            ctx, _as(ctx, user), UUID(request_id), response=response, refused=refused
        )
    say(msg("Request {id} closed: {status}", id=str(closed.id), status=closed.status.value))


def _moment(value: str, name: str, zone: ZoneInfo) -> datetime:
    """A moment typed as ISO 8601; without an offset, in the configured time zone."""
    from inklusi.errors import Invalid, Issue

    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        text = msg("{value} is not a moment (YYYY-MM-DDTHH:MM, with or without an offset)", value=value[:40])
        raise Invalid(text, [Issue(name, "invalid", text)]) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def breach(
    since: Annotated[str, typer.Option("--since", help="From (inclusive), e.g. 2026-12-01T00:00+07:00")],
    until: Annotated[str, typer.Option("--until", help="To (exclusive)")],
    partner: Annotated[str | None, typer.Option("--partner", help="A partner's client id")] = None,
    username: Annotated[str | None, typer.Option("--reader", help="A user's username")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write the CSV file here")] = None,
    user: UserOption = None,
) -> None:
    """Every person and household a partner's credential or a user read in a time window."""
    from inklusi.errors import Invalid, Issue
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        if bool(partner) == bool(username):
            text = msg("Name a partner's client id or a user (one of them)")
            raise Invalid(text, [Issue("partner", "required", text)])
        actor = service.partner_actor(partner) if partner else str(username)
        zone = ZoneInfo(ctx.settings.timezone)
        start, end = _moment(since, "since", zone), _moment(until, "until", zone)
        made = service.breach_report(
            ctx, _as(ctx, user), actor=actor, since=start, until=end, format="csv" if output else "page"
        )
    say(
        msg(
            "{actor}: {entries} entries, {persons} persons, {households} households",
            actor=made.actor,
            entries=len(made.entries),
            persons=len(made.persons),
            households=len(made.households),
        )
    )
    if output is not None:
        output.write_text(service.report_csv(made), encoding="utf-8")
        say(msg("Written {path}", path=str(output)))
