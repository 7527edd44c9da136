"""Issue 15: the generated permission matrix of cases, through the API on both databases.

role (the demo-like built-in roles) × position of the user's organisation towards the case × sensitivity of
the case × action → the status expected and, for reads, which parts are present. The expectations come from
:func:`expected`, an oracle written from ``docs/cases.md`` (not from the code under test): it reads only the
roles' permissions (``access/roles.yaml``). A test checks that every cell of the product is listed and run.

Positions: ``owner`` (a user of the owner organisation, a Dinas Sosial), ``assigned`` (the same, assigned to
the case — set directly, as after a role was taken away), ``receiver`` (an NGO receiving a referral of the
case), ``transfer_receiver`` (an NGO to which a transfer waits), ``supervisor_gov`` (a provincial Dinas
Sosial over the case's area), ``ngo_outside`` (an NGO over the area, no handover) and ``none`` (a Dinas
Sosial of another province: outside the area).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import update

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Permission
from inklusi.cases import service
from inklusi.cases.handovers import Consent, ConsentPurpose
from inklusi.cases.model import TransitionName
from inklusi.cases.records import Assessment, Plan, PlanItem, RiskLevel, prefilled_needs
from inklusi.cases.tables import case_file
from inklusi.ppks.model import ServiceType
from inklusi.registry import service as registry
from tests.cases.conftest import BANDUNG
from tests.conftest import bearer
from tests.factories import BANDUNG_VILLAGE, SYSTEM, household

API = "/api/v1"
ROLES = ("case_worker", "case_supervisor", "planner", "steward", "admin")
POSITIONS = ("owner", "assigned", "receiver", "transfer_receiver", "supervisor_gov", "ngo_outside", "none")
SENSITIVITIES = ("sensitive", "personal")
ACTIONS = (
    "read",
    "read_sensitive",
    "transition",
    "approve_plan",
    "refer",
    "accept_referral",
    "record_service",
    "add_note",
    "access_log",
    "break_glass",
)
CELLS = tuple(itertools.product(ROLES, POSITIONS, SENSITIVITIES, ACTIONS))
CATEGORIES = {"sensitive": ["poor", "people_living_with_hiv"], "personal": ["poor"]}
PERMISSIONS = {role.name: role.permissions for role in access.builtin_roles()}
CASE_PERMISSIONS = {Permission.cases_read, Permission.cases_supervise, Permission.cases_break_glass}
PRESENT = {  # what a view holds (non-null) and never holds (null)
    "full": (
        {
            "phase",
            "owner_organisation",
            "categories",
            "assessments",
            "plans",
            "transitions",
            "consents",
            "referrals",
            "services",
        },
        set(),
    ),
    "referral": (
        {"referrals", "services", "outcomes"},
        {"phase", "categories", "needs", "assessments", "plans", "transitions", "consents", "notes"},
    ),
    "summary": (
        {"phase", "categories", "needs", "transfers"},
        {"assessments", "plans", "transitions", "services", "referrals", "consents", "notes"},
    ),
}


# --- The oracle: docs/cases.md, in a few lines --------------------------------------------------------------


def relations(role: str, position: str) -> set[str]:
    held = PERMISSIONS[role]
    reads, supervises = Permission.cases_read in held, Permission.cases_supervise in held
    found = set()
    if position in ("owner", "assigned") and reads:
        found |= {"owner"} | ({"assigned"} if position == "assigned" else set())
    if position == "receiver" and reads:
        found.add("receiver")
    if position == "transfer_receiver" and reads:
        found.add("transfer_receiver")
    if supervises and position in ("owner", "assigned", "supervisor_gov"):  # own organisation or government
        found.add("supervisor")
    return found


def view(role: str, position: str) -> str | None:
    found = relations(role, position)
    if found & {"owner", "assigned", "supervisor"}:
        return "full"
    return "referral" if "receiver" in found else ("summary" if "transfer_receiver" in found else None)


def expected(role: str, position: str, sensitivity: str, action: str) -> object:
    held, found, seen = PERMISSIONS[role], relations(role, position), view(role, position)
    writes = Permission.cases_write in held
    worker = writes and bool(found & {"owner", "assigned"})
    refused = 403 if found else 404  # no relation: the case does not exist for them
    if action == "read":
        return (200, seen) if seen else (404 if held & CASE_PERMISSIONS else 403, None)
    if action == "read_sensitive":
        if seen is None:
            return "absent"
        return "shown" if seen == "full" and Permission.ppks_sensitive in held else "hidden"
    if action in ("transition", "add_note", "refer"):
        return (201 if action != "transition" else 200) if worker else refused
    if action == "approve_plan":
        return 200 if "supervisor" in found else refused
    if action == "accept_referral":
        return 200 if position == "receiver" and writes and found else refused
    if action == "record_service":
        return 201 if worker or ("receiver" in found and writes) else refused
    if action == "access_log":
        return 200 if found & {"owner", "supervisor"} else refused
    assert action == "break_glass"
    if Permission.cases_break_glass not in held:
        return 403
    if position == "none":
        return 404  # outside the area of their grant
    return 409 if seen == "full" else 201


def test_every_cell_is_listed():
    assert len(CELLS) == len(ROLES) * len(POSITIONS) * len(SENSITIVITIES) * len(ACTIONS) == 700
    assert len(set(CELLS)) == len(CELLS)
    assert {expected(*cell) is not None for cell in CELLS} == {True}


# --- The world and the cases --------------------------------------------------------------------------------


@dataclass
class Setup:
    ctx: object
    orgs: dict[str, UUID]
    users: dict[tuple[str, str], str]  # (role, position) -> username
    person: UUID
    clerk: dict[str, str] | None = None  # the owner organisation's worker's API headers


def _user(ctx, username: str, org: UUID, role: str, area: str) -> str:
    access.create_user(
        ctx,
        SYSTEM,
        username=username,
        password=f"{username}-password",
        organisation_id=org,
        grants=[(role, area)],
    )
    return username


def _setup(ctx) -> Setup:
    def org(name: str, kind: OrganisationKind) -> UUID:
        return access.create_organisation(ctx, SYSTEM, name, kind)

    orgs = {
        "owner": org("Dinas Sosial Kota Bandung", OrganisationKind.regional),
        "gov": org("Dinas Sosial Provinsi Jawa Barat", OrganisationKind.regional),
        "ngo": org("Yayasan Lain", OrganisationKind.ngo),
        "elsewhere": org("Dinas Sosial DKI Jakarta", OrganisationKind.regional),
        **{f"target{i}": org(f"LKS Tujuan {i}", OrganisationKind.ngo) for i in range(4)},
    }
    users = {}
    for role in ROLES:
        orgs[f"receiver:{role}"] = org(f"LKS Penerima {role}", OrganisationKind.ngo)
        orgs[f"transfer:{role}"] = org(f"Yayasan Penerima {role}", OrganisationKind.ngo)
        _user(ctx, f"clerk-{role}", orgs[f"receiver:{role}"], "case_worker", BANDUNG)
        places = {
            "owner": "owner",
            "assigned": "owner",
            "receiver": f"receiver:{role}",
            "transfer_receiver": f"transfer:{role}",
            "supervisor_gov": "gov",
            "ngo_outside": "ngo",
            "none": "elsewhere",
        }
        for position, place in places.items():
            area = "31" if position == "none" else BANDUNG
            users[(role, position)] = _user(ctx, f"{role}-{position}", orgs[place], role, area)
    _user(ctx, "clerk", orgs["owner"], "case_worker", BANDUNG)
    _user(ctx, "boss", orgs["owner"], "case_supervisor", BANDUNG)
    person = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="test").person_ids[0]
    return Setup(ctx, orgs, users, person)


def _case(setup: Setup, role: str, sensitivity: str, *, phase: str) -> UUID:
    """A case of the owner organisation: assigned to the role's ``assigned`` user, a referral to the role's
    receiving organisation (accepted in intervention), a transfer waiting for its transfer organisation,
    a note; in ``phase`` (intake, planning — proposed by the clerk — or intervention)."""
    ctx = setup.ctx
    clerk, boss = access.principal_of(ctx, "clerk"), access.principal_of(ctx, "boss")
    case_id = service.open_case(ctx, clerk, person_id=setup.person, categories=CATEGORIES[sensitivity]).id
    service.add_note(ctx, clerk, case_id, "a note for those who may read notes")
    for purpose in (ConsentPurpose.referral, ConsentPurpose.transfer):
        service.record_consent(ctx, clerk, case_id, Consent(purpose, "any organisation", date.today()))
    referral = service.refer(
        ctx,
        clerk,
        case_id,
        to_organisation_id=setup.orgs[f"receiver:{role}"],
        service_type=ServiceType.vocational_training,
        reason="training",
    )
    service.propose_transfer(
        ctx, clerk, case_id, to_organisation_id=setup.orgs[f"transfer:{role}"], reason="r"
    )
    if phase != "intake":
        service.transition(ctx, clerk, case_id, TransitionName.assess)
        needs = prefilled_needs(CATEGORIES[sensitivity])
        service.record_assessment(
            ctx, clerk, case_id, Assessment(needs, RiskLevel.high, tuple(CATEGORIES[sensitivity]))
        )
        item = PlanItem(ServiceType.vocational_training, setup.orgs["owner"], date.today(), date.today())
        service.record_plan(ctx, clerk, case_id, Plan(("a living",), (item,)))
        service.transition(ctx, clerk, case_id, TransitionName.propose_plan)
    if phase == "intervention":
        service.transition(ctx, boss, case_id, TransitionName.approve_plan)
        service.accept_referral(ctx, access.principal_of(ctx, f"clerk-{role}"), referral.id)
    assigned = access.principal_of(ctx, setup.users[(role, "assigned")])
    with ctx.transaction() as conn:  # set directly: a role without cases:write cannot be assigned any more
        conn.execute(
            update(case_file).where(case_file.c.id == case_id).values(assigned_user_id=assigned.user_id)
        )
    return case_id


# --- Running the cells --------------------------------------------------------------------------------------


def _read(response, sensitivity: str) -> tuple[object, object]:
    if response.status_code != 200:
        return (response.status_code, None), "absent"
    body = response.json()
    present, absent = PRESENT[body["view"]]
    wrong = sorted(k for k in present if body[k] is None) + sorted(k for k in absent if body[k] is not None)
    assert not wrong, f"{body['view']} view: parts wrong: {wrong}"
    shows = body["notes"] is not None and (
        sensitivity == "personal" or "people_living_with_hiv" in (body["categories"] or [])
    )
    hides = body["notes"] is None and "people_living_with_hiv" not in (body["categories"] or [])
    assert shows or hides, "sensitive categories and notes go together"
    return (200, body["view"]), "shown" if shows else "hidden"


def _run_base(client, setup, role, sensitivity, headers, results) -> None:
    """Reads and the actions that leave relations as they are, on one case in intervention."""
    case_id = _case(setup, role, sensitivity, phase="intervention")
    url = f"{API}/cases/{case_id}"
    for index, position in enumerate(POSITIONS):
        user, cell = headers[(role, position)], (role, position, sensitivity)
        results[(*cell, "read")], results[(*cell, "read_sensitive")] = _read(
            client.get(url, headers=user), sensitivity
        )
        results[(*cell, "access_log")] = client.get(f"{url}/access-log", headers=user).status_code
        results[(*cell, "add_note")] = client.post(
            f"{url}/notes", headers=user, json={"text": "n"}
        ).status_code
        service_body = {"service_type": "vocational_training", "delivered_on": date.today().isoformat()}
        if position == "receiver":
            service_body["referral_id"] = _referral_to(client, setup, role, case_id)
        results[(*cell, "record_service")] = client.post(
            f"{url}/services", headers=user, json=service_body
        ).status_code
        referral = {
            "to_organisation_id": str(setup.orgs[f"target{index % 4}"]),
            "service_type": list(ServiceType)[index % 10].value,
            "reason": "r",
        }
        results[(*cell, "refer")] = client.post(f"{url}/referrals", headers=user, json=referral).status_code
    for position in POSITIONS:  # last: a grant changes what the user sees
        response = client.post(
            f"{url}/break-glass", headers=headers[(role, position)], json={"reason": "emergency"}
        )
        results[(role, position, sensitivity, "break_glass")] = response.status_code


def _referral_to(client, setup, role, case_id) -> str:
    case = client.get(f"{API}/cases/{case_id}", headers=setup.clerk).json()
    (referral,) = [
        r for r in case["referrals"] if r["to_organisation"]["id"] == str(setup.orgs[f"receiver:{role}"])
    ]
    return referral["id"]


def test_the_matrix_holds_on_the_api(client, ctx):
    setup = _setup(ctx)
    headers = {key: bearer(client, username) for key, username in setup.users.items()}
    setup.clerk = bearer(client, "clerk")
    results: dict[tuple[str, str, str, str], object] = {}
    for role, sensitivity in itertools.product(ROLES, SENSITIVITIES):
        _run_base(client, setup, role, sensitivity, headers, results)
        for position in POSITIONS:
            user, cell = headers[(role, position)], (role, position, sensitivity)
            case_id = _case(setup, role, sensitivity, phase="intake")
            moved = client.post(
                f"{API}/cases/{case_id}/transitions", headers=user, json={"transition": "assess"}
            )
            results[(*cell, "transition")] = moved.status_code
            referral = _referral_to(client, setup, role, case_id)
            results[(*cell, "accept_referral")] = client.post(
                f"{API}/referrals/{referral}/accept", headers=user
            ).status_code
            planning = _case(setup, role, sensitivity, phase="planning")
            approved = client.post(
                f"{API}/cases/{planning}/transitions", headers=user, json={"transition": "approve_plan"}
            )
            results[(*cell, "approve_plan")] = approved.status_code
    assert set(results) == set(CELLS), "every cell is run"
    wrong = [
        f"{' × '.join(cell)}: got {results[cell]}, expected {expected(*cell)}"
        for cell in CELLS
        if results[cell] != expected(*cell)
    ]
    assert wrong == [], "\n".join(wrong)
