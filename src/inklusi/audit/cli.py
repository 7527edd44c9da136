"""``inklusi audit …``: check the hash chain (against the head published last time), list recent entries,
and look for a NIK or KK number (the log holds only its keyed hash)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from inklusi.access.model import Principal
from inklusi.console import console, open_context, say
from inklusi.i18n import msg

SYSTEM = Principal.system("cli")  # the operator at the command line reads the log as the system
audit = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@audit.command("verify")
def verify(
    anchor: Annotated[
        Path | None,
        typer.Option(
            help="Where the head is published and checked next time "
            "(default: INKLUSI_AUDIT_ANCHOR_FILE, or secrets/audit-anchor.json)"
        ),
    ] = None,
) -> None:
    """Walk the whole chain; report the first edited, deleted or reordered entry, or a cut-off end
    (exit code 1). When all is well, publish the head to the anchor file for the next check."""
    from inklusi.audit import service

    with open_context() as ctx:
        anchor_path = anchor or service.anchor_file(ctx)
        check, previous = service.verify_anchored(ctx, SYSTEM, anchor_path)
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
        if previous is not None:
            say(
                msg("It still holds the head published at {at}", at=previous.at.isoformat(timespec="seconds"))
            )
        say(msg("Head published to {file}", file=str(anchor_path)))
        return
    say(check.finding.describe(), "bold red")
    raise typer.Exit(1)


@audit.command("log")
def log(
    limit: int = 20,
    object_type: str | None = None,
    object_id: str | None = None,
    nik: Annotated[str | None, typer.Option(help="Only entries about this NIK or KK number")] = None,
) -> None:
    """Show the most recent entries."""
    from inklusi.audit import service

    with open_context() as ctx:
        rows = service.recent(
            ctx,
            SYSTEM,
            limit=limit,
            object_type=object_type,
            object_id=object_id,
            containing=service.pseudonym(ctx, nik) if nik else None,
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


@audit.command("nik-hash")
def nik_hash(number: str) -> None:
    """The keyed hash the log holds in place of a NIK or KK number (to search the log for it)."""
    from inklusi.audit import service

    with open_context() as ctx:
        console.print(service.pseudonym(ctx, number))
