"""Issue 14, done when: for every role × sensitivity × surface (API, web page, command line), a category is
visible only with its permission: a sensitive one (UU 27/2022) only with ``ppks:sensitive``, any named flag
only with ``ppks:persons``; in the aggregates (the summary), a sensitive category and the ``all`` rows
(totals over the categories, which would give the hidden rows away) only with ``ppks:sensitive``. The roles
are the built-in ones (``access/roles.yaml``), each granted in DKI Jakarta, where the crafted registry has
flags of both sensitivities."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from inklusi.access import service as access
from inklusi.access.model import Permission
from inklusi.cli import app
from inklusi.ppks import service
from inklusi.ppks.model import Sensitivity
from inklusi.ppks.taxonomy import categories
from tests.conftest import bearer, login
from tests.factories import SYSTEM, user
from tests.ppks.conftest import craft

AREA = "31"
SENSITIVE = {c.code for c in categories() if c.sensitivity is Sensitivity.sensitive}
PERSONAL = {c.code for c in categories() if c.sensitivity is Sensitivity.personal}
NAMES = {c.code: c.name.id for c in categories()}


@pytest.fixture
def registry_with_flags(ctx):
    craft(ctx)
    service.identify(ctx, SYSTEM)
    found = {f.category for f in service.candidates_in(ctx, SYSTEM, AREA, limit=500).flags}
    assert found & SENSITIVE and found & PERSONAL  # both sensitivities are there to be hidden or shown
    roles = {}
    for role in access.builtin_roles():
        username = f"role-{role.name}".replace("_", "-")
        user(ctx, username, (role.name, None if Permission.audit_read in role.permissions else AREA))
        roles[role.name] = (username, role.permissions)
    return found, roles


def _expected(found: set[str], permissions: frozenset[Permission]) -> set[str]:
    if Permission.ppks_persons not in permissions:
        return set()
    return {c for c in found if c in PERSONAL or Permission.ppks_sensitive in permissions}


def test_api_shows_a_category_only_with_its_permission(client, registry_with_flags):
    found, roles = registry_with_flags
    for role, (username, permissions) in roles.items():
        headers = bearer(client, username)
        taxonomy = client.get("/api/v1/ppks/categories", headers=headers)
        if Permission.ppks_read in permissions:
            shown = {c["code"] for c in taxonomy.json()}
            assert shown == PERSONAL | (SENSITIVE if Permission.ppks_sensitive in permissions else set()), (
                role
            )
        else:
            assert taxonomy.status_code == 403, role
        listed = client.get("/api/v1/ppks/candidates", params={"area": AREA, "limit": 500}, headers=headers)
        if Permission.ppks_persons in permissions:
            assert {f["category"] for f in listed.json()["flags"]} == _expected(found, permissions), role
            # every built-in role with named flags reads the registry in its area too: names are shown
            assert all(f["name"] and f["sex"] in ("male", "female") for f in listed.json()["flags"]), role
        else:
            assert listed.status_code == 403 and listed.headers["content-type"] == "application/problem+json"


def test_web_page_shows_a_category_only_with_its_permission(client, registry_with_flags):
    found, roles = registry_with_flags
    for role, (username, permissions) in roles.items():
        client.cookies.clear()
        assert login(client, username, f"{username}-password").status_code == 303
        page = client.get("/ppks/candidates", params={"area": AREA})
        if Permission.ppks_persons not in permissions:
            assert page.status_code == 403, role
            continue
        assert page.status_code == 200, role
        cells = set(re.findall(r'data-label="Kategori"><span>([^<]+)</span></td>', page.text))
        assert cells == {NAMES[code] for code in _expected(found, permissions)}, role
        assert "Budi Santoso" in page.text and "Slamet" in page.text, role  # names, not only ids
        if Permission.ppks_sensitive not in permissions:  # not in the list, not in the category filter
            assert not any(NAMES[code] in page.text for code in SENSITIVE), role


def test_command_line_shows_a_category_only_with_the_roles_permission(settings, registry_with_flags):
    found, roles = registry_with_flags
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    for role, (_username, permissions) in [*roles.items(), ("system", ("cli", frozenset(Permission)))]:
        args = ["ppks", "candidates", "--area", AREA, "--limit", "500", "--json"]
        result = CliRunner().invoke(app, args if role == "system" else [*args, "--role", role], env=env)
        if Permission.ppks_persons not in permissions:
            assert result.exit_code == 1 and "may not see" in result.output, role
            continue
        assert result.exit_code == 0, (role, result.output)
        shown = {f["category"] for f in json.loads(result.output)["flags"]}
        assert shown == _expected(found, permissions), role
        assert all(f["name"] for f in json.loads(result.output)["flags"]), role


def _summary_rows(document: dict) -> set[str]:
    return {c["category"] for t in (*document["tables"], *document["previous"]) for c in t["cells"]}


def _expected_rows(found: set[str], permissions: frozenset[Permission]) -> set[str]:
    if Permission.ppks_sensitive in permissions:
        return found | {"all"}
    return {c for c in found if c in PERSONAL}


def test_summary_shows_a_category_and_totals_only_with_the_permission(client, settings, registry_with_flags):
    """The aggregates on the API and the command line (``summary --role``), the area and a level below."""
    found, roles = registry_with_flags
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    for role, (username, permissions) in roles.items():
        headers = bearer(client, username)
        for params in ({"area": AREA}, {"area": AREA, "level": "district"}):
            answer = client.get("/api/v1/ppks/summary", params=params, headers=headers)
            args = ["ppks", "summary", "--area", AREA, "--role", role, "--json"]
            if "level" in params:
                args += ["--level", params["level"]]
            command = CliRunner().invoke(app, args, env=env)
            if Permission.ppks_read not in permissions:
                assert answer.status_code == 403, role
                assert command.exit_code == 1 and "may not see" in command.output, role
                continue
            assert answer.status_code == 200 and command.exit_code == 0, (role, command.output)
            expected = _expected_rows(found, permissions)
            assert _summary_rows(answer.json()) == expected, role
            assert _summary_rows(json.loads(command.output)) == expected, role
            shown = json.loads(command.output)["categories"]
            assert bool(set(shown) & SENSITIVE) == (Permission.ppks_sensitive in permissions), role
        text = CliRunner().invoke(app, ["ppks", "summary", "--area", AREA, "--role", role], env=env)
        if Permission.ppks_read in permissions and Permission.ppks_sensitive not in permissions:
            assert not any(code in text.output for code in SENSITIVE), role
