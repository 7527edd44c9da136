"""The demo's programmes: two programmes simulated together on the demo registry and saved as scenarios,
the food assistance's scenario frozen into the beneficiary list of a cycle, a village deliberation (FKP) in
the village with the most listed households that a demo steward covers, its grievance decided by someone
else than who submitted it, and a case worker's grievance waiting in the queue. Everything goes through
the programmes service as the demo's users, like any caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.programmes import service as programmes
from inklusi.programmes.service import DecisionInput, EntryView, ListInfo
from inklusi.programmes.spec import load_programme
from inklusi.registry import service as registry
from inklusi.wilayah import service as wilayah

PLANNER = "perencana"  # programmes:manage, nationwide
STEWARDS = ("dinsos.jabar", "dinsos.dki")  # programmes:validate, grievances:submit and :decide in a province
REVIEWER = "admin"  # decides the deliberation's grievance (never the one who submitted it)
WORKER = "pendamping.bandung"  # grievances:submit over Kota Bandung
VILLAGES_TRIED = 5  # for a deliberation that also adds a household (a village with one not on the list)
SCENARIO = "Demo 2027"
CYCLE = "2027-1"
# The demo registry holds a few hundred households: budgets of that size (Rupiah per year), so that a
# budget, not eligibility alone, decides who is covered and the budget curve has something to show.
BUDGETS = {"pkh": 150_000_000.0, "sembako": 120_000_000.0}


@dataclass(frozen=True)
class DemoProgramme:
    name: str
    beneficiaries: int
    cost: float
    expected_exclusion_error: float | None


@dataclass(frozen=True)
class DemoProgrammes:
    programmes: tuple[DemoProgramme, ...]
    list_id: UUID
    cycle: str
    listed: int  # households on the frozen list
    village: str | None  # where the FKP met, "name (code)" (None: no listed household a steward covers)
    change_requests: int  # FKP decisions that became change requests
    grievances: int  # FKP decisions that became grievances (each decided by the reviewer)
    waiting: int  # grievances left in the queue (a case worker's)


def prepare_programmes(ctx: Context) -> DemoProgrammes | None:
    """Simulate, freeze, deliberate and decide (``None``: the demo's list exists already)."""
    planner = access.principal_of(ctx, PLANNER)
    if any(listed.cycle == CYCLE for listed in programmes.list_lists(ctx, planner)):
        return None
    specs = [load_programme(name) for name in BUDGETS]
    simulated = programmes.simulate_registry(ctx, planner, specs, budgets=BUDGETS, save_as=SCENARIO)
    listed = programmes.freeze(ctx, planner, simulated.scenario_ids["sembako"], cycle=CYCLE)
    village, requests, grievances = _deliberate(ctx, listed)
    waiting = _grievance_waiting(ctx, access.principal_of(ctx, WORKER))
    outcomes = tuple(
        DemoProgramme(o.programme, o.beneficiaries, o.cost, o.expected_exclusion_error)
        for o in simulated.simulation.outcomes
    )
    return DemoProgrammes(
        outcomes, listed.id, CYCLE, listed.households, village, requests, grievances, waiting
    )


def _deliberate(ctx: Context, listed: ListInfo) -> tuple[str | None, int, int]:
    """The FKP of a village of the list in a demo steward's province (:func:`_village`): a household
    confirmed (when two or more are listed), one removed because its dwelling was recorded wrongly (a change
    request), one added (a grievance, which the reviewer upholds with a re-assessment)."""
    chosen = _village(ctx, listed)
    if chosen is None:
        return None, 0, 0
    village, steward, entries, others = chosen
    # confirm the first (when there are two or more), remove the last: its dwelling was recorded wrongly
    *confirmed, removed = entries
    decisions = [
        DecisionInput(e.household_id, "confirm", "Kondisi sesuai data; layak menerima") for e in confirmed[:1]
    ]
    area = registry.get_household(ctx, steward, removed.household_id).dwelling.floor_area_m2
    decisions.append(
        DecisionInput(
            removed.household_id,
            "remove",
            "Rumah sudah direnovasi: luas lantai jauh lebih besar dari yang tercatat",
            changes={"floor_area_m2": max(area or 0, 36) * 3},
        )
    )
    if others:
        decisions.append(
            DecisionInput(others[0], "add", "Kepala keluarga kehilangan pekerjaan; keluarga tidak mampu")
        )
    meeting = programmes.record_meeting(
        ctx,
        steward,
        listed.id,
        village,
        held_on=date.today(),
        place="Balai desa",
        attendance=[
            ("Kepala desa", "Kepala desa"),
            ("Ketua RT 01", "Ketua RT"),
            ("Pendamping PKH", "Pendamping"),
            ("Tokoh masyarakat", "Tokoh masyarakat"),
        ],
        minutes="Musyawarah desa memverifikasi daftar penerima bantuan pangan siklus 2027-1.",
        decisions=decisions,
    )
    reviewer = access.principal_of(ctx, REVIEWER)
    for decision in meeting.decisions:
        if decision.grievance_id is not None:
            programmes.decide_grievance(
                ctx,
                reviewer,
                decision.grievance_id,
                uphold=True,
                note="Disepakati musyawarah desa; rumah tangga dinilai ulang pada pemutakhiran berikutnya.",
                reassess=True,
            )
    requests = sum(1 for d in meeting.decisions if d.change_request_id is not None)
    grievances = sum(1 for d in meeting.decisions if d.grievance_id is not None)
    name = wilayah.area_names(ctx, {village}).get(village, village)
    return f"{name} ({village})", requests, grievances


def _village(ctx: Context, listed: ListInfo) -> tuple[str, Principal, list[EntryView], list[UUID]] | None:
    """The village with the most listed households (among the first few) that also has a household not on
    the list, as a demo steward covering it reads it: (village, steward, entries, unlisted households)."""
    found = sorted(
        (
            (-village.households, village.code, username)
            for username in STEWARDS
            for village in programmes.get_list(ctx, access.principal_of(ctx, username), listed.id).villages
        ),
    )
    best = None
    for _, village, username in found[:VILLAGES_TRIED]:
        steward = access.principal_of(ctx, username)
        entries = programmes.list_entries(ctx, steward, listed.id, village)
        on_list = {entry.household_id for entry in entries}
        others = [
            hit.household_id
            for hit in registry.browse_area(ctx, steward, village, limit=50)
            if hit.household_id is not None and hit.household_id not in on_list
        ]
        best = best or (village, steward, entries, others)
        if others:
            return village, steward, entries, others
    return best


def _grievance_waiting(ctx: Context, worker: Principal) -> int:
    """A case worker's client in Kota Bandung contests their ranking: it waits in the queue for a steward."""
    hits = registry.browse_area(ctx, worker, "32.73", limit=1)
    if not hits or hits[0].household_id is None:
        return 0
    programmes.submit_grievance(
        ctx,
        worker,
        hits[0].household_id,
        kind="ranking",
        statement="Keluarga merasa peringkatnya terlalu tinggi: penghasilan turun sejak suami sakit.",
        evidence="Surat keterangan tidak mampu dari kelurahan; surat dokter",
    )
    return 1
