"""Fixtures: a freshly initialised Inklusi on SQLite and on PostgreSQL for every store/service test.

``inklusi init`` runs once per backend per session into a template; each test gets a copy (a file copy on
SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL). PostgreSQL comes from ``INKLUSI_TEST_POSTGRES_URL``
(e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); without it those tests skip, unless
``INKLUSI_REQUIRE_ALL_BACKENDS=1``, which turns the skip into a failure.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from inklusi.access import service as access_service
from inklusi.app import create_app
from inklusi.bootstrap import init
from inklusi.config import Settings
from inklusi.context import Context

pytest_plugins = ["tests.browser"]  # Chromium, a served app and a watched ``page`` for every browser test

REPOSITORY = Path(__file__).resolve().parents[1]  # the checkout: README, docs/, src/, pyproject.toml
BACKENDS = ("sqlite", "postgresql")
ADMIN_PASSWORD = "admin-password-for-tests"
# Passwords are hashed with argon2id as in production, at its lowest cost: the suite creates and logs in
# thousands of users, and the cost is production's setting (tests/access/test_access.py checks it), not the
# behaviour under test here.
PRODUCTION_HASHER = access_service.password_hasher
access_service.password_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_counter = itertools.count()


@functools.cache
def _postgres_unavailable(url: str) -> str | None:
    try:
        with _server_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    return None


def postgres_url() -> str:
    """The server to test on; skip (or, when every backend is required, fail) without one."""
    required = os.environ.get("INKLUSI_REQUIRE_ALL_BACKENDS")
    url = os.environ.get("INKLUSI_TEST_POSTGRES_URL")
    problem = "INKLUSI_TEST_POSTGRES_URL is not set" if not url else _postgres_unavailable(url)
    if problem:
        if required:
            pytest.fail(f"PostgreSQL is required (INKLUSI_REQUIRE_ALL_BACKENDS) but: {problem}")
        pytest.skip(f"PostgreSQL not available: {problem}")
    return url


def _server_engine(url: str):
    return create_engine(make_url(url), isolation_level="AUTOCOMMIT")


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("sqlite-template")
    init(Settings(data_dir=data_dir, _env_file=None), admin_password=ADMIN_PASSWORD)
    return data_dir


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    url = postgres_url()
    name = f"inklusi_template_{os.getpid()}"
    server = _server_engine(url)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    data_dir = tmp_path_factory.mktemp("postgres-template")
    init(
        Settings(data_dir=data_dir, database_url=_with_database(url, name), _env_file=None),
        admin_password=ADMIN_PASSWORD,
    )
    yield name, data_dir
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def fresh_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    data_dir = tmp_path / "inklusi-data"
    if backend == "sqlite":
        shutil.copytree(request.getfixturevalue("sqlite_template"), data_dir)
        yield Settings(data_dir=data_dir, _env_file=None)
        return
    template, template_dir = request.getfixturevalue("postgres_template")
    url = postgres_url()
    name = f"inklusi_test_{os.getpid()}_{next(_counter)}"
    server = _server_engine(url)
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    shutil.copytree(template_dir, data_dir)
    try:
        yield Settings(data_dir=data_dir, database_url=_with_database(url, name), _env_file=None)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def settings(backend, request, tmp_path) -> Iterator[Settings]:
    yield from fresh_settings(backend, request, tmp_path)


@pytest.fixture
def ctx(settings) -> Iterator[Context]:
    context = Context.open(settings)
    yield context
    context.close()


@pytest.fixture
def client(settings, ctx) -> Iterator[TestClient]:
    """The application in process (API and pages) over the test's registry."""
    with TestClient(create_app(settings), base_url="https://testserver") as test_client:
        yield test_client


def bearer(client: TestClient, username: str) -> dict[str, str]:
    """API headers for a user made by ``tests.factories.user`` (password ``<username>-password``)."""
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": f"{username}-password"}
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def login(client: TestClient, username="admin", password=ADMIN_PASSWORD, next_path="/registry"):
    """A web login through the login form (with its form token); the response (303 on success)."""
    form = client.get("/login").text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "login_csrf": token, "next": next_path},
        follow_redirects=False,
    )


def csrf_of(page: str) -> str:
    """The CSRF token of a page's forms."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def catalogue() -> dict[str, str]:
    """The Indonesian catalogue: msgid -> msgstr (fuzzy entries left out)."""
    with (resources.files("inklusi") / "locale" / "id" / "LC_MESSAGES" / "inklusi.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy}


# Fast pure tests live in a ``unit/`` folder of their slice (``make test-fast`` runs only those): no database,
# no application, no browser, no Spark, no process. A test there that asks for one of these fixtures (directly
# or through another fixture), carries one of these marks, opens a registry or starts a process is an error.
NOT_IN_UNIT = frozenset(
    {
        "backend", "settings", "ctx", "client", "sqlite_template", "postgres_template",  # tests/conftest.py
        "browser", "page", "demo_site", "ranked_demo_site",  # tests/browser.py
    }
)  # fmt: skip
MARKS_NOT_IN_UNIT = ("postgres", "spark", "slow")


def in_unit_folder(item: pytest.Item) -> bool:
    return "unit" in item.path.relative_to(REPOSITORY / "tests").parts[:-1]


def _refuse(what: str):
    def refused(*args, **kwargs):
        raise AssertionError(f"a test in a unit/ folder {what}: move it out of unit/")

    return refused


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A unit test that asks for a database, the application, a browser or Spark errors before its fixtures
    are set up (so before any registry is made)."""
    if not in_unit_folder(item):
        return
    fixtures = sorted(NOT_IN_UNIT.intersection(item.fixturenames))
    marks = [mark for mark in MARKS_NOT_IN_UNIT if item.get_closest_marker(mark)]
    if fixtures or marks:
        pytest.fail(
            f"{item.nodeid} is in a unit/ folder but uses {', '.join(fixtures + marks)}: unit tests run "
            "without a database, the application, a browser or Spark; move it to its slice's folder",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _unit_tests_open_no_registry_and_start_no_process(request, monkeypatch) -> None:
    """What the fixtures do not show: a unit test that opens a registry or starts a process fails."""
    if in_unit_folder(request.node):
        monkeypatch.setattr(Context, "open", _refuse("opened a registry"))
        monkeypatch.setattr(subprocess, "Popen", _refuse("started a process"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under INKLUSI_REQUIRE_ALL_BACKENDS a skipped test is a failed test: CI must run everything."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("INKLUSI_REQUIRE_ALL_BACKENDS") and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped while INKLUSI_REQUIRE_ALL_BACKENDS is set: {report.longrepr}"
