"""The programmes commands and API around lists: simulate and save, freeze, list, export, grievances."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from inklusi.cli import app
from tests.conftest import bearer
from tests.factories import JAKARTA_VILLAGE, user
from tests.programmes.registries import EVERYONE, small_registry


def _cli(settings, *args: str):
    env = {"INKLUSI_DATA_DIR": str(settings.data_dir), "INKLUSI_LANGUAGE": "en"}
    if settings.database_url:
        env["INKLUSI_DATABASE_URL"] = settings.database_url
    return CliRunner().invoke(app, list(args), env=env)


def test_commands_simulate_freeze_and_export(settings, ctx, tmp_path):
    small_registry(ctx)
    spec = tmp_path / "bantuan_uji.yaml"
    spec.write_text(json.dumps(EVERYONE), encoding="utf-8")  # JSON is YAML
    simulated = _cli(settings, "programmes", "simulate", str(spec), "--save", "all", "--json")
    assert simulated.exit_code == 0, simulated.output
    scenario_id = json.loads(simulated.output)["scenario_ids"]["bantuan_uji"]
    listed = json.loads(_cli(settings, "programmes", "scenarios", "--json").output)
    assert [s["id"] for s in listed] == [scenario_id]
    frozen = _cli(settings, "programmes", "freeze", scenario_id, "--cycle", "2025-1", "--json")
    assert frozen.exit_code == 0, frozen.output
    list_id = json.loads(frozen.output)["id"]
    assert "2025-1" in _cli(settings, "programmes", "lists").output
    out = tmp_path / "list.parquet"
    exported = _cli(settings, "programmes", "export", list_id, "--format", "parquet", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert pq.read_table(out).num_rows == 4
    assert _cli(settings, "programmes", "grievances", "--json").output.strip() == "[]"
    again = _cli(settings, "programmes", "freeze", scenario_id, "--cycle", "2025-1")
    assert again.exit_code == 1 and "2025-1" in again.output


def test_api_simulate_freeze_village_and_grievance(client, ctx):
    small = small_registry(ctx)
    user(ctx, "perencana", ("planner", None))
    user(ctx, "dinsos.dki", ("steward", "31"))
    planner, steward = bearer(client, "perencana"), bearer(client, "dinsos.dki")
    api = "/api/v1"
    simulated = client.post(
        f"{api}/programmes/simulate", json={"programmes": [EVERYONE], "save_as": "all"}, headers=planner
    )
    assert simulated.status_code == 200, simulated.text
    assert simulated.json()["outcomes"][0]["beneficiaries"] == 4
    scenario_id = simulated.json()["scenario_ids"]["bantuan_uji"]
    frozen = client.post(
        f"{api}/programmes/scenarios/{scenario_id}/freeze", json={"cycle": "2025-1"}, headers=planner
    )
    assert frozen.status_code == 201, frozen.text
    list_id = frozen.json()["id"]
    village = client.get(f"{api}/programmes/lists/{list_id}/villages/{JAKARTA_VILLAGE}", headers=steward)
    assert {e["household_id"] for e in village.json()["entries"]} == {str(h) for h in small.jakarta}
    exported = client.get(f"{api}/programmes/lists/{list_id}/export?format=parquet", headers=steward)
    assert pq.read_table(io.BytesIO(exported.content)).num_rows == 2
    meeting = client.post(
        f"{api}/programmes/lists/{list_id}/villages/{JAKARTA_VILLAGE}/meetings",
        json={"held_on": "2025-01-15", "place": "Balai", "attendance": [{"name": "Lurah"}], "minutes": "m",
              "decisions": [{"household_id": str(small.jakarta[0]), "decision": "remove", "reason": ""}]},
        headers=steward | {"Accept-Language": "en"},
    )  # fmt: skip
    assert meeting.status_code == 422
    assert [e["field"] for e in meeting.json()["errors"]] == ["decisions[0].reason"]
    submitted = client.post(
        f"{api}/grievances",
        json={
            "household_id": str(small.jakarta[1]),
            "kind": "exclusion",
            "statement": "s",
            "list_id": list_id,
        },
        headers=steward,
    )
    assert submitted.status_code == 201, submitted.text
    grievance = client.get(f"{api}/grievances/{submitted.json()['id']}", headers=steward).json()
    assert grievance["explanation"] is None and grievance["entry"]["household_id"] == str(small.jakarta[1])
    own = client.post(
        f"{api}/grievances/{grievance['id']}/decision", json={"uphold": False, "note": "n"}, headers=steward
    )
    assert own.status_code == 403
