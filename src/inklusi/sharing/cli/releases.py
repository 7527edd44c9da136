"""``inklusi sharing releases …``: released tables (differentially private, suppressed) and the privacy-budget
ledger (``docs/sharing-releases.md``). ``--user`` acts as a named user (their roles); without it, the
command acts as the system."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, say, settings
from inklusi.i18n import msg

if TYPE_CHECKING:
    from inklusi.access.model import Principal
    from inklusi.context import Context
    from inklusi.sharing.service import ReleasedTable

app = typer.Typer(help="Released tables and the privacy-budget ledger.", no_args_is_help=True)

UserOption = Annotated[
    str | None, typer.Option("--user", help="Act as this user (their roles and areas); default: the system")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the API's document)")]
LEVEL_WORDS = {"province": msg("province"), "regency": msg("regency")}


def _as(ctx: Context, username: str | None) -> Principal:
    from inklusi.access import service as access
    from inklusi.access.model import Principal

    return access.principal_of(ctx, username) if username else Principal.system("cli")


def _echo(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _show(release: ReleasedTable) -> None:
    language = settings().language
    say(
        msg(
            "Release {id}: {dataset} by {level}, epsilon {epsilon}, each cell within ±{accuracy} of its true "
            "count with 95 % probability; x: suppressed",
            id=str(release.id),
            dataset=release.dataset,
            level=LEVEL_WORDS[release.level].render(language),
            epsilon=release.epsilon,
            accuracy=release.accuracy,
        )
    )
    table = Table("area", *(c.label(language) for c in release.columns), "total")
    for (code, name), values in zip([*release.rows, ("total", "")], release.values, strict=True):
        table.add_row(f"{code} {name}".strip(), *("x" if v is None else str(v) for v in values))
    console.print(table)


@app.command("create")
def create(
    dataset: Annotated[str, typer.Option("--dataset", help="persons_ppks or households_decile")],
    epsilon: Annotated[float, typer.Option("--epsilon", help="The privacy budget this release spends")],
    level: Annotated[str, typer.Option("--level", help="province or regency")] = "province",
    agreement: Annotated[
        UUID | None, typer.Option("--agreement", help="The agreement it is for (default: public)")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="A PPKS category (repeat; persons_ppks only)")
    ] = None,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Release a table: noised (OpenDP), small cells suppressed, epsilon spent from the ledger; the same
    request again shows the stored table."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        made = service.create_release(
            ctx,
            _as(ctx, user),
            dataset=dataset,
            level=level,
            epsilon=epsilon,
            agreement_id=agreement,
            categories=category or (),
        )
    if as_json:
        _echo(asdict(made.release))
        return
    if not made.created:
        say(msg("Released before: the stored table (no budget spent)"))
    _show(made.release)


@app.command("list")
def list_(user: UserOption = None, as_json: JsonOption = False) -> None:
    """The released tables, newest first, and the ledger: budget spent and left per dataset."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        principal = _as(ctx, user)
        found = service.list_releases(ctx, principal)
        lines = service.budget_lines(ctx, principal)
    if as_json:
        _echo(
            {"releases": [asdict(r) for r in found], "budgets": [asdict(b) | {"left": b.left} for b in lines]}
        )
        return
    ledger = Table("dataset", "agreement", "budget", "spent", "left")
    for b in lines:
        ledger.add_row(b.dataset, str(b.agreement_id or "public"), str(b.budget), str(b.spent), str(b.left))
    console.print(ledger)
    table = Table("id", "dataset", "level", "agreement", "epsilon", "±95 %", "suppressed", "released")
    for r in found:
        table.add_row(
            str(r.id), r.dataset, r.level, str(r.agreement_id or "public"), str(r.epsilon), str(r.accuracy),
            f"{r.suppressed}/{r.cells}", f"{r.created_at:%Y-%m-%d %H:%M} {r.actor_name}",
        )  # fmt: skip
    console.print(table)


@app.command("show")
def show(
    release_id: Annotated[UUID, typer.Argument(help="The release's id")],
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """A released table as it was published."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        release = service.get_release(ctx, _as(ctx, user), release_id)
    if as_json:
        _echo(asdict(release))
        return
    _show(release)


@app.command("export")
def export(
    release_id: Annotated[UUID, typer.Argument(help="The release's id")],
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write (default: its own name)")
    ] = None,
    user: UserOption = None,
) -> None:
    """Write a released table as CSV (the same bytes every time)."""
    from inklusi.sharing import service

    with open_context() as ctx, reporting_errors():
        exported = service.export_release(ctx, _as(ctx, user), release_id)
    path = out or Path(exported.filename)
    path.write_bytes(exported.content)
    say(msg("Written {path}", path=str(path)))
