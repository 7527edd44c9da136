"""The demo's programmes: two programmes simulated together on the demo registry and saved as scenarios,
the food assistance's scenario frozen into the beneficiary list of a cycle, a village deliberation (FKP) in
the West Java village with the most listed households, and a grievance decided by someone else than who
submitted it. Everything goes through the programmes service as the demo's users, like any caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.programmes import service as programmes
from inklusi.programmes.service import DecisionInput, ListInfo
from inklusi.programmes.spec import load_programme
from inklusi.registry import service as registry

PLANNER = "perencana"  # programmes:manage, nationwide
STEWARD = "dinsos.jabar"  # programmes:validate and grievances:decide over West Java
WORKER = "pendamping.bandung"  # grievances:submit over Kota Bandung
WEST_JAVA = "32"
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
    village: str | None  # where the FKP met (None: no listed household in West Java)
    change_requests: int  # FKP decisions that became change requests
    grievances: int  # grievances recorded (FKP's and a case worker's)


def prepare_programmes(ctx: Context) -> DemoProgrammes | None:
    """Simulate, freeze, deliberate and decide (``None``: the demo's list exists already)."""
    planner = access.principal_of(ctx, PLANNER)
    if any(listed.cycle == CYCLE for listed in programmes.list_lists(ctx, planner)):
        return None
    specs = [load_programme(name) for name in BUDGETS]
    simulated = programmes.simulate_registry(ctx, planner, specs, budgets=BUDGETS, save_as=SCENARIO)
    listed = programmes.freeze(ctx, planner, simulated.scenario_ids["sembako"], cycle=CYCLE)
    steward = access.principal_of(ctx, STEWARD)
    village, requests, grievances = _deliberate(ctx, steward, listed)
    grievances += _grievance_decided(ctx, access.principal_of(ctx, WORKER), steward)
    outcomes = tuple(
        DemoProgramme(o.programme, o.beneficiaries, o.cost, o.expected_exclusion_error)
        for o in simulated.simulation.outcomes
    )
    return DemoProgrammes(outcomes, listed.id, CYCLE, listed.households, village, requests, grievances)


def _deliberate(ctx: Context, steward: Principal, listed: ListInfo) -> tuple[str | None, int, int]:
    """The FKP of the West Java village with the most listed households: a household confirmed (when two
    or more are listed), one removed because its dwelling was recorded wrongly (a change request), one
    added (a grievance)."""
    villages = programmes.get_list(ctx, steward, listed.id).villages
    in_province = [v for v in villages if v.code.startswith(WEST_JAVA)]
    if not in_province:
        return None, 0, 0
    village = max(in_province, key=lambda v: (v.households, v.code)).code
    entries = programmes.list_entries(ctx, steward, listed.id, village)
    on_list = {entry.household_id for entry in entries}
    others = [
        hit.household_id
        for hit in registry.browse_area(ctx, steward, village, limit=50)
        if hit.household_id is not None and hit.household_id not in on_list
    ]
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
    requests = sum(1 for d in meeting.decisions if d.change_request_id is not None)
    grievances = sum(1 for d in meeting.decisions if d.grievance_id is not None)
    return village, requests, grievances


def _grievance_decided(ctx: Context, worker: Principal, steward: Principal) -> int:
    """A case worker's client in Kota Bandung contests their ranking; the West Java steward upholds it and
    asks for a re-assessment."""
    hits = registry.browse_area(ctx, worker, "32.73", limit=1)
    if not hits or hits[0].household_id is None:
        return 0
    grievance = programmes.submit_grievance(
        ctx,
        worker,
        hits[0].household_id,
        kind="ranking",
        statement="Keluarga merasa peringkatnya terlalu tinggi: penghasilan turun sejak suami sakit.",
        evidence="Surat keterangan tidak mampu dari kelurahan; surat dokter",
    )
    programmes.decide_grievance(
        ctx,
        steward,
        grievance.id,
        uphold=True,
        note="Bukti kuat; rumah tangga dinilai ulang pada pemutakhiran berikutnya.",
        reassess=True,
    )
    return 1
