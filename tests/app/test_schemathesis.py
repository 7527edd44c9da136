"""A bounded property-based run of the whole API against its own OpenAPI document (schemathesis): no
answer may be a 5xx, and every status must be one the document declares for that operation.

Runs in process (ASGI), logged in as the administrator (national scope, so requests reach the
handlers), on SQLite, in well under a minute (``EXAMPLES`` cases per operation), in the default run and
so in CI.
"""

from __future__ import annotations

import contextlib

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import ignored_auth, status_code_conformance

from inklusi.app import create_app
from inklusi.registry import service as registry
from tests.conftest import ADMIN_PASSWORD, fresh_settings
from tests.factories import JAKARTA_VILLAGE, SYSTEM, household

EXAMPLES = 12
# Found by this run in other slices and reported to their owners (issue 11): remove a line once fixed.
KNOWN: dict[str, str] = {}  # operation -> why it fails, while a known fault waits for its fix
# Not fuzzed: logout ends the token the run uses; an import or a linkage run starts background work.
SKIPPED = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/imports"), ("POST", "/api/v1/linkage/runs")}
CHECKS = [not_a_server_error, status_code_conformance, ignored_auth]


def _fuzz(operation, headers: dict[str, str], failures: dict[str, str]) -> None:
    """Up to ``EXAMPLES`` generated requests; the operation's first failure goes into ``failures``."""
    name = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case) -> None:
        try:
            response = case.call(headers=headers)
        except Exception as error:  # in process, a 500 arrives as the exception itself
            failures.setdefault(name, f"500 ({type(error).__name__}: {str(error)[:100]}) {case.query}")
            raise AssertionError(name) from error
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, FailureGroup) as error:  # schemathesis raises its failures as a group
            lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
            failures.setdefault(name, " | ".join(lines[:4])[:300])
            raise AssertionError(name) from error

    with contextlib.suppress(Exception, FailureGroup):  # recorded in failures; hypothesis has shrunk it
        fuzz()


def test_the_api_keeps_its_documented_promises(request, tmp_path):
    generator = fresh_settings("sqlite", request, tmp_path)
    app = create_app(next(generator))
    failures: dict[str, str] = {}
    fuzzed = 0
    with TestClient(app, base_url="https://testserver") as client:
        registry.register_household(client.app.state.ctx, SYSTEM, household(JAKARTA_VILLAGE), source="test")
        token = client.post("/api/v1/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) not in SKIPPED:
                _fuzz(operation, headers, failures)
                fuzzed += 1
    generator.close()
    assert fuzzed > 40
    unexpected = {name: text for name, text in failures.items() if name not in KNOWN}
    assert unexpected == {}, "\n".join(f"{name}: {text}" for name, text in sorted(unexpected.items()))
