"""``inklusi demo``: a registry to look at, in its own data folder, with a user for each role.

Runs ``init``, creates demo organisations and users (one per role, scoped as they would be in practice),
generates a seeded synthetic population with two enumeration rounds and imports both through the same
path as field data (checked, quarantined, audited; the second round writes new versions and a change
report); registers people outside households (the population's and a small outreach list); registers a
noisy second listing of some of the same people and de-duplicates the registry, leaving the doubtful
pairs in the stewards' review queue; links a small scenario of lists without identity numbers (a table
apart from the registry) and scores the result against its truth; trains the national proxy-means model
on a synthetic survey and ranks every household into deciles; identifies PPKS candidates (vulnerable
groups) and lets the case worker verify a few; adds case management (a ministry centre, the Dinas Sosial of
Kota Bandung and two foundations with their workers and supervisors, their services in the directory, and
cases along several paths: ``demo.cases``) before the PPKS rules run again, so that the stored picture counts
the services the cases recorded; then serves. Safe to run again: what exists is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.compute as pc
import pyarrow.parquet as pq

from inklusi import bootstrap
from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.demo import cases as case_management
from inklusi.demo.cases import DemoCases, prepare_cases
from inklusi.demo.linkage import DemoLinkage, WeakListsResult, evaluate_weak_lists, prepare_demo
from inklusi.demo.outside import register_outside
from inklusi.demo.ppks import DemoPpks, identify_again, identify_and_verify_demo
from inklusi.demo.programmes import DemoProgrammes, prepare_programmes
from inklusi.demo.sharing import DemoDataSharing, prepare_sharing
from inklusi.demo.welfare import DemoRanking, train_and_rank_demo
from inklusi.errors import Invalid
from inklusi.i18n import Text, msg
from inklusi.instrument import service as imports
from inklusi.instrument.model import load
from inklusi.instrument.service import ImportResult
from inklusi.instrument.synthetic import from_synthetic, write_jsonl
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, generate
from inklusi.welfare import service as welfare_service

DEMO_PASSWORD = "demo-inklusi-2026"
SOURCE = "demo-synthetic"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    organisation: str
    grants: tuple[tuple[str, str | None], ...]


ORGANISATIONS = (
    ("Kementerian Sosial RI", OrganisationKind.central, None),
    ("Dinas Sosial Provinsi DKI Jakarta", OrganisationKind.regional, "31"),
    ("Dinas Sosial Provinsi Jawa Barat", OrganisationKind.regional, "32"),
    ("Yayasan Peduli Sesama Bandung", OrganisationKind.ngo, "32.73"),
    ("Inspektorat Jenderal", OrganisationKind.central, None),
    *case_management.ORGANISATIONS,  # a ministry centre, a Dinas Sosial, a foundation (livelihoods)
)
USERS = (
    DemoUser("perencana", "Perencana Pusat", "Kementerian Sosial RI", (("planner", None),)),
    DemoUser("dinsos.dki", "Pengelola Data DKI", "Dinas Sosial Provinsi DKI Jakarta", (("steward", "31"),)),
    DemoUser(
        "dinsos.jabar", "Pengelola Data Jabar", "Dinas Sosial Provinsi Jawa Barat", (("steward", "32"),)
    ),
    DemoUser(
        "pendamping.bandung",
        "Pendamping Kota Bandung",
        "Yayasan Peduli Sesama Bandung",
        (("case_worker", "32.73"),),
    ),
    DemoUser("auditor", "Auditor", "Inspektorat Jenderal", (("auditor", None),)),
    DemoUser(
        "petugas.privasi", "Petugas Pelindungan Data", "Kementerian Sosial RI", (("privacy_officer", None),)
    ),
    *(DemoUser(*user) for user in case_management.USERS),  # case workers and supervisors
)
CASE_WORKER = "pendamping.bandung"


@dataclass(frozen=True)
class DemoReport:
    admin_password: str
    households_added: int
    households_total: int
    users: tuple[DemoUser, ...]
    rounds: tuple[ImportResult, ...] = ()
    ranking: DemoRanking | None = None  # None when a ranking existed already
    linkage: DemoLinkage | None = None
    linkage_skipped: Text | None = None  # why linkage did not run (a population too small to train on)
    truth: DemoTruth | None = None  # what the generator did on purpose (None when the registry existed)
    weak_lists: WeakListsResult | None = None  # linkage without identity numbers, on a table apart
    outside: int = 0  # people registered outside any household (outreach, a panti's intake)
    ppks: DemoPpks | None = None  # None when the flags existed already
    cases: DemoCases | None = None  # None when the demo's cases existed already
    programmes: DemoProgrammes | None = None  # None when the demo's beneficiary list existed already
    sharing: DemoDataSharing | None = None  # None when the demo's agreements existed already


@dataclass(frozen=True)
class DemoTruth:
    duplicate_households: int  # enumerated a second time, with noise (the second listing)
    split_households: int  # split off from their household in a later round


def prepare(
    settings: Settings,
    *,
    households: int = 500,
    seed: int = 7,
    step: Callable[..., None] = lambda _text, _done=0, _total=None: None,
) -> DemoReport:
    """Everything but serving. ``step(text, done, total)`` hears what it is doing, step by step."""
    step(msg("Creating the data folder, the database and the reference data (areas)"))
    report = bootstrap.init(settings)
    initial = settings.admin_password_file  # deleted once the administrator chose their own password
    admin_password = report.admin_password or (initial.read_text().strip() if initial.exists() else "—")
    ctx = Context.open(settings)
    try:
        step(msg("Creating the demo organisations and users"))
        _ensure_users(ctx)
        rounds: list[ImportResult] = []
        linked, skipped, truth, weak, outside = None, None, None, None, 0
        if registry.count_households(ctx) == 0:  # the first run; later runs keep what is there
            population = settings.data_dir / "demo-rounds" / "population"
            config = SynthConfig(households=households, seed=seed, rounds=2)
            step(msg("Generating {n:,} synthetic households and a second enumeration round", n=households))
            generate(config, population)
            truth = read_truth(population)
            rounds = _import_rounds(ctx, settings, config, population, step)
            step(msg("Registering people outside households (an outreach round and a panti's intake)"))
            outside = register_outside(ctx, population)
            step(msg("Registering a second listing of some of the same people and linking records"))
            try:
                linked = prepare_demo(ctx, population=population)
            except Invalid as problem:  # too few duplicates in a small population to train on
                skipped = problem.text
            step(msg("Linking lists without identity numbers (a separate scenario, not the registry)"))
            weak = evaluate_weak_lists(seed=seed)
        ranking = None
        if not welfare_service.list_runs(ctx):
            ranking = train_and_rank_demo(ctx, Principal.system("demo"), progress=step)
        flags = None
        worked: list[DemoCases | None] = []  # what work_cases did

        def work_cases() -> None:
            worked.append(prepare_cases(ctx, progress=step))

        if ranking is not None:  # a new ranking: identify on it (a registry kept as it was keeps its flags)
            credentials = (CASE_WORKER, DEMO_PASSWORD)
            flags = identify_and_verify_demo(ctx, credentials, progress=step, between=work_cases)
        else:
            work_cases()
            if worked[0] is not None:  # cases new to a registry kept from an older demo: count their services
                identify_again(ctx, progress=step)
        step(msg("Simulating two programmes, freezing a beneficiary list and holding a village deliberation"))
        planned = prepare_programmes(ctx)
        step(msg("Sharing data with partners: agreements, DCI, released tables, data-subject requests"))
        shared = prepare_sharing(ctx)
        total = registry.count_households(ctx)
    finally:
        ctx.close()
    added = sum(r.report.get("totals", {}).get("households_new", 0) for r in rounds)
    return DemoReport(
        admin_password,
        added,
        total,
        USERS,
        tuple(rounds),
        ranking,
        linked,
        skipped,
        truth,
        weak,
        outside,
        flags,
        worked[0],
        planned,
        shared,
    )


def read_truth(population: Path) -> DemoTruth:
    """What the generator did on purpose: households listed twice, households split off in later rounds."""
    duplicates = pq.read_metadata(population / "duplicate_households.parquet").num_rows
    splits = 0
    for events in sorted(population.glob("round*/events.parquet")):
        kinds = pq.read_table(events, columns=["event"])["event"]
        splits += pc.sum(pc.equal(kinds, "household_split")).as_py() or 0
    return DemoTruth(duplicates, splits)


def _import_rounds(
    ctx: Context,
    settings: Settings,
    config: SynthConfig,
    population: Path,
    step: Callable[..., None],
) -> list[ImportResult]:
    """Both rounds as the instrument's JSON Lines, imported like any field data."""
    instrument = load()
    results = []
    for number in (1, 2):
        path = write_jsonl(
            from_synthetic(population, instrument, number), population.parent / f"round-{number}.jsonl"
        )
        effective = datetime.combine(config.round_date(number), time(12), tzinfo=ZoneInfo(settings.timezone))
        text = msg("Importing enumeration round {n} ({file})", n=number, file=path.name)
        step(text)
        result = imports.import_file(
            ctx,
            Principal.system("demo"),
            path,
            source=f"{SOURCE}-{number}",
            valid_from=effective,
            progress=partial(step, text),
        )
        results.append(result)
    return results


def _ensure_users(ctx: Context) -> None:
    system = Principal.system("demo")
    for name, kind, area in ORGANISATIONS:
        if access.organisation_id(ctx, name) is None:
            access.create_organisation(ctx, system, name, kind, area)
    existing = {user.username for user in access.list_users(ctx, system)}
    for user in USERS:
        if user.username not in existing:
            organisation = access.organisation_id(ctx, user.organisation)
            assert organisation is not None  # created just above
            access.create_user(
                ctx,
                system,
                username=user.username,
                password=DEMO_PASSWORD,
                organisation_id=organisation,
                display_name=user.display_name,
                grants=list(user.grants),
            )
