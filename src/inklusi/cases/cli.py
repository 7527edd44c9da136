"""``inklusi cases …``: case management from the command line, acting as a named user (``--user``: their
organisation, roles and areas; whoever runs the command holds the installation's files already): ``list``
their organisation's cases (or their own), ``show`` a case as they may see it, their ``inbox``. Every read
is audited as theirs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.table import Table

from inklusi.console import console, open_context, reporting_errors, say, settings
from inklusi.i18n import msg

if TYPE_CHECKING:
    from inklusi.access.model import Principal
    from inklusi.cases.service import PersonCardView
    from inklusi.context import Context

cases = typer.Typer(help="Case management: a user's cases, a case, an inbox.", no_args_is_help=True)

UserOption = Annotated[str, typer.Option("--user", help="Act as this user (their organisation and roles)")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the API's document)")]


def _as(ctx: Context, username: str) -> Principal:
    from inklusi.access import service as access

    return access.principal_of(ctx, username)


def _dump(value: object) -> None:
    from pydantic import TypeAdapter

    data = TypeAdapter(type(value)).dump_python(value, mode="json")
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _person(card: PersonCardView | None) -> str:
    if card is None:
        return "–"
    age = "" if card.age is None else f", {card.age}"
    return f"{card.name} ({card.sex}{age}, {card.area_name or card.area_code})"


@cases.command("list")
def list_cases(
    user: UserOption,
    mine: Annotated[bool, typer.Option("--mine", help="Only the cases assigned to the user")] = False,
    closed: Annotated[bool, typer.Option("--closed", help="Closed cases too")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many cases")] = 50,
    as_json: JsonOption = False,
) -> None:
    """The cases of the user's organisation (or assigned to the user), newest first."""
    from inklusi.cases import service

    with open_context() as ctx, reporting_errors():
        page = service.list_cases(ctx, _as(ctx, user), mine=mine, open_only=not closed, limit=limit)
    if as_json:
        _dump(page)
        return
    language = settings().language
    say(msg("{shown} of {total} cases", shown=len(page.cases), total=page.total))
    table = Table(
        "id",
        msg("Person").render(language),
        msg("Phase").render(language),
        msg("Risk").render(language),
        msg("Assigned").render(language),
        msg("Follow-up").render(language),
    )
    for case in page.cases:
        follow_up = "" if case.follow_up_on is None else case.follow_up_on.isoformat()
        table.add_row(
            str(case.id),
            _person(case.person),
            case.phase.value,
            case.risk_level.value if case.risk_level else "",
            case.assigned.name if case.assigned else "",
            f"[red]{follow_up}[/]" if case.overdue else follow_up,
        )
    console.print(table)


@cases.command("show")
def show(
    case_id: Annotated[UUID, typer.Argument(help="The case's id")],
    user: UserOption,
    as_json: JsonOption = False,
) -> None:
    """A case as the user may see it (their relation decides: the full case, a referral, a summary)."""
    from inklusi.cases import service

    with open_context() as ctx, reporting_errors():
        case = service.case_view(ctx, _as(ctx, user), case_id)
    if as_json:
        _dump(case)
        return
    say(
        msg(
            "Case {id}: {view} view ({relations})",
            id=str(case.id),
            view=case.view.value,
            relations=", ".join(r.value for r in case.relations),
        ),
        "bold",
    )
    console.print(_person(case.person))
    facts = {
        "phase": case.phase.value if case.phase else None,
        "risk": case.risk_level.value if case.risk_level else None,
        "owner": case.owner_organisation.name if case.owner_organisation else None,
        "assigned": case.assigned.name if case.assigned else None,
        "follow-up": case.follow_up_on.isoformat() if case.follow_up_on else None,
        "categories": ", ".join(case.categories) if case.categories is not None else None,
    }
    for name, value in facts.items():
        if value:
            console.print(f"  {name}: {value}")
    for transition in case.transitions or ():
        reason = f" — {transition.reason}" if transition.reason else ""
        actor = transition.actor.name if transition.actor else "system"
        console.print(
            f"  {transition.at:%Y-%m-%d %H:%M} {transition.name} → {transition.to_phase.value}"
            f" ({actor}){reason}"
        )
    for referral in case.referrals or ():
        console.print(
            f"  referral {referral.id}: {referral.service_type.value} → {referral.to_organisation.name}: "
            f"{referral.status.value}" + (" (overdue)" if referral.overdue else "")
        )
    for record in case.services or ():
        console.print(
            f"  service {record.delivered_on}: {record.service_type.value} ({record.provider.name})"
        )
    for outcome in case.outcomes or ():
        income = ""
        if outcome.income_after is not None:
            income = f": {outcome.income_before or 0:,} → {outcome.income_after:,} Rp"
        console.print(f"  outcome {outcome.recorded_on}: {outcome.kind.value}{income}")


@cases.command("inbox")
def inbox(user: UserOption, as_json: JsonOption = False) -> None:
    """What waits for the user and their organisation: their cases, overdue follow-ups, referrals and
    transfers to answer, overdue referrals, break-the-glass notices."""
    from inklusi.cases import service

    with open_context() as ctx, reporting_errors():
        found = service.inbox(ctx, _as(ctx, user))
    if as_json:
        _dump(found)
        return
    sections = (
        (msg("My cases"), [f"{c.id}  {_person(c.person)}  {c.phase.value}" for c in found.my_cases]),
        (
            msg("Overdue follow-ups"),
            [f"{c.id}  {_person(c.person)}  {c.follow_up_on}" for c in found.overdue_follow_ups],
        ),
        (
            msg("Referrals waiting for my organisation"),
            [
                f"{r.id}  {_person(r.person)}  {r.service_type.value} ← {r.from_organisation.name}"
                f"  {r.respond_by}"
                for r in found.referrals_waiting
            ],
        ),
        (
            msg("Transfers waiting for my organisation"),
            [f"{t.id}  {_person(t.person)} ← {t.from_organisation.name}" for t in found.transfers_waiting],
        ),
        (
            msg("My organisation's overdue referrals"),
            [
                f"{r.id}  {_person(r.person)}  {r.service_type.value} → {r.to_organisation.name}"
                f"  {r.respond_by}"
                for r in found.overdue_referrals
            ],
        ),
        (
            msg("Break-the-glass on my organisation's cases"),
            [
                f"{g.case_id}  {g.user.name if g.user else ''}: {g.reason}  {g.granted_at:%Y-%m-%d %H:%M}"
                for g in found.glass_notices
            ],
        ),
    )
    for title, lines in sections:
        say(msg("{title} ({n})", title=title.render(settings().language), n=len(lines)), "bold")
        for line in lines:
            console.print(f"  {line}")
