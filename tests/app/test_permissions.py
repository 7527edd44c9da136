"""Role × endpoint × object: every operation of the OpenAPI document, called as every demo role (and the
administrator, and nobody), on objects inside and outside the caller's area scope.

The operations come from the served OpenAPI document, so a new endpoint without a row in ``EXPECTED``
fails ``test_every_operation_has_an_expectation``. A row says who may call the operation and, for an
object in an area, which permission the caller needs there; the answer expected for each caller follows
from the demo roles (``demo.USERS``, ``access/roles.yaml``): allowed, 403 (lacks the permission
anywhere), 404 (the object is outside the scope: the same answer as for an id that does not exist), 401
(no token).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from inklusi.access import service as access
from inklusi.access.model import NATIONWIDE_ONLY, OrganisationKind, Permission, Principal
from inklusi.demo import USERS
from inklusi.ppks.model import ServiceType
from inklusi.registry import service as registry
from tests.conftest import ADMIN_PASSWORD
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household

API = "/api/v1"
MISSING = "00000000-0000-7000-8000-000000000000"
MISSING_TOO = "00000000-0000-7000-8000-000000000001"
READ, WRITE, AUDIT, USERS_MANAGE = (
    Permission.registry_read,
    Permission.registry_write,
    Permission.audit_read,
    Permission.users_manage,
)
PPKS_READ, PPKS_PERSONS, PPKS_VERIFY = Permission.ppks_read, Permission.ppks_persons, Permission.ppks_verify
CASES_READ, CASES_WRITE = Permission.cases_read, Permission.cases_write
PROG_READ, PROG_MANAGE, PROG_VALIDATE = (
    Permission.programmes_read,
    Permission.programmes_manage,
    Permission.programmes_validate,
)
GRIEVANCE_SUBMIT, GRIEVANCE_DECIDE = Permission.grievances_submit, Permission.grievances_decide
SUBJECTS = Permission.subjects_manage
_SPEC = {
    "name": "bantuan_uji",
    "label": {"id": "Bantuan uji", "en": "Test assistance"},
    "description": {"id": "Semua", "en": "Everyone"},
    "benefit": {"per_household": 1000},
}
_MEETING = {
    "held_on": "2025-01-15",
    "place": "Balai desa",
    "attendance": [{"name": "Pak Lurah"}],
    "minutes": "m",
}


@dataclass(frozen=True)
class Rule:
    """Who may call an operation.

    ``who``: "public" (no token needed), "login" (any logged-in user) or a permission. With ``on`` (an
    object kind: household, person, change_request) the permission is needed in the object's area and a
    caller without it there gets ``outside`` (404: as if it did not exist; 403 for an area asked for); without
    ``on``, holding the permission somewhere is enough and a caller without it gets ``denied``. ``ok``: the
    statuses of an allowed call.
    """

    who: str | Permission
    ok: frozenset[int] = frozenset({200})
    on: str | None = None
    denied: int = 403
    outside: int = 404
    request: Callable[[dict[str, str]], dict] = field(default=lambda ids: {})


def ok(*statuses: int) -> frozenset[int]:
    return frozenset(statuses)


def _change(ids):
    return {
        "json": {
            "target_type": "household",
            "target_id": ids["household"],
            "changes": {"floor_material": 8},
            "reason": "permission test",
            "evidence": "visit",
        }
    }


def _upload(_ids):
    return {"files": {"file": ("round.txt", io.BytesIO(b"not a form"), "text/plain")}}


NOT_FOUND = ok(404)  # an id that does not exist: callers without the permission may get 403 or 404
TODAY = date.today().isoformat()
_ASSESSMENT = {
    "needs": [{"service_type": s.value, "level": "none"} for s in ServiceType],
    "risk_level": "low",
    "categories": ["poor"],
}


def _body(body: dict) -> Callable[[dict[str, str]], dict]:
    return lambda _ids: {"json": body}


_WRONG = {"username": "nobody-here", "password": "wrong-password", "new_password": "another-password"}
EXPECTED: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): Rule("public"),
    # the login endpoints are tested in tests/access/test_login_throttle.py (throttled: not called here)
    ("POST", "/auth/token"): Rule("public", ok(401, 429), request=lambda _: {"data": _WRONG}),
    ("POST", "/auth/password"): Rule("public", ok(401, 429), request=lambda _: {"data": _WRONG}),
    ("POST", "/auth/logout"): Rule("login", ok(204)),
    ("GET", "/auth/me"): Rule("login"),
    ("GET", "/areas"): Rule("public"),
    ("GET", "/areas/{code}"): Rule("public"),
    ("GET", "/areas/{code}/children"): Rule("public"),
    ("GET", "/nik/{number}"): Rule("login"),
    ("GET", "/kk/{number}"): Rule("login"),
    ("GET", "/persons"): Rule(READ, request=lambda _: {"params": {"name": "Budi Santoso"}}),
    ("GET", "/households"): Rule(READ, request=lambda _: {"params": {"name": "Budi Santoso"}}),
    ("GET", "/households/{household_id}"): Rule(READ, on="household"),
    ("GET", "/households/{household_id}/history"): Rule(READ, on="household"),
    ("GET", "/persons/{person_id}"): Rule(READ, on="person"),
    ("POST", "/change-requests"): Rule(READ, ok(201), on="household", request=_change),
    ("GET", "/change-requests"): Rule(WRITE),
    ("GET", "/change-requests/{request_id}"): Rule(READ, on="change_request"),
    ("POST", "/change-requests/{request_id}/decision"): Rule(
        WRITE, ok(200, 409), on="change_request", request=lambda _: {"json": {"approve": False, "note": "no"}}
    ),
    ("GET", "/codelists"): Rule("public"),
    ("GET", "/instrument/{name}"): Rule("public"),
    ("GET", "/instrument/{name}/xlsform"): Rule("public"),
    ("GET", "/instrument/{name}/questionnaire"): Rule("public"),
    ("GET", "/imports"): Rule(WRITE),
    ("POST", "/imports"): Rule(WRITE, ok(202, 422), request=_upload),
    ("GET", "/imports/jobs/{job_id}"): Rule(WRITE, NOT_FOUND),
    ("GET", "/imports/{batch_id}"): Rule(WRITE, NOT_FOUND),
    ("GET", "/imports/{batch_id}/errors.csv"): Rule(WRITE, NOT_FOUND),
    ("GET", "/imports/{batch_id}/held.jsonl"): Rule(WRITE, NOT_FOUND),
    ("GET", "/welfare/households/{household_id}"): Rule(READ, NOT_FOUND, on="household"),
    ("GET", "/welfare/households/{household_id}/explanation"): Rule(READ, NOT_FOUND, on="household"),
    ("GET", "/welfare/households/{household_id}/history"): Rule(READ, NOT_FOUND, on="household"),
    # aggregates without personal data (found open to any logged-in user, the auditor included)
    ("GET", "/welfare/runs"): Rule("login"),
    ("GET", "/welfare/runs/latest/deciles"): Rule(READ, NOT_FOUND),
    ("GET", "/welfare/movements"): Rule(READ, NOT_FOUND),
    ("GET", "/welfare/models"): Rule("login"),
    ("POST", "/linkage/runs"): Rule(
        USERS_MANAGE, ok(404, 422), request=lambda _: {"json": {"settings": "none"}}
    ),
    # readers see the runs and the queue (scoped), stewards decide
    ("GET", "/linkage/runs"): Rule(READ),
    ("GET", "/linkage/queue"): Rule(READ),
    ("GET", "/linkage/pairs/{pair_id}"): Rule(WRITE, NOT_FOUND),
    ("POST", "/linkage/pairs/{pair_id}/decision"): Rule(
        WRITE, NOT_FOUND, request=lambda _: {"json": {"decision": "match"}}
    ),
    ("GET", "/linkage/entities/{entity_id}"): Rule(READ, NOT_FOUND),
    ("GET", "/linkage/records/{kind}/{record_id}"): Rule(READ, NOT_FOUND),
    ("POST", "/linkage/entities/merge"): Rule(
        WRITE, NOT_FOUND, request=lambda _: {"json": {"first": MISSING, "second": MISSING_TOO}}
    ),
    ("POST", "/linkage/entities/{entity_id}/unmerge"): Rule(
        WRITE, NOT_FOUND, request=lambda _: {"json": {"records": [MISSING]}}
    ),
    # PPKS: the taxonomy for readers; an area's flags for ppks:persons (empty outside the scope: the
    # sensitive categories per role are tested in tests/ppks/test_sensitive_visibility.py); decisions
    ("GET", "/ppks/categories"): Rule(PPKS_READ),
    ("GET", "/ppks/candidates"): Rule(PPKS_PERSONS, request=lambda ids: {"params": {"area": ids["area"]}}),
    # the stored aggregates of an area (none in this test: 404), refused (403) outside the reader's scope
    ("GET", "/ppks/summary"): Rule(
        PPKS_READ, NOT_FOUND, on="area", outside=403, request=lambda ids: {"params": {"area": ids["area"]}}
    ),
    ("POST", "/ppks/flags/{flag_id}/verify"): Rule(PPKS_VERIFY, NOT_FOUND, request=lambda _: {"json": {}}),
    ("POST", "/ppks/flags/{flag_id}/reject"): Rule(
        PPKS_VERIFY, NOT_FOUND, request=lambda _: {"json": {"reason": "not so"}}
    ),
    # the service directory (HSDS): read by any logged-in user, imported with directory:manage
    ("GET", "/services"): Rule("login"),
    ("GET", "/services/{service_id}"): Rule("login", NOT_FOUND),
    ("POST", "/services/import"): Rule(Permission.directory_manage, request=lambda _: {"json": []}),
    # Cases (the relations and views per role: tests/cases/test_case_permissions.py): ids that do not exist
    ("POST", "/cases"): Rule(CASES_WRITE, NOT_FOUND, request=_body({"person_id": MISSING})),
    ("GET", "/cases"): Rule(CASES_READ),
    ("GET", "/cases/inbox"): Rule(CASES_READ),
    ("GET", "/cases/dashboard"): Rule(CASES_READ),
    ("GET", "/cases/dashboard/area"): Rule(
        PPKS_READ, on="area", outside=403, request=lambda ids: {"params": {"area": ids["area"]}}
    ),
    ("GET", "/cases/{case_id}"): Rule(CASES_READ, NOT_FOUND),
    ("GET", "/cases/{case_id}/assessment-draft"): Rule(CASES_WRITE, NOT_FOUND),
    ("GET", "/cases/{case_id}/workers"): Rule(CASES_WRITE, NOT_FOUND),
    ("GET", "/cases/{case_id}/access-log"): Rule(CASES_READ, NOT_FOUND),
    ("POST", "/cases/{case_id}/transitions"): Rule(
        CASES_WRITE, NOT_FOUND, request=_body({"transition": "assess"})
    ),
    ("POST", "/cases/{case_id}/assessments"): Rule(CASES_WRITE, NOT_FOUND, request=_body(_ASSESSMENT)),
    ("POST", "/cases/{case_id}/plans"): Rule(
        CASES_WRITE, NOT_FOUND, request=_body({"goals": ["a living"], "items": []})
    ),
    ("POST", "/cases/{case_id}/services"): Rule(
        CASES_WRITE, NOT_FOUND, request=_body({"service_type": "social_care", "delivered_on": TODAY})
    ),
    ("POST", "/cases/{case_id}/outcomes"): Rule(
        CASES_WRITE, NOT_FOUND, request=_body({"kind": "other", "recorded_on": TODAY})
    ),
    ("POST", "/cases/{case_id}/notes"): Rule(CASES_WRITE, NOT_FOUND, request=_body({"text": "a visit"})),
    ("POST", "/cases/{case_id}/assignment"): Rule(CASES_WRITE, NOT_FOUND, request=_body({"user_id": None})),
    ("POST", "/cases/{case_id}/follow-up"): Rule(CASES_WRITE, NOT_FOUND, request=_body({"on": None})),
    ("POST", "/cases/{case_id}/referrals"): Rule(
        CASES_WRITE,
        NOT_FOUND,
        request=_body({"to_organisation_id": MISSING, "service_type": "social_care", "reason": "r"}),
    ),
    ("POST", "/cases/{case_id}/transfers"): Rule(
        CASES_WRITE, NOT_FOUND, request=_body({"to_organisation_id": MISSING, "reason": "r"})
    ),
    ("POST", "/cases/{case_id}/consents"): Rule(
        CASES_WRITE, NOT_FOUND, request=_body({"purpose": "referral", "scope": "s", "given_on": TODAY})
    ),
    ("POST", "/cases/{case_id}/break-glass"): Rule(
        Permission.cases_break_glass, NOT_FOUND, request=_body({"reason": "an emergency"})
    ),
    ("POST", "/referrals/{referral_id}/accept"): Rule(CASES_WRITE, NOT_FOUND),
    ("POST", "/referrals/{referral_id}/complete"): Rule(CASES_WRITE, NOT_FOUND),
    ("POST", "/referrals/{referral_id}/reject"): Rule(CASES_WRITE, NOT_FOUND, request=_body({"reason": "r"})),
    ("POST", "/referrals/{referral_id}/revoke"): Rule(CASES_WRITE, NOT_FOUND, request=_body({"reason": "r"})),
    ("POST", "/transfers/{transfer_id}/accept"): Rule(CASES_WRITE, NOT_FOUND),
    ("POST", "/transfers/{transfer_id}/cancel"): Rule(CASES_WRITE, NOT_FOUND),
    ("POST", "/transfers/{transfer_id}/refuse"): Rule(CASES_WRITE, NOT_FOUND, request=_body({"reason": "r"})),
    ("POST", "/consents/{consent_id}/withdraw"): Rule(CASES_WRITE, NOT_FOUND),
    # a person's cases: to those who may read the person in the registry (and hold a case permission)
    ("GET", "/persons/{person_id}/cases"): Rule(CASES_READ, on="person"),
    # Programmes (scope of lists, FKP and grievances: tests/programmes/): planners simulate and freeze,
    # readers see summaries, stewards record FKP meetings (a district code here: refused as not a village)
    ("GET", "/programmes"): Rule(PROG_READ),
    ("POST", "/programmes"): Rule(PROG_MANAGE, ok(201), request=_body(_SPEC)),
    ("GET", "/programmes/{name}"): Rule(PROG_READ, NOT_FOUND),
    ("POST", "/programmes/simulate"): Rule(PROG_MANAGE, request=_body({"programmes": ["sembako"]})),
    ("GET", "/programmes/scenarios"): Rule(PROG_READ),
    ("GET", "/programmes/scenarios/{scenario_id}"): Rule(PROG_READ, NOT_FOUND),
    ("POST", "/programmes/scenarios/{scenario_id}/freeze"): Rule(
        PROG_MANAGE, NOT_FOUND, request=_body({"cycle": "2025-1"})
    ),
    ("GET", "/programmes/lists"): Rule(PROG_READ),
    ("GET", "/programmes/lists/{list_id}"): Rule(PROG_READ, NOT_FOUND),
    ("GET", "/programmes/lists/{list_id}/export"): Rule(PROG_READ, NOT_FOUND),
    ("GET", "/programmes/lists/{list_id}/villages/{code}"): Rule(PROG_READ, NOT_FOUND),
    ("POST", "/programmes/lists/{list_id}/villages/{code}/meetings"): Rule(
        PROG_VALIDATE, ok(422), request=_body(_MEETING)
    ),
    ("GET", "/programmes/meetings/{meeting_id}"): Rule(PROG_READ, NOT_FOUND),
    # grievances: about a household the submitter may read (404 outside the scope)
    ("POST", "/grievances"): Rule(
        GRIEVANCE_SUBMIT,
        ok(201),
        on="household",
        request=lambda ids: {
            "json": {"household_id": ids["household"], "kind": "ranking", "statement": "s", "evidence": "e"}
        },
    ),
    ("GET", "/grievances"): Rule(GRIEVANCE_SUBMIT),
    ("GET", "/grievances/{grievance_id}"): Rule(GRIEVANCE_SUBMIT, NOT_FOUND),
    ("POST", "/grievances/{grievance_id}/decision"): Rule(
        GRIEVANCE_DECIDE, NOT_FOUND, request=_body({"uphold": False, "note": "n"})
    ),
    # Data sharing (core; rows and fields per agreement: tests/sharing/): staff manage agreements and partner
    # credentials; the partner API and its token endpoint answer partner credentials only (401 to users)
    ("GET", "/sharing/agreements"): Rule(Permission.sharing_read),
    ("POST", "/sharing/agreements"): Rule(
        Permission.sharing_manage,
        ok(422),
        request=_body(
            {
                "organisation_id": MISSING,
                "name": "n",
                "purpose": "p",
                "legal_basis": "l",
                "operations": {"lookup": 1},
                "fields": {"household.decile": "as_is"},
                "valid_from": TODAY,
                "valid_to": TODAY,
            }
        ),
    ),
    ("GET", "/sharing/agreements/{agreement_id}"): Rule(Permission.sharing_read, NOT_FOUND),
    ("POST", "/sharing/agreements/{agreement_id}/approve"): Rule(Permission.sharing_approve, NOT_FOUND),
    ("POST", "/sharing/agreements/{agreement_id}/revoke"): Rule(
        Permission.sharing_manage, NOT_FOUND, request=_body({"reason": "r"})
    ),
    ("GET", "/sharing/clients"): Rule(Permission.sharing_read),
    ("POST", "/sharing/clients"): Rule(
        Permission.sharing_manage, NOT_FOUND, request=_body({"agreement_id": MISSING, "name": "c"})
    ),
    ("POST", "/sharing/clients/{client_id}/rotate"): Rule(Permission.sharing_manage, NOT_FOUND),
    ("POST", "/sharing/clients/{client_id}/revoke"): Rule(
        Permission.sharing_manage, NOT_FOUND, request=_body({"reason": "r"})
    ),
    ("PUT", "/sharing/clients/{client_id}/keys"): Rule(
        Permission.sharing_manage, NOT_FOUND, request=_body({})
    ),
    ("POST", "/sharing/oauth2/token"): Rule(
        "public",
        ok(401),
        request=lambda _: {
            "data": {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
        },
    ),
    ("GET", "/partner/agreement"): Rule("public", ok(401)),
    ("POST", "/partner/lookup"): Rule("public", ok(401), request=_body({"by": "nik", "value": "1" * 16})),
    ("POST", "/partner/search"): Rule("public", ok(401), request=_body({})),
    ("POST", "/partner/extract"): Rule("public", ok(401), request=_body({})),
    ("POST", "/partner/match"): Rule("public", ok(401), request=_body({"nik": "1" * 16, "deciles": [1]})),
    ("GET", "/partner/releases"): Rule("public", ok(401)),
    ("GET", "/partner/releases/{release_id}"): Rule("public", ok(401)),
    ("GET", "/partner/releases/{release_id}/export"): Rule("public", ok(401)),
    ("GET", "/audit/verify"): Rule(AUDIT),
    ("GET", "/audit/entries"): Rule(AUDIT),
    # Released tables (tests/sharing/releases/): releasing needs sharing:release nationwide; the first
    # caller makes the release (201), the next get the stored one (200); reading needs sharing:read
    ("POST", "/sharing/releases"): Rule(
        Permission.sharing_release, ok(200, 201), request=_body({"dataset": "persons_ppks", "epsilon": 0.5})
    ),
    ("GET", "/sharing/releases"): Rule(Permission.sharing_read),
    ("GET", "/sharing/releases/{release_id}"): Rule(Permission.sharing_read, NOT_FOUND),
    ("GET", "/sharing/releases/{release_id}/export"): Rule(Permission.sharing_read, NOT_FOUND),
    # data-subject requests: for a person of the handler's area (404 outside it); breach reports: auditors
    ("POST", "/sharing/subject-requests"): Rule(
        SUBJECTS,
        ok(201),
        on="person",
        request=lambda ids: {"json": {"kind": "access", "person_id": ids["person"], "statement": "s"}},
    ),
    ("GET", "/sharing/subject-requests"): Rule(SUBJECTS),
    ("GET", "/sharing/subject-requests/{request_id}"): Rule(SUBJECTS, NOT_FOUND),
    ("GET", "/sharing/subject-requests/{request_id}/report"): Rule(SUBJECTS, NOT_FOUND),
    ("POST", "/sharing/subject-requests/{request_id}/close"): Rule(
        SUBJECTS, NOT_FOUND, request=_body({"response": "r"})
    ),
    ("POST", "/sharing/breach-report"): Rule(
        AUDIT, request=_body({"user": "admin", "since": "2020-01-01T00:00:00Z", "until": "2030-01-01T00:00Z"})
    ),
    # DCI (served at the root under /dci, not /api/v1): partner tokens only, so every user's token is refused
    ("GET", "/dci/.well-known/jwks.json"): Rule("public"),
    ("POST", "/dci/oauth2/client/token"): Rule(
        "public",
        ok(401),
        request=lambda _: {
            "data": {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
        },
    ),
    ("POST", "/dci/registry/sync/search"): Rule("public", ok(401), request=lambda _: {"json": {}}),
    ("POST", "/dci/registry/search"): Rule("public", ok(401), request=lambda _: {"json": {}}),
    ("POST", "/dci/registry/sync/txn/status"): Rule("public", ok(401), request=lambda _: {"json": {}}),
    ("POST", "/dci/registry/txn/status"): Rule("public", ok(401), request=lambda _: {"json": {}}),
}
PATH_VALUES = {"code": "31.71", "number": "3171044509900003", "name": "regsosek22k", "kind": "person"}


def _operations(client) -> set[tuple[str, str]]:
    spec = client.get(f"{API}/openapi.json").json()
    return {
        (method.upper(), path.removeprefix(API))
        for path, operations in spec["paths"].items()
        for method in operations
    }


def test_every_operation_has_an_expectation(client):
    operations = _operations(client)
    assert sorted(operations - set(EXPECTED)) == [], "new endpoints need a row in EXPECTED"
    assert sorted(set(EXPECTED) - operations) == [], "rows for endpoints that no longer exist"


@dataclass(frozen=True)
class Caller:
    name: str
    principal: Principal | None
    headers: dict[str, str]


def _callers(ctx, client) -> list[Caller]:
    callers = [Caller("nobody", None, {})]
    accounts = [("admin", ADMIN_PASSWORD)]
    for demo in USERS:
        org = access.organisation_id(ctx, demo.organisation) or access.create_organisation(
            ctx, SYSTEM, demo.organisation, OrganisationKind.regional
        )  # the demo's case workers share their organisations
        password = f"{demo.username}-password"
        access.create_user(
            ctx,
            SYSTEM,
            username=demo.username,
            password=password,
            organisation_id=org,
            grants=list(demo.grants),
        )
        accounts.append((demo.username, password))
    for username, password in accounts:
        token = client.post(f"{API}/auth/token", data={"username": username, "password": password})
        principal = access.authenticate(ctx, username, password)
        callers.append(
            Caller(username, principal, {"Authorization": f"Bearer {token.json()['access_token']}"})
        )
    return callers


def _objects(ctx) -> dict[str, dict[str, str]]:
    """One household (with its people and a change request) in Jakarta (31) and one in Bandung (32.73)."""
    proposer = Principal.system("proposer")
    objects = {}
    for village in (JAKARTA_VILLAGE, BANDUNG_VILLAGE):
        registered = registry.register_household(ctx, SYSTEM, household(village), source="test")
        request = registry.submit_change_request(
            ctx,
            proposer,
            "household",
            registered.household_id,
            {"roof_material": 3},
            reason="r",
            evidence="e",
        )
        objects[village] = {
            "household": str(registered.household_id),
            "person": str(registered.person_ids[0]),
            "change_request": str(request.id),
            "area": village,
        }
    return objects


def _expected(rule: Rule, caller: Caller, area: str) -> frozenset[int]:
    if rule.who == "public":
        return rule.ok
    if caller.principal is None:
        return ok(401)
    if rule.who == "login":
        return rule.ok
    if (
        rule.who in NATIONWIDE_ONLY
        and caller.principal.holds(rule.who)
        and not caller.principal.can(rule.who)
    ):
        return ok(rule.denied)  # held only in an area: a nationwide permission gives nothing there
    if rule.on is not None and caller.principal.holds(rule.who):
        return rule.ok if caller.principal.can(rule.who, area) else ok(rule.outside)  # 404: as if missing
    if caller.principal.holds(rule.who):
        return rule.ok
    return ok(rule.denied, 404) if rule.ok == NOT_FOUND or rule.on else ok(rule.denied)


def _url(path: str, ids: dict[str, str]) -> str:
    values = PATH_VALUES | {
        "household_id": ids["household"],
        "person_id": ids["person"],
        "request_id": ids["change_request"],
    }
    for name in (
        "job_id",
        "batch_id",
        "pair_id",
        "entity_id",
        "record_id",
        "flag_id",
        "case_id",
        "referral_id",
        "transfer_id",
        "consent_id",
        "service_id",
        "scenario_id",
        "list_id",
        "meeting_id",
        "grievance_id",
        "release_id",
        "agreement_id",
        "client_id",
    ):
        values[name] = MISSING
    return ("" if path.startswith("/dci/") else API) + path.format(**values)


def test_every_role_gets_what_its_grants_allow_on_every_endpoint(client, ctx):
    callers = _callers(ctx, client)
    objects = _objects(ctx)
    wrong = []
    for (method, path), rule in sorted(EXPECTED.items(), key=lambda item: item[0][0] == "POST"):
        if path == "/auth/logout":
            continue  # last: it ends the tokens
        for caller in callers:
            for ids in objects.values():
                response = client.request(
                    method, _url(path, ids), headers=caller.headers, **rule.request(ids)
                )
                expected = _expected(rule, caller, ids["area"])
                if response.status_code not in expected:
                    wrong.append(
                        f"{method} {path} as {caller.name} on {ids['area']}: "
                        f"{response.status_code}, expected {sorted(expected)}"
                    )
                if rule.on is None:
                    break  # the object does not matter
    for caller in callers:
        response = client.post(f"{API}/auth/logout", headers=caller.headers)
        expected = _expected(EXPECTED[("POST", "/auth/logout")], caller, JAKARTA_VILLAGE)
        if response.status_code not in expected:
            wrong.append(f"POST /auth/logout as {caller.name}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)
