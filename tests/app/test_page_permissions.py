"""Role × page: every page of the web application (each route outside ``/api`` and ``/static``), called as
every demo role (and the administrator, and nobody), on objects inside and outside the caller's area scope.

The routes come from the application itself, so a new page without a row in ``PAGES`` fails
``test_every_page_has_a_row``. A row says who may open the page (or send its form) and, for an object in
an area, which permission the caller needs there; the answer expected for each caller follows from the
demo roles (``demo.USERS``, ``access/roles.yaml``), as in ``test_permissions`` for the API: allowed (the
page, or the redirect a form answers with), 403 (lacks the permission anywhere), 404 (the object is
outside the scope, or does not exist: the same answer), and for nobody the way to the login page (a form
without a session's CSRF token: 403). Objects of other kinds (cases, imports, pairs …) are ids that do not
exist: their relations per role are tested with their slices (``tests/cases/test_case_permissions.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.routing import APIRoute

from inklusi.access.model import NATIONWIDE_ONLY, Permission
from inklusi.demo import USERS
from tests.app.test_permissions import MISSING, NOT_FOUND, Caller, _callers, _objects, ok
from tests.conftest import csrf_of, login

READ, WRITE, AUDIT = Permission.registry_read, Permission.registry_write, Permission.audit_read
PPKS_READ, PPKS_PERSONS, PPKS_VERIFY = Permission.ppks_read, Permission.ppks_persons, Permission.ppks_verify
CASES_READ, CASES_WRITE = Permission.cases_read, Permission.cases_write
GLASS = Permission.cases_break_glass
PROGRAMMES_READ, PROGRAMMES_MANAGE = Permission.programmes_read, Permission.programmes_manage
PROGRAMMES_VALIDATE = Permission.programmes_validate
GRIEVANCES_SUBMIT, GRIEVANCES_DECIDE = Permission.grievances_submit, Permission.grievances_decide
SUBJECTS = Permission.subjects_manage
SEE_OTHER = ok(303)
TODAY = date.today().isoformat()


@dataclass(frozen=True)
class Page:
    """Who may open a page or send a form. ``who``: "public" (no login), "login" (any logged-in user), a
    permission, or several (any of them). ``on``: the object kind whose area the permission must cover
    (else ``outside``, 404). ``ok``: the answers of an allowed call; ``form``: what a form sends."""

    who: str | Permission | tuple[Permission, ...]
    ok: frozenset[int] = frozenset({200})
    on: str | None = None
    denied: frozenset[int] = frozenset({403})
    outside: int = 404
    form: Callable[[dict[str, str]], dict[str, str]] | None = None
    nobody: frozenset[int] | None = None  # the answer without a login, when not the usual one
    upload: bool = False  # the form sends a file


def posted(**values: str) -> Callable[[dict[str, str]], dict[str, str]]:
    return lambda _ids: dict(values)


EMPTY = posted()
PAGES: dict[tuple[str, str], Page] = {
    ("GET", "/"): Page("login", ok(200, 303)),
    ("GET", "/favicon.ico"): Page("public"),
    ("GET", "/language/{code}"): Page("public", SEE_OTHER),
    ("GET", "/area-picker"): Page("public"),
    ("GET", "/login"): Page("public"),
    ("POST", "/login"): Page("public", ok(422)),  # without its fields (logins: tests/access, tests/app)
    ("POST", "/logout"): Page("login", SEE_OTHER, form=EMPTY),
    ("GET", "/registry"): Page(READ),
    ("GET", "/households/{household_id}"): Page(READ, on="household"),
    ("GET", "/persons/{person_id}"): Page(READ, on="person"),
    ("GET", "/households/{target_id}/change-request"): Page(READ, on="household"),
    ("GET", "/persons/{target_id}/change-request"): Page(READ, on="person"),
    ("POST", "/households/{target_id}/change-request"): Page(READ, ok(422), on="household", form=EMPTY),
    ("POST", "/persons/{target_id}/change-request"): Page(READ, ok(422), on="person", form=EMPTY),
    ("GET", "/change-requests"): Page(READ),
    ("GET", "/change-requests/{request_id}"): Page(READ, on="change_request"),
    ("POST", "/change-requests/{request_id}/decision"): Page(
        WRITE, ok(303, 409), on="change_request", form=posted(decision="reject", note="not so")
    ),  # 409 once decided (by the administrator, who comes first)
    ("GET", "/imports"): Page(WRITE),
    ("POST", "/imports"): Page(WRITE, ok(303, 422), form=EMPTY, upload=True),
    ("GET", "/imports/jobs/{job_id}"): Page(WRITE, NOT_FOUND),
    ("GET", "/imports/{batch_id}"): Page(WRITE, NOT_FOUND),
    ("GET", "/imports/{batch_id}/errors.csv"): Page(WRITE, NOT_FOUND),
    ("GET", "/imports/{batch_id}/held.jsonl"): Page(WRITE, NOT_FOUND),
    ("GET", "/instrument/questionnaire"): Page("login"),
    ("GET", "/instrument/xlsform"): Page("login"),
    ("GET", "/linkage/queue"): Page(READ),
    ("GET", "/linkage/pairs/{pair_id}"): Page(WRITE, NOT_FOUND),
    ("POST", "/linkage/pairs/{pair_id}/decision"): Page(WRITE, NOT_FOUND, form=posted(decision="match")),
    ("GET", "/linkage/entities/{entity_id}"): Page(READ, NOT_FOUND),
    ("POST", "/linkage/entities/{entity_id}/unmerge"): Page(WRITE, NOT_FOUND, form=posted(records=MISSING)),
    # the welfare part of a household page: "not ranked" for a household the reader may not see
    ("GET", "/households/{household_id}/welfare"): Page(READ),
    # the welfare planner's pages (aggregates inside the caller's scope; no ranking here: "none yet"), a
    # run that does not exist, and the export of an area's households (no ranking to export here)
    ("GET", "/welfare"): Page(READ),
    ("GET", "/welfare/runs/{run_id}"): Page(READ, NOT_FOUND),
    ("GET", "/welfare/runs/{run_id}/report"): Page(READ, NOT_FOUND),
    ("GET", "/welfare/deciles"): Page(READ),
    ("GET", "/welfare/movements"): Page(READ),
    ("GET", "/welfare/deciles/export"): Page(READ, NOT_FOUND),
    ("GET", "/ppks/candidates"): Page(PPKS_PERSONS),
    ("POST", "/ppks/flags/{flag_id}/verify"): Page(PPKS_VERIFY, NOT_FOUND, form=EMPTY),
    ("POST", "/ppks/flags/{flag_id}/reject"): Page(PPKS_VERIFY, NOT_FOUND, form=posted(reason="no")),
    ("GET", "/ppks/dashboard"): Page(PPKS_READ),
    ("GET", "/ppks/dashboard/export.{fmt}"): Page(PPKS_READ, NOT_FOUND),
    ("GET", "/directory"): Page("login"),
    ("GET", "/directory/hsds.json"): Page("login"),
    ("GET", "/audit"): Page(AUDIT),
    ("GET", "/audit/verify"): Page(AUDIT),
    ("GET", "/audit/export.csv"): Page(AUDIT),
    # Case management (docs/cases.md): the inbox, opening a case, the figures, breaking the glass; a case
    # and its forms for an id that does not exist (404 to those with a case permission, as for a case
    # they have no relation to)
    ("GET", "/cases"): Page(CASES_READ),
    ("GET", "/cases/dashboard"): Page((CASES_READ, PPKS_READ)),
    ("GET", "/cases/new"): Page(CASES_WRITE),
    ("POST", "/cases/new"): Page(CASES_WRITE, NOT_FOUND, form=posted(person_id=MISSING)),
    ("GET", "/cases/break-glass"): Page(GLASS),
    ("POST", "/cases/break-glass"): Page(GLASS, NOT_FOUND, form=posted(case_id=MISSING, reason="crisis")),
    ("GET", "/cases/{case_id}"): Page(CASES_READ, NOT_FOUND),
    ("GET", "/cases/{case_id}/access-log"): Page(CASES_READ, NOT_FOUND),
    ("GET", "/cases/{case_id}/assessment"): Page(CASES_WRITE, NOT_FOUND),
    ("POST", "/cases/{case_id}/assessment"): Page(
        CASES_WRITE,
        NOT_FOUND,
        form=posted(risk_level="low", **{f"need.{t}": "none" for t in ("social_care",)}),
    ),
    ("GET", "/cases/{case_id}/plan"): Page(CASES_WRITE, NOT_FOUND),
    ("POST", "/cases/{case_id}/plan"): Page(CASES_WRITE, NOT_FOUND, form=posted(goals="a living", rows="0")),
    ("GET", "/cases/{case_id}/refer"): Page(CASES_WRITE, NOT_FOUND),
    ("POST", "/cases/{case_id}/refer"): Page(
        CASES_WRITE, NOT_FOUND, form=posted(directory_service_id=MISSING, reason="r")
    ),
    ("POST", "/cases/{case_id}/transitions"): Page(CASES_WRITE, NOT_FOUND, form=posted(transition="assess")),
    ("POST", "/cases/{case_id}/notes"): Page(CASES_WRITE, NOT_FOUND, form=posted(text="a visit")),
    ("POST", "/cases/{case_id}/services"): Page(
        CASES_WRITE, NOT_FOUND, form=posted(service_type="social_care", delivered_on=TODAY)
    ),
    ("POST", "/cases/{case_id}/outcomes"): Page(
        CASES_WRITE, NOT_FOUND, form=posted(kind="other", recorded_on=TODAY)
    ),
    ("POST", "/cases/{case_id}/consents"): Page(
        CASES_WRITE,
        NOT_FOUND,
        form=posted(purpose="referral", scope="s", given_on=TODAY, given_by="self"),
    ),
    ("POST", "/cases/{case_id}/consents/{consent_id}/withdraw"): Page(CASES_WRITE, NOT_FOUND, form=EMPTY),
    ("POST", "/cases/{case_id}/assignment"): Page(CASES_WRITE, NOT_FOUND, form=EMPTY),
    ("POST", "/cases/{case_id}/follow-up"): Page(CASES_WRITE, NOT_FOUND, form=EMPTY),
    ("POST", "/cases/{case_id}/referrals/{referral_id}/{move}"): Page(
        CASES_WRITE, NOT_FOUND, form=posted(reason="r")
    ),
    ("POST", "/cases/{case_id}/transfers"): Page(
        CASES_WRITE, NOT_FOUND, form=posted(to_organisation_id=MISSING, reason="r")
    ),
    ("POST", "/cases/{case_id}/transfers/{transfer_id}/{move}"): Page(
        CASES_WRITE, NOT_FOUND, form=posted(reason="r")
    ),
    # Programmes (docs/programmes.md): a form with a budget that is not an amount is refused before any
    # simulation (422); lists, meetings and grievances of ids that do not exist (404)
    ("GET", "/programmes"): Page(PROGRAMMES_READ),
    ("GET", "/programmes/{name}"): Page(PROGRAMMES_READ),
    ("POST", "/programmes/{name}/simulate"): Page(PROGRAMMES_MANAGE, ok(422), form=posted(budget="x")),
    ("POST", "/programmes/{name}/scenarios"): Page(
        PROGRAMMES_MANAGE, ok(422), form=posted(budget="x", scenario_name="s")
    ),
    ("GET", "/programmes/compare"): Page(PROGRAMMES_READ),
    ("GET", "/programmes/lists"): Page(PROGRAMMES_READ),
    ("POST", "/programmes/lists"): Page(
        PROGRAMMES_MANAGE, NOT_FOUND, form=posted(scenario_id=MISSING, cycle="c")
    ),
    ("GET", "/programmes/lists/{list_id}"): Page(PROGRAMMES_READ, NOT_FOUND),
    ("GET", "/programmes/lists/{list_id}/export"): Page(PROGRAMMES_READ, NOT_FOUND),
    ("GET", "/programmes/lists/{list_id}/villages/{code}"): Page(PROGRAMMES_READ, NOT_FOUND),
    ("POST", "/programmes/lists/{list_id}/villages/{code}/meetings"): Page(
        PROGRAMMES_VALIDATE, NOT_FOUND, form=posted(held_on=TODAY, place="balai desa")
    ),
    ("GET", "/grievances"): Page((GRIEVANCES_SUBMIT, GRIEVANCES_DECIDE)),
    ("GET", "/grievances/new"): Page(GRIEVANCES_SUBMIT),
    ("POST", "/grievances"): Page(
        GRIEVANCES_SUBMIT, NOT_FOUND, form=posted(household_id=MISSING, kind="ranking", statement="s")
    ),
    ("GET", "/grievances/{grievance_id}"): Page((GRIEVANCES_SUBMIT, GRIEVANCES_DECIDE), NOT_FOUND),
    ("POST", "/grievances/{grievance_id}/decision"): Page(
        GRIEVANCES_DECIDE, NOT_FOUND, form=posted(outcome="dismiss", note="n")
    ),
    # Released tables (tests/sharing/releases/): a form with an epsilon that is not a number is refused in
    # the page (422) before anything is read
    ("GET", "/sharing/releases"): Page(Permission.sharing_read),
    ("POST", "/sharing/releases"): Page(
        Permission.sharing_release, ok(422), form=posted(dataset="persons_ppks", epsilon="x")
    ),
    ("GET", "/sharing/releases/{release_id}"): Page(Permission.sharing_read, NOT_FOUND),
    ("GET", "/sharing/releases/{release_id}/export"): Page(Permission.sharing_read, NOT_FOUND),
    # data-subject requests (a person of the handler's area: 404 outside it), breach reports (auditors),
    # the audit search (a person: subjects:manage over their area; a partner: audit:read)
    ("GET", "/sharing/subjects"): Page(SUBJECTS),
    ("GET", "/sharing/subjects/new"): Page(SUBJECTS),
    ("POST", "/sharing/subjects"): Page(
        SUBJECTS,
        SEE_OTHER,
        on="person",
        form=lambda ids: {"person": ids["person"], "kind": "access", "statement": "s"},
    ),
    ("GET", "/sharing/subjects/{request_id}"): Page(SUBJECTS, NOT_FOUND),
    ("GET", "/sharing/subjects/{request_id}/report"): Page(SUBJECTS, NOT_FOUND),
    ("GET", "/sharing/subjects/{request_id}/report.json"): Page(SUBJECTS, NOT_FOUND),
    ("POST", "/sharing/subjects/{request_id}/close"): Page(SUBJECTS, NOT_FOUND, form=posted(response="r")),
    ("GET", "/sharing/breach"): Page(AUDIT),
    ("GET", "/sharing/breach.csv"): Page(AUDIT),  # without its fields: the form again
    ("GET", "/sharing/audit"): Page((SUBJECTS, AUDIT)),
    # Data sharing (core): the index for whoever holds a sharing, subjects or audit permission; agreements and
    # credentials (nationwide permissions); forms about ids that do not exist (404)
    ("GET", "/sharing"): Page((Permission.sharing_read, Permission.subjects_manage, AUDIT)),
    ("GET", "/sharing/agreements"): Page(Permission.sharing_read),
    ("POST", "/sharing/agreements"): Page(Permission.sharing_manage, ok(422), form=posted(name="n")),
    ("GET", "/sharing/agreements/{agreement_id}"): Page(Permission.sharing_read, NOT_FOUND),
    ("POST", "/sharing/agreements/{agreement_id}/approve"): Page(Permission.sharing_approve, NOT_FOUND),
    ("POST", "/sharing/agreements/{agreement_id}/revoke"): Page(
        Permission.sharing_manage, NOT_FOUND, form=posted(reason="r")
    ),
    ("GET", "/sharing/clients"): Page(Permission.sharing_read),
    ("POST", "/sharing/clients"): Page(
        Permission.sharing_manage, NOT_FOUND, form=posted(agreement_id=MISSING, name="c")
    ),
    ("POST", "/sharing/clients/{client_id}/rotate"): Page(Permission.sharing_manage, NOT_FOUND),
    ("POST", "/sharing/clients/{client_id}/revoke"): Page(
        Permission.sharing_manage, NOT_FOUND, form=posted(reason="r")
    ),
}
PATH_VALUES = {"code": "en", "fmt": "csv", "name": "pkh"}
MOVES = {"referrals": "reject", "transfers": "refuse"}


def page_routes(app) -> Iterator[tuple[str, str]]:
    """Every (method, path) the application answers outside the API and the static files (and outside the
    DCI API under ``/dci``: an API, whose rows are in ``test_permissions``)."""

    def walk(routes, prefix=""):
        for route in routes:
            if hasattr(route, "original_router"):  # an included router (FastAPI ≥ 0.123)
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif isinstance(route, APIRoute) or hasattr(route, "methods"):
                for method in sorted((route.methods or set()) - {"HEAD"}):
                    yield method, prefix + route.path

    for method, path in walk(app.routes):
        if not path.startswith(("/api/", "/static", "/dci/")):
            yield method, path


@pytest.mark.parametrize("backend", ["sqlite"])
def test_every_page_has_a_row(client):
    pages = set(page_routes(client.app))
    assert sorted(pages - set(PAGES)) == [], "new pages need a row in PAGES"
    assert sorted(set(PAGES) - pages) == [], "rows for pages that no longer exist"


def _holds(caller: Caller, who) -> bool:
    wanted = who if isinstance(who, tuple) else (who,)
    return any(caller.principal.holds(p) for p in wanted)


def _expected(page: Page, method: str, caller: Caller, area: str) -> frozenset[int]:
    if page.who == "public":
        return page.ok
    if caller.principal is None:
        return page.nobody or (ok(403) if method == "POST" else SEE_OTHER)
    if page.who == "login":
        return page.ok
    wanted = page.who if isinstance(page.who, tuple) else (page.who,)
    if all(p in NATIONWIDE_ONLY and not caller.principal.can(p) for p in wanted) and _holds(caller, page.who):
        return page.denied  # held only in an area: a nationwide permission gives nothing there
    if page.on is not None and _holds(caller, page.who):
        wanted = page.who if isinstance(page.who, tuple) else (page.who,)
        return page.ok if any(caller.principal.can(p, area) for p in wanted) else ok(page.outside)
    if _holds(caller, page.who):
        return page.ok
    return page.denied | ({404} if page.ok == NOT_FOUND or page.on else set())


def _url(path: str, ids: dict[str, str]) -> str:
    values = PATH_VALUES | {
        "household_id": ids["household"],
        "target_id": ids["household"] if path.startswith("/households") else ids["person"],
        "person_id": ids["person"],
        "request_id": ids["change_request"],
        "move": next((move for kind, move in MOVES.items() if f"/{kind}/" in path), ""),
    }
    for name in (
        "job_id",
        "batch_id",
        "pair_id",
        "entity_id",
        "flag_id",
        "case_id",
        "referral_id",
        "transfer_id",
        "consent_id",
        "run_id",
        "list_id",
        "grievance_id",
        "release_id",
        "agreement_id",
        "client_id",
    ):
        values[name] = MISSING
    return path.format(**values)


@pytest.mark.parametrize("backend", ["sqlite"])  # the pages ask the services; those run on both databases
def test_every_role_gets_what_its_grants_allow_on_every_page(client, ctx):
    callers = _callers(ctx, client)
    objects = _objects(ctx)
    passwords = {"admin": None} | {user.username: f"{user.username}-password" for user in USERS}
    wrong = []
    for caller in callers:
        client.cookies.clear()
        token = ""
        if caller.principal is not None:
            if caller.name == "admin":
                assert login(client).status_code == 303
            else:
                assert login(client, caller.name, passwords[caller.name]).status_code == 303
            token = csrf_of(client.get("/directory").text)
        for (method, path), page in sorted(PAGES.items(), key=lambda item: item[0] == ("POST", "/logout")):
            for ids in objects.values():
                data = {"csrf_token": token} | (page.form(ids) if page.form else {})
                files = {"file": ("round.txt", b"not a form", "text/plain")} if page.upload else None
                response = client.request(
                    method,
                    _url(path, ids),
                    data=data if method == "POST" else None,
                    files=files,
                    follow_redirects=False,
                )
                expected = _expected(page, method, caller, ids["area"])
                if response.status_code not in expected:
                    wrong.append(
                        f"{method} {path} as {caller.name} on {ids['area']}: "
                        f"{response.status_code}, expected {sorted(expected)}"
                    )
                if page.on is None:
                    break  # the object does not matter
    assert wrong == [], "\n".join(wrong)
