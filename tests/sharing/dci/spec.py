"""The SP-DCI v1.0.0 YAML files as openapi-core validators: every request and response the DCI tests build
or receive goes through them — no hand-copied shapes.

The files live in the shared standards folder beside the checkout (``<repo>/../shared/standards/dci``, as
CI lays it out) or the workplace's. Two of them are not valid OpenAPI documents as published (the social
API's ``info.version`` sits inside its description; the JWKS API nests ``components`` inside a schema), so
the document check is switched off; the messages are still validated against the schemas they hold. Three
references of the social API point *through* another reference (``…/message/oneOf/0/properties/…``, where
``oneOf/0`` is a ``$ref`` to a component), which no JSON-pointer resolver follows: they are rewritten to the
component they mean (``DANGLING``), nothing else is changed."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from tests.conftest import REPOSITORY

STANDARDS = next(
    (
        folder
        for folder in (REPOSITORY.parent / "shared" / "standards" / "dci", Path("/work/shared/standards/dci"))
        if folder.is_dir()
    ),
    None,
)
SERVER = "https://sandbox.spdci.org"
PREFIX = "/namespace/v1.0.0"  # the servers entry of every DCI file
BASE = "/dci"  # where Inklusi serves them
_MESSAGE = "/post/requestBody/content/application~1json/schema/properties/message/oneOf/0/"
DANGLING = {
    "#/paths/~1registry~1search" + _MESSAGE: "#/components/schemas/SearchRequest/",
    "#/paths/~1registry~1txn~1on-status" + _MESSAGE: "#/components/schemas/TxnStatusResponse/",
}


def _repaired(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _repaired(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_repaired(value) for value in node]
    if isinstance(node, str):
        for broken, meant in DANGLING.items():
            if node.startswith(broken):
                return meant + node.removeprefix(broken)
    return node


@functools.cache
def api(name: str) -> OpenAPI:
    """``social``, ``authz_core``, ``jwks_core`` or ``registry_core``."""
    if STANDARDS is None:
        pytest.skip("the SP-DCI standards folder (../shared/standards/dci) is not there")
    path = STANDARDS / f"{name}_api_v1.0.0.yaml"
    document = _repaired(yaml.safe_load(path.read_text(encoding="utf-8")))
    return OpenAPI.from_dict(document, base_uri=path.as_uri(), config=Config(spec_validator_cls=None))


def _request(path: str, body: Any, method: str, content_type: str) -> MockRequest:
    spec_path = PREFIX + path.removeprefix(BASE)
    data = (body if isinstance(body, str) else json.dumps(body)).encode()
    return MockRequest(
        SERVER,
        method,
        spec_path,
        data=data if body is not None else None,
        content_type=content_type,
        headers={"Authorization": "Bearer x", "timestamp": "Tue, 06 Mar 2020 21:00:00 GMT"},
    )


def check_request(
    name: str, path: str, body: Any, *, method: str = "post", content_type: str = "application/json"
) -> None:
    """``body`` sent to ``path`` (Inklusi's, e.g. ``/dci/registry/sync/search``) is valid for the spec."""
    api(name).validate_request(_request(path, body, method, content_type))


def check_response(
    name: str, path: str, body: Any, status: int = 200, *, method: str = "post", request_body: Any = None
) -> None:
    """``body`` answered with ``status`` at ``path`` is valid for the spec."""
    request = _request(path, request_body, method, "application/json")
    response = MockResponse(json.dumps(body).encode(), status_code=status, content_type="application/json")
    api(name).validate_response(request, response)
