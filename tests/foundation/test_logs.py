"""The server's logs hold no NIK or KK number: a real uvicorn server with ``inklusi serve``'s log
configuration answers requests whose URLs carry one, and its access and error lines are read back."""

from __future__ import annotations

import io
import logging
import threading
import time

import httpx
import pytest
import uvicorn

from inklusi.app import create_app
from inklusi.logs import REDACTED, redact, server_log_config
from tests.browser import free_port

NIK = "3273014501900003"


@pytest.mark.parametrize(
    "written", [NIK, "32.73.01.450190.0003", "32 73 01 450190 0003", "32%2073%2001%20450190%200003"]
)
def test_a_number_however_written_is_redacted(written):
    assert (
        redact(f"GET /api/v1/persons/search?nik={written}&x=1")
        == f"GET /api/v1/persons/search?nik={REDACTED}&x=1"
    )


def test_other_numbers_stay():
    line = "GET /api/v1/areas/32.73?limit=50 200 12345678901234567"  # 17 digits: not a NIK
    assert redact(line) == line


def test_the_served_access_log_holds_no_nik(settings):
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=server_log_config())
    )
    written = io.StringIO()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    handlers = [*logging.getLogger("uvicorn.access").handlers, *logging.getLogger("uvicorn").handlers]
    for handler in handlers:
        handler.setStream(written)  # type: ignore[attr-defined]
    try:
        for path in (f"/api/v1/persons/search?nik={NIK}", f"/api/v1/health?kk={NIK[:8]}.{NIK[8:]}"):
            httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    log = written.getvalue()
    assert "/api/v1/persons/search?nik=" in log  # the requests were logged ...
    assert NIK not in log and NIK[8:] not in log  # ... without the numbers
    assert log.count(REDACTED) >= 2
