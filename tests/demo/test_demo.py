"""`inklusi demo` as a newcomer runs it: it sets everything up, prints where to go and who to be, serves."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pyarrow.parquet as pq

from inklusi.demo import DEMO_PASSWORD, USERS
from inklusi.demo.outside import OUTREACH
from tests.browser import free_port


def printed_logins(output: str) -> dict[str, str]:
    """Username -> password of every row of the printed users' table."""
    rows = [line.strip().split("│")[1:-1] for line in output.splitlines() if line.startswith("│")]
    return {cells[0].strip(): cells[1].strip() for cells in rows if len(cells) == 4}  # user, password, …


def test_demo_prints_its_url_and_logins_then_serves(tmp_path):
    port = free_port()
    env = {**os.environ, "INKLUSI_LANGUAGE": "en", "COLUMNS": "200"}
    env.pop("INKLUSI_DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "inklusi",
        "demo",
        "--data-dir",
        str(tmp_path / "demo"),
        "--households",
        "60",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output = ""
        deadline = time.monotonic() + 180
        while f"http://127.0.0.1:{port}" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output += line
        assert f"open http://127.0.0.1:{port} and log in" in output, output
        added = re.search(r"(\d+) households added; the registry holds (\d+)\.", output)
        assert added and int(added.group(1)) >= 55 and int(added.group(2)) >= int(added.group(1))
        assert re.search(r"round-1\.jsonl: \d+ forms, \d+ accepted", output)  # through the import path
        assert "round-2.jsonl" in output
        ranked = re.search(r"Welfare ranking: model \S+ ranked (\d+) households", output)
        assert ranked and int(ranked.group(1)) == int(added.group(2))
        # it says what it is doing, step by step (issue 11 #13)
        for step in (
            "Creating the data folder, the database and the reference data (areas)",
            "Generating 60 synthetic households and a second enumeration round",
            "Importing enumeration round 1 (round-1.jsonl)",
            "Importing enumeration round 2 (round-2.jsonl)",
            "Registering people outside households (an outreach round and a panti's intake)",
            "Registering a second listing of some of the same people and linking records",
            "Linking lists without identity numbers (a separate scenario, not the registry)",
            "Training the welfare model on the survey",
            "Writing the ranks",
        ):
            assert f"✓ {step}" in output, step
        # PPKS identified on the ranking, and the case worker decided a few (issue 14)
        flagged = re.search(r"PPKS: (\d+) candidates identified \(rules \S+\); the case worker "
                            r"pendamping.bandung verified (\d+) and rejected (\d+)", output)  # fmt: skip
        assert flagged and int(flagged.group(1)) > 0 and flagged.group(2, 3) == ("3", "1"), output
        assert "✓ A case worker verifies a few PPKS candidates after home visits" in output
        # identified again after the decisions: the aggregates stored for that run (and the first one kept)
        cells = re.search(r"PPKS aggregates: ([\d,]+) protected cells stored", output)
        assert cells and int(cells.group(1).replace(",", "")) > 0, output
        assert "✓ Storing the PPKS publication" in output
        # and what the synthetic truth holds on purpose
        truth = re.search(r"has (\d+) households listed twice .* and (\d+) households that split off", output)
        assert truth, output
        demo_dir = tmp_path / "demo"
        population = demo_dir / "demo-rounds" / "population"
        assert int(truth.group(1)) == pq.read_metadata(population / "duplicate_households.parquet").num_rows
        events = pq.read_table(population / "round2" / "events.parquet").column("event").to_pylist()
        assert int(truth.group(2)) == events.count("household_split") > 0
        # how to point the command line at the demo's registry (issue 11 #6)
        assert f"export INKLUSI_DATA_DIR={demo_dir.resolve()}" in output
        # 60 households give too few duplicates to train a linkage model: the demo says so and goes on
        assert "Record linkage skipped: Not enough likely duplicates" in output
        # linkage without identity numbers (issue 13), on a scenario apart from the registry
        weak = re.search(
            r"Lists without identity numbers \(a separate scenario\): ([\d,]+) records of ([\d,]+) people, "
            r"model trained from expectation maximisation \(no identity numbers\); "
            r"F1 ([\d.]+) for pairs, ([\d.]+) for clusters\.",
            " ".join(output.split()),  # however the terminal wraps it
        )
        assert weak, output
        records, people = int(weak.group(1).replace(",", "")), int(weak.group(2).replace(",", ""))
        assert people == 200 and 3 * people <= records <= 20 * people
        assert 0.6 < float(weak.group(3)) <= 1 and 0.6 < float(weak.group(4)) <= 1
        with sqlite3.connect(demo_dir / "inklusi.db") as db:  # the registry holds none of those records
            sources = {row[0] for row in db.execute("SELECT DISTINCT source FROM person_version")}
            registered = db.execute("SELECT count(*) FROM person").fetchone()[0]
            runs = db.execute("SELECT count(*) FROM linkage_run").fetchone()[0]
            outside = db.execute(  # issue 14: people outside households, with an area and no family
                "SELECT count(*) FROM person_outside o WHERE o.valid_to IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM family_member m WHERE m.person_id = o.person_id)"
            ).fetchone()[0]
        said = re.search(r"(\d+) people outside households registered", " ".join(output.split()))
        generated = pq.read_metadata(population / "outside_households.parquet").num_rows
        assert said and int(said.group(1)) == generated + len(OUTREACH)  # + the demo's list
        assert outside == int(said.group(1)) + 1  # and the ministry centre's resident (demo.cases)
        assert sources and all(source.startswith("demo-") for source in sources), sources
        assert registered < records and runs == 0  # linkage of the registry was skipped (60 households)
        for username in ("admin", "dinsos.jabar", "pendamping.bandung", "auditor"):
            assert username in output
        assert DEMO_PASSWORD in output
        grants = {user.username: user.grants for user in USERS}
        for _ in range(100):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
        token = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/token",
            data={"username": "perencana", "password": DEMO_PASSWORD},
        )
        assert token.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200
        # case management (issue 15): its paths named, /cases, and every login printed works
        flat = " ".join(output.split())
        assert "✓ Case management: working the demo's cases" in output
        assert "Case management (/cases): 7 cases worked by 4 organisations" in flat, output
        income = "Asep Saepudin: referred for vocational training (chosen from the directory), completed"
        assert f"{income}, with the income before and after: Rp 300,000 → Rp 2,250,000 a month." in flat
        assert "Entis Sutisna: a transfer to the ministry centre, refused." in flat
        assert "Ujang, a child (consent through a guardian, Imas Masitoh): the plan waits for a" in flat
        workers = re.search(r"log in as a case worker or supervisor above \((.*?)\) and open /cases", flat)
        assert workers and "supervisor.bandung" in workers.group(1).split(", ")
        printed = printed_logins(output)
        assert set(printed) == {"admin", *(user.username for user in USERS)}, printed
        for username, password in printed.items():
            if username == "admin":
                continue  # a generated password: changed at the first login
            answer = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/auth/token",
                data={"username": username, "password": password},
            )
            assert answer.status_code == 200, (username, answer.text)
            if any(role.startswith("case_") for role, _area in grants[username]):
                headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
                inbox = httpx.get(f"http://127.0.0.1:{port}/api/v1/cases/inbox", headers=headers)
                assert inbox.status_code == 200, (username, inbox.text)
        # the cases were worked before the last PPKS identification, which counts their services: a cell
        # published in both runs with as many people flagged and fewer without any service
        with sqlite3.connect(demo_dir / "inklusi.db") as db:
            first, last = (row[0] for row in db.execute("SELECT id FROM ppks_run ORDER BY started_at"))
            served = db.execute(
                "SELECT a.area_code, a.category, a.slice, a.key FROM ppks_cell a"
                " JOIN ppks_cell b ON b.run_id = ? AND (b.area_code, b.measure, b.slice, b.category, b.key)"
                " = (a.area_code, a.measure, a.slice, a.category, a.key)"
                " JOIN ppks_cell fa ON (fa.run_id, fa.measure, fa.area_code, fa.slice, fa.category, fa.key)"
                " = (a.run_id, 'flagged', a.area_code, a.slice, a.category, a.key)"
                " JOIN ppks_cell fb ON (fb.run_id, fb.measure, fb.area_code, fb.slice, fb.category, fb.key)"
                " = (b.run_id, 'flagged', a.area_code, a.slice, a.category, a.key)"
                " WHERE a.run_id = ? AND a.measure = 'unserved' AND b.value < a.value"
                " AND fa.value = fb.value",
                (last, first),
            ).fetchall()
        assert ("ID", "homeless", "sex", "male") in served, served  # Asep's services
        # programmes (issue 16): two simulated, a list frozen, a village deliberation, a grievance decided
        simulated = dict(re.findall(r"Programme (\w+): ([\d,]+) households, Rp [\d,]+ a year", flat))
        assert set(simulated) == {"pkh", "sembako"} and all(
            int(n.replace(",", "")) > 0 for n in simulated.values()
        )
        frozen = re.search(
            r"Beneficiary list 2027-1: ([\d,]+) households frozen \(/programmes/lists\); village deliberation"
            r" \(FKP\) in (.+?): (\d+) change requests, (\d+) grievances",
            flat,
        )
        assert frozen and frozen.group(1) == simulated["sembako"], flat
        with sqlite3.connect(demo_dir / "inklusi.db") as db:
            listed = db.execute("SELECT count(*) FROM beneficiary_entry").fetchone()[0]
            meetings = db.execute("SELECT count(*) FROM fkp_meeting").fetchone()[0]
            grievances = db.execute("SELECT count(*) FROM grievance").fetchone()[0]
            decided = db.execute(
                "SELECT submitted_by, decided_by, reassessment FROM grievance WHERE status = 'upheld'"
            ).fetchall()
            requests = db.execute(
                "SELECT count(*) FROM fkp_decision WHERE change_request_id IS NOT NULL"
            ).fetchone()[0]
        assert listed == int(frozen.group(1).replace(",", ""))
        assert meetings == (0 if frozen.group(2) == "—" else 1) and requests == int(frozen.group(3))
        assert grievances >= len(decided) == int(frozen.group(4))
        assert all(submitted != decider and again == 1 for submitted, decider, again in decided)
    finally:
        process.terminate()
        process.wait(timeout=30)
    again = subprocess.run([*command[:-2], "--no-serve"], env=env, capture_output=True, text=True, check=True)
    assert f"0 households added; the registry holds {added.group(2)}." in again.stdout
    assert "Case management (/cases)" not in again.stdout  # the cases were kept
    assert "Beneficiary list 2027-1" not in again.stdout  # and the list
    with sqlite3.connect(demo_dir / "inklusi.db") as db:
        assert db.execute("SELECT count(*) FROM case_file").fetchone()[0] == 7
    assert "listed twice" not in again.stdout  # nothing generated the second time
    assert "Lists without identity numbers" not in again.stdout
    assert Path(tmp_path / "demo" / "secrets" / "audit.key").exists()
