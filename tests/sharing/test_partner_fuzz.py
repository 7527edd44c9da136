"""A bounded property-based run of the partner API with a real partner token (schemathesis, as
``tests/app/test_schemathesis.py`` does for staff): no 5xx, every status one the document declares, and
no answer carries a row outside the partner's agreement (everyone else's NIKs and ids are looked for)."""

from __future__ import annotations

import contextlib

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import status_code_conformance

from inklusi.app import create_app
from tests.conftest import fresh_settings
from tests.sharing.test_partner_security import outside_markers
from tests.sharing.world import build, token

EXAMPLES = 15


def test_the_partner_api_keeps_its_promises_under_fuzzing(request, tmp_path):
    generator = fresh_settings("sqlite", request, tmp_path)
    app = create_app(next(generator))
    failures: dict[str, str] = {}
    with TestClient(app, base_url="https://testserver") as client:
        ctx = client.app.state.ctx
        world = build(ctx)
        headers = {"Authorization": f"Bearer {token(ctx, world.foundation_client)}", "X-Purpose": "Uji fuzz"}
        markers = outside_markers(world)
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        operations = [
            r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/api/v1/partner")
        ]
        assert len(operations) == 8
        for operation in operations:
            name = f"{operation.method.upper()} {operation.path}"

            @settings(
                max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck),
            )  # fmt: skip
            @given(case=operation.as_strategy())
            def fuzz(case, name=name) -> None:
                try:
                    response = case.call(headers=headers)
                except Exception as error:
                    failures.setdefault(name, f"500 ({type(error).__name__}: {str(error)[:100]})")
                    raise AssertionError(name) from error
                leaked = [m for m in markers if m in response.text and m not in str(case.body)]
                if leaked:
                    failures.setdefault(name, f"leaked {leaked}")
                    raise AssertionError(name)
                try:
                    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
                except (Exception, FailureGroup) as error:
                    failures.setdefault(name, str(error).strip()[:300])
                    raise AssertionError(name) from error

            with contextlib.suppress(Exception, FailureGroup):
                fuzz()
    generator.close()
    assert failures == {}, "\n".join(f"{name}: {text}" for name, text in sorted(failures.items()))
