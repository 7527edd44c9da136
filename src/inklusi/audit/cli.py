"""``inklusi audit …``: check the hash chain, show its head, list recent entries."""

from __future__ import annotations

import typer
from rich.table import Table

from inklusi.audit.model import Actor
from inklusi.console import console, open_context, say
from inklusi.i18n import msg

audit = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@audit.command("verify")
def verify() -> None:
    """Walk the whole chain; report the first edited, deleted or reordered entry (exit code 1)."""
    from inklusi.audit import service

    with open_context() as ctx:
        check = service.verify(ctx)
    if check.finding is None:
        say(
            msg(
                "The audit chain is intact: {n} entries; head {seq} {hash}",
                n=check.entries,
                seq=check.head_seq or 0,
                hash=check.head_hash,
            ),
            "green",
        )
        return
    say(check.finding.describe(), "bold red")
    raise typer.Exit(1)


@audit.command("log")
def log(limit: int = 20, object_type: str | None = None, object_id: str | None = None) -> None:
    """Show the most recent entries."""
    from inklusi.audit import service

    with open_context() as ctx:
        rows = service.recent(
            ctx, Actor.system("cli"), limit=limit, object_type=object_type, object_id=object_id
        )
    table = Table("seq", "at", "actor", "action", "object", "purpose", "area")
    for entry in rows:
        table.add_row(
            str(entry.seq),
            entry.at.isoformat(timespec="seconds"),
            entry.actor_name,
            entry.action,
            f"{entry.object_type}:{entry.object_id or ''}",
            entry.purpose,
            entry.area_code or "",
        )
    console.print(table)
