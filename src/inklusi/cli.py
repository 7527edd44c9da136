"""The ``inklusi`` command: every slice adds its commands here."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.main
from pydantic import ValidationError
from rich.table import Table

from inklusi.access.cli import orgs, users
from inklusi.audit.cli import audit
from inklusi.cases.cli import cases
from inklusi.console import DEMO_DATA_DIR, console, reporting_errors, say, settings, showing_steps
from inklusi.directory.cli import directory
from inklusi.i18n import DEFAULT_LANGUAGE, msg, translations
from inklusi.instrument.cli import import_files, imports, instrument, show_import
from inklusi.linkage.cli import TRAINING_PATHS, linkage
from inklusi.ppks.cli import ppks
from inklusi.programmes.cli import programmes
from inklusi.registry.cli import registry
from inklusi.sharing.cli import sharing
from inklusi.synth.cli import synth
from inklusi.vault_cli import keys
from inklusi.welfare.cli import welfare
from inklusi.wilayah.cli import areas, nik

if TYPE_CHECKING:
    from typer._click.core import Command  # Typer's own copy of Click

    from inklusi.demo.cases import DemoCases
    from inklusi.demo.programmes import DemoProgrammes
    from inklusi.demo.sharing import DemoDataSharing

app = typer.Typer(
    help="Inklusi — the socio-economic registry.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(areas, name="areas")
app.add_typer(nik, name="nik")
app.add_typer(audit, name="audit")
app.add_typer(users, name="users")
app.add_typer(orgs, name="orgs")
app.add_typer(registry, name="registry")
app.add_typer(instrument, name="instrument")
app.add_typer(imports, name="imports")
app.command("import")(import_files)
app.add_typer(welfare, name="welfare")
app.add_typer(linkage, name="linkage")
app.add_typer(ppks, name="ppks")
app.add_typer(programmes, name="programmes")
app.add_typer(sharing, name="sharing")
app.add_typer(directory, name="directory")
app.add_typer(cases, name="cases")
app.add_typer(keys, name="keys")
app.command("synth")(synth)


@app.command()
def init(
    admin_password: Annotated[
        str | None, typer.Option(envvar="INKLUSI_ADMIN_PASSWORD", help="Default: a random one, printed once")
    ] = None,
) -> None:
    """Create the data folder, secrets and database, and load the reference data (safe to repeat)."""
    from inklusi import bootstrap

    with reporting_errors():
        report = bootstrap.init(settings(), admin_password=admin_password)
    language = settings().language
    table = Table(show_header=False)
    table.add_row(msg("Data folder").render(language), str(report.data_dir.resolve()))
    table.add_row(msg("Database").render(language), report.database_url)
    table.add_row(
        msg("Areas").render(language),
        " / ".join(f"{n:,}" for n in report.area_counts.values()),
    )
    table.add_row(msg("Roles").render(language), ", ".join(report.roles))
    console.print(table)
    if report.admin_password:
        say(
            msg(
                "Administrator created: admin / {password} (also in {file})",
                password=report.admin_password,
                file=str(settings().admin_password_file),
            ),
            "bold yellow",
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the web application and the API."""
    import uvicorn

    from inklusi.app import create_app  # FastAPI and every slice's API: only when serving
    from inklusi.logs import server_log_config

    current = settings()
    uvicorn.run(
        create_app(current),
        host=host or current.host,
        port=port or current.port,
        log_config=server_log_config(),
    )


@app.command("demo")
def run_demo(
    data_dir: Annotated[
        Path, typer.Option(help="Its own data folder, apart from a real registry")
    ] = DEMO_DATA_DIR,
    households: Annotated[int, typer.Option(help="Synthetic households to register")] = 500,
    seed: int = 7,
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    serve_it: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
) -> None:
    """Initialise a demo registry with synthetic households and a user per role, then serve it."""
    from inklusi import demo  # pulls in the synthetic generator (NumPy): only when asked for

    current = settings().model_copy(update={"data_dir": data_dir})
    language = current.language
    say(
        msg("Preparing the demo registry in {path} (about a minute the first time)", path=str(data_dir)),
        "bold",
    )
    with reporting_errors(), showing_steps(keep=True) as step:
        report = demo.prepare(current, households=households, seed=seed, step=step)
    for result in report.rounds:
        show_import(result, language)
    say(
        msg(
            "{added} households added; the registry holds {total}.",
            added=report.households_added,
            total=report.households_total,
        )
    )
    if report.outside:
        say(
            msg(
                "{n} people outside households registered (sleeping rough, in a shelter or a panti): "
                "an area, no household.",
                n=report.outside,
            )
        )
    if report.truth is not None:
        say(
            msg(
                "On purpose, the synthetic population has {duplicates} households listed twice (a noisy "
                "second listing, for record linkage to find) and {splits} households that split off in "
                "round 2.",
                duplicates=report.truth.duplicate_households,
                splits=report.truth.split_households,
            )
        )
    if report.ranking is not None:
        say(
            msg(
                "Welfare ranking: model {model} ranked {households} households ({persons} persons).",
                model=report.ranking.model.version,
                households=report.ranking.run.households,
                persons=report.ranking.run.persons,
            )
        )
    if report.ppks is not None:
        flags = report.ppks
        say(
            msg(
                "PPKS: {candidates} candidates identified (rules {rules}); the case worker {worker} verified "
                "{verified} and rejected {rejected} (/ppks/candidates).",
                candidates=flags.run.candidates,
                rules=flags.run.rules,
                worker=flags.worker,
                verified=flags.verified,
                rejected=flags.rejected,
            )
        )
        say(
            msg(
                "PPKS aggregates: {cells:,} protected cells stored for the run after the decisions "
                "(dashboard /ppks/dashboard, inklusi ppks summary, /api/v1/ppks/summary).",
                cells=flags.again.cells,
            )
        )
    if report.cases is not None:
        show_demo_cases(report.cases)
    if report.programmes is not None:
        show_demo_programmes(report.programmes)
    if report.sharing is not None:
        show_demo_sharing(report.sharing)
    if report.linkage_skipped is not None:
        say(msg("Record linkage skipped: {reason}", reason=report.linkage_skipped.render(language)))
    if report.linkage is not None:
        say(
            msg(
                "Record linkage: {pending} pairs of records wait in the review queue (/linkage/queue).",
                pending=report.linkage.pending_pairs,
            )
        )
    if report.weak_lists is not None:
        weak = report.weak_lists
        path = TRAINING_PATHS.get(weak.training_path, msg("unknown"))
        say(
            msg(
                "Lists without identity numbers (a separate scenario): {records:,} records of {people:,} "
                "people, model trained from {path}; F1 {pairwise:.2f} for pairs, {clusters:.2f} for "
                "clusters.",
                records=weak.records,
                people=weak.people,
                path=path.render(language),
                pairwise=weak.pairwise_f1,
                clusters=weak.cluster_f1,
            )
        )
    table = Table(
        msg("User").render(language),
        msg("Password").render(language),
        msg("Roles").render(language),
        msg("Organisation").render(language),
    )
    table.add_row("admin", report.admin_password, "admin@nasional", "")
    for user in report.users:
        roles = ", ".join(f"{role}@{area or 'nasional'}" for role, area in user.grants)
        table.add_row(user.username, demo.DEMO_PASSWORD, roles, user.organisation)
    console.print(table)
    say(
        msg(
            "Case management: log in as a case worker or supervisor above ({users}) and open /cases; the "
            "service directory is at /directory.",
            users=", ".join(user.username for user in report.users if _works_cases(user.grants)),
        )
    )
    folder = str(data_dir.resolve())
    say(msg("To use the command line on this demo registry, point it at its data folder:"))
    console.print(f"  export INKLUSI_DATA_DIR={shlex.quote(folder)}", style="bold", soft_wrap=True)
    host, port = host or current.host, port or current.port
    url = f"http://{host}:{port}"
    say(
        msg(
            "Inklusi demo: open {url} and log in as one of the users above (API: {url}/api/v1/docs)", url=url
        ),
        "bold green",
    )
    if serve_it:
        import uvicorn

        from inklusi.app import create_app
        from inklusi.logs import server_log_config

        uvicorn.run(create_app(current), host=host, port=port, log_config=server_log_config())


def show_demo_programmes(planned: DemoProgrammes) -> None:
    """What the demo's programmes did: the simulation, the frozen list, the village deliberation."""
    for outcome in planned.programmes:
        say(
            msg(
                "Programme {name}: {households:,} households, Rp {cost:,.0f} a year, expected exclusion "
                "error {error}.",
                name=outcome.name,
                households=outcome.beneficiaries,
                cost=outcome.cost,
                error="—"
                if outcome.expected_exclusion_error is None
                else f"{outcome.expected_exclusion_error:.0%}",
            )
        )
    say(
        msg(
            "Beneficiary list {cycle}: {households:,} households frozen (/programmes/lists); village "
            "deliberation (FKP) in {village}: {requests} change requests, {grievances} grievances "
            "(/grievances).",
            cycle=planned.cycle,
            households=planned.listed,
            village=planned.village or "—",
            requests=planned.change_requests,
            grievances=planned.grievances,
        )
    )


def show_demo_sharing(shared: DemoDataSharing) -> None:
    """What the demo's data sharing did: agreements and partner reads, DCI, releases, subject requests."""
    partners = shared.partners
    say(
        msg(
            "Data sharing (/sharing): {agreements} agreements approved by a second person, {clients} partner "
            "clients; partner searches found {households:,} households, {reads} partner reads audited "
            "(/api/v1/partner, inklusi sharing agreements list).",
            agreements=len(partners.agreements),
            clients=len(partners.clients),
            households=partners.households_found,
            reads=partners.reads,
        )
    )
    if shared.dci is not None:
        say(
            msg(
                "DCI Social Registry API (/dci): a signed search by NIK gave {by_nik} household, by area and "
                "decile {by_predicate:,}; the asynchronous on-search reached the partner ({status}); "
                "{verified} registry signatures verified.",
                by_nik=shared.dci.by_nik,
                by_predicate=shared.dci.by_predicate,
                status=shared.dci.callback_status,
                verified=shared.dci.signatures_verified,
            )
        )
    for release in shared.releases.releases:
        say(
            msg(
                "Released table {dataset} (/sharing/releases): {cells:,} cells, {suppressed:,} suppressed, "
                "differential privacy ±{accuracy} (95%).",
                dataset=release.dataset,
                cells=release.cells,
                suppressed=release.suppressed,
                accuracy=release.accuracy,
            )
        )
    if shared.subjects is not None:
        say(
            msg(
                "Data-subject requests (/sharing/subjects): {requests} requests (access, correction, "
                "objection, deletion, restriction), {kept} deletions refused with the legal reason; breach "
                "report: {persons} persons read by one steward in the last hour (/sharing/breach).",
                requests=len(shared.subjects.requests),
                kept=len(shared.subjects.kept),
                persons=shared.subjects.breach_persons,
            )
        )


def _works_cases(grants: tuple[tuple[str, str | None], ...]) -> bool:
    return any(role in ("case_worker", "case_supervisor") for role, _area in grants)


def show_demo_cases(worked: DemoCases) -> None:
    """What the demo's case management did: the cases worked, and the paths to look at."""
    phases = ", ".join(f"{case.person} ({case.phase})" for case in worked.cases)
    say(
        msg(
            "Case management (/cases): {cases} cases worked by {organisations} organisations (a ministry "
            "centre, a Dinas Sosial, two foundations), their {services} services in the directory "
            "(/directory): {phases}.",
            cases=len(worked.cases),
            organisations=worked.organisations,
            services=worked.services,
            phases=phases,
        )
    )
    if worked.referred is not None and worked.income is not None:
        say(
            msg(
                "  {person}: referred for vocational training (chosen from the directory), completed, with "
                "the income before and after: Rp {before:,} → Rp {after:,} a month.",
                person=worked.referred,
                before=worked.income[0],
                after=worked.income[1],
            )
        )
    if worked.refused is not None:
        say(msg("  {person}: a transfer to the ministry centre, refused.", person=worked.refused))
    if worked.waiting is not None:
        say(
            msg(
                "  {person}, a child (consent through a guardian, {guardian}): the plan waits for a "
                "supervisor's approval.",
                person=worked.waiting,
                guardian=worked.guardian or "—",
            )
        )


def commands(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command and group of the tree, with its path of names (the root's is empty)."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from commands(sub, (*path, name))


def help_texts(command: Command) -> set[str]:
    """Every help text of the command tree (commands, groups, options, arguments), as its message id."""
    found = set()
    for _path, each in commands(command):
        for text in (
            each.help,
            getattr(each, "short_help", None),
            *(getattr(p, "help", None) for p in each.params),
        ):
            if text:
                found.add(message_id(text))
    return found


def message_id(text: str) -> str:
    return " ".join(text.split())


def add_help_to_template(pot: Path) -> None:
    """Add the command's help texts to the message template (``make messages``), so that updating the
    catalogue keeps their translations: ``pybabel extract`` finds ``msg(…)``, not Typer's help."""
    from babel.messages.pofile import read_po, write_po

    with pot.open("rb") as handle:
        template = read_po(handle)
    for text in sorted(help_texts(typer.main.get_command(app))):
        if text not in template:
            template.add(text)
    with pot.open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True)


def localised(language: str) -> Command:
    """The command tree with every help text in ``language`` (Indonesian from the catalogue; English is the
    source). Help is written in English in the code, like every message."""
    command = typer.main.get_command(app)
    catalogue = translations(language)
    for _path, each in commands(command):
        if each.help:
            each.help = catalogue.gettext(message_id(each.help))
        if short_help := getattr(each, "short_help", None):
            each.short_help = catalogue.gettext(message_id(short_help))
        for param in each.params:
            if param_help := getattr(param, "help", None):
                # click's Parameter has no `help`; typer's options and arguments do
                param.help = catalogue.gettext(message_id(param_help))  # type: ignore[attr-defined]
    return command


def _language() -> str:
    try:
        return settings().language
    except ValidationError:  # a wrong setting is reported by the command that reads it, not by --help
        return DEFAULT_LANGUAGE


def main() -> None:
    localised(_language())()
