"""``inklusi keys …``: the data keys of encryption at rest (``docs/encryption.md``): their versions and the
values still sealed under each, rotation (a new version, every value sealed again, the old one retired) and
re-wrapping under a new master key. Rotation and re-wrapping are audited."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from inklusi.audit.model import Actor, Purpose
from inklusi.console import console, open_context, say
from inklusi.i18n import msg

# The vault, the audit service and the tables (SQLAlchemy) are imported when a command runs: a fast
# `inklusi --help`.

OPERATOR = Actor.system("inklusi keys")
keys = typer.Typer(help="The data keys of encryption at rest.", no_args_is_help=True)


@keys.command("status")
def status() -> None:
    """Each key's versions (active or retired) and how many values each still seals."""
    from inklusi import vault
    from inklusi.schema import import_all_tables

    import_all_tables()
    columns = vault.sealed_columns()
    with open_context() as ctx, ctx.transaction(readonly=True) as conn:
        versions = vault.key_versions(conn)
        table = Table("key", "version", "created", "state", "values")
        for version in versions:
            counts = [
                f"{column.name}: {vault.rows_under(conn, column, version.version):,}"
                for column in columns
                if column.purpose == version.purpose
            ]
            state = msg("retired") if version.retired_at else msg("active")
            table.add_row(
                version.purpose,
                str(version.version),
                version.created_at.isoformat(timespec="seconds"),
                state.render(ctx.settings.language),
                "\n".join(counts) or "—",
            )
    console.print(table)


@keys.command("rotate")
def rotate(
    purpose: Annotated[
        list[str] | None,
        typer.Option(
            help="A key to rotate: nik, kk, sensitive or index (repeatable; default: the data keys)"
        ),
    ] = None,
    batch: Annotated[
        int | None, typer.Option(min=100, help="Values sealed again per transaction (default 5,000)")
    ] = None,
) -> None:
    """A new version of each key; every value under an older one is sealed (or indexed) again, a batch at a
    time; the older versions are retired. Rotate the index key only with the application stopped."""
    from inklusi import vault
    from inklusi.audit import events
    from inklusi.audit import service as audit
    from inklusi.audit.events import Event
    from inklusi.schema import import_all_tables

    import_all_tables()
    with open_context() as ctx:
        for name in purpose or list(vault.DATA_PURPOSES):
            done = vault.rotate(ctx.engine, ctx.keyring, name, batch=batch or vault.BATCH)
            detail = {
                "key": done.purpose,
                "from_versions": list(done.from_versions),
                "to_version": done.to_version,
                "rows": done.rows,
            }
            audit.record_alone(
                ctx,
                Event(kind=events.KEYS_ROTATE, actor=OPERATOR, purpose=Purpose.administration, detail=detail),
            )
            say(
                msg(
                    "Key {key}: version {version} active; {rows:,} values sealed again",
                    key=done.purpose,
                    version=done.to_version,
                    rows=done.rows,
                ),
                "green",
            )


@keys.command("rewrap")
def rewrap(
    new_master_key_file: Annotated[
        Path, typer.Option(help="The new master key (64 hexadecimal digits), a file of mode 0600")
    ],
) -> None:
    """Wrap every data key under a new master key (one transaction). A master key read from its file is
    then replaced by the new one; one set in INKLUSI_MASTER_KEY must be changed by hand."""
    from inklusi import vault
    from inklusi.audit import events
    from inklusi.audit import service as audit
    from inklusi.audit.events import Event

    new_master = vault.read_master_key_file(new_master_key_file)
    with open_context() as ctx:
        with ctx.transaction() as conn:
            count = vault.rewrap(conn, ctx.keyring.master, new_master)
        kept = ctx.settings.master_key_path
        from_file = ctx.settings.master_key is None
        if from_file:
            _replace(kept, new_master_key_file.read_text())
        detail = {"keys": count, "master_key": str(kept) if from_file else "INKLUSI_MASTER_KEY"}
        audit.record_alone(
            ctx, Event(kind=events.KEYS_REWRAP, actor=OPERATOR, purpose=Purpose.administration, detail=detail)
        )
    say(msg("{n} data key versions wrapped under the new master key", n=count), "green")
    if from_file:
        say(msg("The master key file {path} now holds the new key", path=str(kept)))
    else:
        say(msg("Set INKLUSI_MASTER_KEY to the new key before the next start"), "bold yellow")


def _replace(path: Path, content: str) -> None:
    """Write the new key beside the old file (mode 0600), then move it into place in one step."""
    fresh = path.with_name(path.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content.strip() + "\n")
    fresh.replace(path)
