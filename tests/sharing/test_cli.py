"""``inklusi sharing agreements …`` and ``inklusi sharing clients …`` over a real registry."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from typer.testing import CliRunner

from inklusi.cli import app
from inklusi.sharing import service as sharing
from tests.sharing.world import build


def run(settings, *args: str) -> tuple[int, str]:
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en", "COLUMNS": "200"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_draft_approve_issue_rotate_and_revoke_from_the_command_line(settings, ctx, tmp_path):
    world = build(ctx)
    today = date.today()
    terms = tmp_path / "terms.yaml"
    terms.write_text(
        json.dumps(
            {
                "organisation_id": str(world.ministry), "name": "Perjanjian CLI", "purpose": "Uji",
                "legal_basis": "PKS 3/2026", "operations": {"match": 10}, "areas": ["32"],
                "fields": {"household.decile": "as_is"}, "valid_from": today.isoformat(),
                "valid_to": (today + timedelta(days=10)).isoformat(),
            }
        )
    )  # fmt: skip
    code, output = run(settings, "sharing", "agreements", "draft", str(terms), "--user", "admin")
    assert code == 0, output
    agreement_id = re.search(r"drafted: (\S+)", output).group(1)
    code, output = run(settings, "sharing", "agreements", "approve", agreement_id, "--user", "admin")
    assert code == 1 and "four eyes" in output
    code, output = run(
        settings, "sharing", "agreements", "approve", agreement_id, "--user", "petugas_privasi"
    )
    assert code == 0 and "approved" in output
    code, output = run(settings, "sharing", "agreements", "list", "--json")
    assert code == 0 and {a["name"] for a in json.loads(output)} >= {"Perjanjian CLI", "Zakat DKI"}
    code, output = run(settings, "sharing", "clients", "issue", agreement_id, "--name", "Portal")
    client_id, secret = re.search(r"client_id=(\S+)\s+client_secret=(\S+)", output).groups()
    assert sharing.issue_token(ctx, client_id, secret).access_token
    code, output = run(settings, "sharing", "clients", "rotate", client_id)
    assert code == 0 and secret not in output
    code, output = run(settings, "sharing", "clients", "list")
    assert code == 0 and client_id in output and secret not in output
    code, output = run(settings, "sharing", "clients", "revoke", client_id, "--reason", "Selesai")
    assert code == 0 and "revoked" in output
    code, output = run(settings, "sharing", "agreements", "revoke", agreement_id, "--reason", "Selesai")
    assert code == 0
    code, output = run(
        settings, "sharing", "agreements", "draft", str(tmp_path / "missing.yaml"), "--user", "pengelola"
    )
    assert code == 1 and "cannot be read" in output
