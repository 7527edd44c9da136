"""Linkage in ``inklusi demo``: a second listing of the demo population, then a full linkage run.

The demo registers a synthetic population (``SynthConfig(households, seed)``). :func:`prepare_demo`
registers, through the registry service, the generator's re-enumerated duplicates of that same population
(about 3 % of households, noisy: Muhammad respelled, titles, typos, swapped or missing NIK digits, birth
year off, moved to another village) as source ``demo-second-listing``. Like a real second list they carry
no KK number (the card belongs to the family already registered), and a NIK the registry would refuse
(wrong sex or birth date for the record) is left out; every fourth household was "typed from paper":
no NIKs and every birth year one off. Then it runs a full person and household linkage: most duplicates
merge automatically, the typed-from-paper ones mostly fall between the thresholds and wait in the review
queue for the demo's stewards (``dinsos.dki``, ``dinsos.jabar``, or ``admin``). Running it again changes
nothing.

:func:`evaluate_weak_lists` then shows linkage without identity numbers: a small hard scenario
(:mod:`inklusi.synth.weak_lists`: no NIK or KK, 3 to 20 noisy records per person) linked by the same
evaluation as ``inklusi linkage evaluate``, against the scenario's truth. It reads and writes no registry
data: the scenario is a table in memory.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.linkage import service as linkage
from inklusi.linkage.model import ColumnMap
from inklusi.linkage.service import RunSummary
from inklusi.registry import service as registry
from inklusi.registry.checks import check_nik_matches
from inklusi.registry.model import HouseholdData, Relationship
from inklusi.synth import SynthConfig, generate, households_data
from inklusi.synth.weak_lists import WeakListsConfig, weak_lists
from inklusi.wilayah import service as wilayah

SOURCE = "demo-second-listing"
TYPED_FROM_PAPER = 4  # every fourth household of the second listing lost its NIKs and a birth year
WEAK_LISTS_PEOPLE = 200  # about 2,000 records: a few seconds
WEAK_LISTS_MAPPING = (  # the columns of the scenario, as ``inklusi linkage evaluate --map`` takes them
    "given_name=given_name,family_name=family_name,birth_date=birth_date,sex=sex,postcode=postcode,"
    "birth_place=birth_place,extra:occupation=occupation"
)


@dataclasses.dataclass(frozen=True)
class DemoLinkage:
    second_listing_households: int
    run: RunSummary | None  # None when a linkage run existed already
    pending_pairs: int


@dataclasses.dataclass(frozen=True)
class WeakListsResult:
    """What the linkage of lists without identity numbers found, against the scenario's truth."""

    records: int
    people: int
    training_path: str  # "expectation maximisation" when no identity numbers anchor the training
    pairwise_f1: float  # at the threshold the model chose itself
    cluster_f1: float


def evaluate_weak_lists(*, people: int = WEAK_LISTS_PEOPLE, seed: int = 7) -> WeakListsResult:
    """Link a small weak-lists scenario (no NIK or KK) with ``inklusi linkage evaluate``'s evaluation."""
    scenario = weak_lists(WeakListsConfig(people=people, seed=seed))
    columns = ColumnMap.parse(WEAK_LISTS_MAPPING, record_id="record_id")
    report = linkage.evaluate_table(scenario, columns, "truth", sweep=False)
    return WeakListsResult(
        records=report.records,
        people=len(scenario["truth"].unique()),
        training_path=str(report.extra["training"]["path"]),  # type: ignore[index]
        pairwise_f1=report.at_threshold.f1,
        cluster_f1=report.clusters.f1,
    )


def _second_listing(directory: Path) -> Iterator[HouseholdData]:
    households = pq.read_table(directory / "duplicate_households.parquet")
    persons = pq.read_table(directory / "duplicate_persons.parquet")
    families = persons.group_by(["family_id", "household_id"]).aggregate([])
    families = families.append_column("kk_number", pa.nulls(families.num_rows, pa.string()))
    families = families.append_column("programmes", pa.nulls(families.num_rows, pa.list_(pa.string())))
    listed = (data for data in households_data(households, families, persons) if data.families)
    for index, data in enumerate(listed):  # (a household none of whose members was listed again is left out)
        yield _registrable(_typed_from_paper(data) if index % TYPED_FROM_PAPER == 0 else data)


def _typed_from_paper(data: HouseholdData) -> HouseholdData:
    """A list typed from paper: no NIK, and the birth year one off (the doubtful pairs of the queue)."""
    families = []
    for family in data.families:
        members = []
        for member in family.members:
            person = member.person
            born = person.birth_date
            if born is not None:
                born = born.replace(year=born.year - 1, day=min(born.day, 28))
            members.append(
                dataclasses.replace(member, person=dataclasses.replace(person, nik=None, birth_date=born))
            )
        families.append(dataclasses.replace(family, members=tuple(members)))
    return dataclasses.replace(data, families=tuple(families))


def _registrable(data: HouseholdData) -> HouseholdData:
    """One head per family; NIKs the registry would refuse are left out."""
    families = []
    for family in data.families:
        members = list(family.members)
        if not any(m.relationship is Relationship.head for m in members):
            members[0] = dataclasses.replace(members[0], relationship=Relationship.head)
        checked = []
        for member in members:
            person = member.person
            if person.nik and any(
                issue.severity == "error"
                for issue in check_nik_matches(person, wilayah.check_nik(person.nik), "")
            ):
                person = dataclasses.replace(person, nik=None)
            checked.append(dataclasses.replace(member, person=person))
        families.append(dataclasses.replace(family, members=tuple(checked)))
    return dataclasses.replace(data, families=tuple(families))


def prepare_demo(
    ctx: Context, *, households: int = 500, seed: int = 7, population: Path | None = None
) -> DemoLinkage:
    """Register the second listing of ``SynthConfig(households, seed)`` (or of the population already
    written by ``inklusi synth`` to ``population``) and link the registry."""
    system = Principal.system("demo")
    if linkage.list_runs(ctx, system, limit=1):
        return DemoLinkage(0, None, linkage.count_pending(ctx, system))
    if population is not None:
        listing = list(_second_listing(population))
    else:
        with tempfile.TemporaryDirectory(prefix="inklusi-demo-") as folder:
            generate(SynthConfig(households=households, seed=seed), Path(folder))
            listing = list(_second_listing(Path(folder)))
    loaded = registry.load_households(ctx, system, listing, source=SOURCE)
    run = linkage.link_registry(ctx, system)
    return DemoLinkage(loaded.households, run, linkage.count_pending(ctx, system))
