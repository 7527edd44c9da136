"""Files at rest: the database (and its WAL) and the upload and export folders are the server user's only,
and an upload (NIKs in clear) lives no longer than its import, even when the server was killed mid-import."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from inklusi.app import create_app
from inklusi.bootstrap import init
from inklusi.cli import app as cli
from inklusi.config import Settings
from inklusi.db import make_engine
from tests.conftest import csrf_of, login

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # file modes and folders: the SQLite install

HOLDER = """
import sys, time, io
from pathlib import Path
from inklusi.instrument import uploads
uploads.keep(Path(sys.argv[1]), "running-import", io.BytesIO(b'{"r403": "3171010101900001"}'), "r.jsonl")
print("kept", flush=True)
time.sleep(60)
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def wait_for_job(client: TestClient, location: str) -> str:
    for _ in range(600):
        text = client.get(location, headers={"HX-Request": "true"})
        if "HX-Redirect" in text.headers or 'role="alert"' in text.text:
            return text.text
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def upload(client: TestClient, name: str, content: bytes) -> str:
    page = client.get("/imports")
    started = client.post(
        "/imports",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": (name, content, "application/x-ndjson")},
        follow_redirects=False,
    )
    assert started.status_code == 303
    return started.headers["location"]


def test_the_database_and_its_wal_are_the_owners_only(backend, tmp_path):
    """They were 0644 (readable by every user of the machine); only the 0700 folder protected them."""
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    previous = os.umask(0o022)
    try:
        init(settings, admin_password="a-long-password-for-tests")
        engine = make_engine(settings.db_url)
        with engine.begin() as conn:  # a write: the WAL and shared-memory files exist while connected
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
            files = [settings.data_dir / f"inklusi.db{suffix}" for suffix in ("", "-wal", "-shm")]
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        engine.dispose()
    finally:
        os.umask(previous)
    assert mode(settings.data_dir) == 0o700


def test_an_older_install_is_narrowed_when_opened(backend, tmp_path):
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    database.chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert mode(database) == 0o600


def test_upload_and_export_folders_are_private_and_uploads_go_after_their_batch(
    backend, settings, ctx, tmp_path
):
    (settings.data_dir / "exports").mkdir(mode=0o755)  # made by an older version
    (settings.data_dir / "exports").chmod(0o755)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        login(client)
        assert client.get("/instrument/xlsform").status_code == 200
        failed = wait_for_job(client, upload(client, "round.jsonl", b'{"submission_id": "a"}\n{oops\n'))
        assert "round.jsonl, line 2" in failed or "round.jsonl, baris 2" in failed
    assert mode(settings.data_dir / "exports") == 0o700
    assert mode(settings.data_dir / "uploads") == 0o700
    assert list((settings.data_dir / "uploads").iterdir()) == []  # gone once its import ended


def test_a_waiting_upload_is_the_owners_only(backend, tmp_path):
    from inklusi.instrument import uploads

    kept = uploads.keep(tmp_path, "job", io.BytesIO(b"3171010101900001"), "../../etc/r.jsonl")
    try:
        assert kept.path.parent.parent == tmp_path / "uploads" and kept.path.name == "r.jsonl"
        assert (mode(kept.path.parent.parent), mode(kept.path.parent), mode(kept.path)) == (
            0o700,
            0o700,
            0o600,
        )
    finally:
        kept.remove()
    assert not kept.path.parent.exists()


def test_uploads_of_a_killed_server_are_removed_on_start(backend, settings, ctx, tmp_path):
    """A server killed mid-import left ``uploads/<job>/`` with its NIKs there forever."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(settings.data_dir)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert holder.stdout.readline().strip() == b"kept"
        running = settings.data_dir / "uploads" / "running-import"
        with TestClient(create_app(settings), base_url="https://testserver"):
            pass
        assert (running / "r.jsonl").exists()  # its import is alive: left alone
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (running / "r.jsonl").exists()  # killed mid-import: the upload stays behind…
    with TestClient(create_app(settings), base_url="https://testserver"):
        pass
    assert not running.exists()  # …until the server starts again

    stale = settings.data_dir / "uploads" / "another-killed-import"
    stale.mkdir()
    (stale / "r.jsonl").write_text('{"r403": "3171010101900001"}')
    answer = CliRunner().invoke(cli, ["imports", "list"], env={"INKLUSI_DATA_DIR": str(settings.data_dir)})
    assert answer.exit_code == 0, answer.output
    assert not stale.exists()  # the command line cleans up as well
