"""What every browser test shares (a pytest plugin, loaded by ``tests/conftest.py``, so that a slice's own
browser tests use it too): one headless Chromium, a served application, and a ``page`` that fails its test
at teardown on
any console error, uncaught script error or failed sub-resource (a blocked style, a missing icon), and on any
page that is wider than the screen.

The width check runs in the page itself after every load and every HTMX swap (it reports through
``console.error``, so the same listener catches it), and ``assert_fits`` measures a page at phone width
(390 px) on demand. Error pages (a deliberate 404 for a household out of scope) are pages like any other:
only their own document's status is not a problem.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright import sync_api as playwright_api

from inklusi.app import create_app
from inklusi.config import Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE, DESKTOP = 390, 1280
SCREENSHOTS = Path(os.environ.get("INKLUSI_TEST_OUTPUT", "test-output")) / "screenshots"
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

# Elements sticking out on the right of the viewport, except inside a scroll container that itself fits
# (a wide table in a `.table-scroll` box scrolls on its own; the page does not). Closed <details> are
# opened first so that what they hide is measured too.
OVERFLOW_SCRIPT = """
(openDetails) => {
  if (openDetails) document.querySelectorAll('details').forEach(d => { d.open = true; });
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the page is ${document.documentElement.scrollWidth} px wide in ${width} px`);
  }
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().replace(/ +/g, '.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    let contained = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up) && up.getBoundingClientRect().right <= width + 1) { contained = true; break; }
    }
    const text = (el.innerText || '').slice(0, 40);
    if (!contained) found.push(`${describe(el)} "${text}" reaches ${Math.round(box.right)} px of ${width}`);
    if (found.length > 5) break;
  }
  return found;
}
"""
WATCH_SCRIPT = (
    "(() => { const check = () => { const found = (" + OVERFLOW_SCRIPT + ")(false); if (found.length)"
    " console.error('inklusi-overflow: ' + location.pathname + ': ' + found.join('; ')); };"
    " window.addEventListener('load', check);"
    " document.addEventListener('htmx:afterSettle', check); })();"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The web application on a free local port, in a thread, for as long as the block runs; its URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def shoot(page, name: str) -> None:
    """Screenshots at both widths; the page must fit the phone's."""
    assert_fits(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": DESKTOP, "height": 900})


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Problems:
    """What went wrong in a page while a test drove it."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.documents: set[str] = set()

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: script error: {error}"))
        page.on(
            "response",
            lambda response: (
                self.documents.add(response.url) if response.request.resource_type == "document" else None
            ),
        )
        page.on("requestfailed", lambda request: self._failed(page, request))

    def _failed(self, page, request) -> None:
        if request.failure != "net::ERR_ABORTED":  # cancelled by the next navigation: not a fault
            self.found.append(f"{page.url}: {request.url} failed: {request.failure}")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and location in self.documents:
            return  # an error page (404, 403) is itself the page under test, not a broken sub-resource
        self.found.append(f"{location}: {message.text}")


# After the load event: a turn of the event loop (HTMX fires its "load" triggers), then until no request of
# HTMX is pending or settling. Much quicker than Playwright's "networkidle" (500 ms of silence every page).
SETTLED_SCRIPT = """() => new Promise(resolve => setTimeout(function check() {
  if (document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')) setTimeout(check, 20);
  else resolve(true);
}, 0))"""


def settled(page) -> None:
    """Wait until the page's HTMX parts (loaded on ``load``) are in."""
    page.evaluate(SETTLED_SCRIPT)


def assert_fits(page, width: int = PHONE) -> None:
    """The page, with every <details> open, is no wider than a phone's screen."""
    previous = page.viewport_size
    page.set_viewport_size({"width": width, "height": 900})
    try:
        too_wide = page.evaluate(OVERFLOW_SCRIPT, True)
    finally:
        page.set_viewport_size(previous)
    assert too_wide == [], f"{page.url} at {width} px: {too_wide}"


@contextmanager
def watched_page(browser):
    """A page in its own browser context (Indonesian, desktop width), and what went wrong in it."""
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, locale="id-ID")
    context.add_init_script(WATCH_SCRIPT)
    problems = Problems()
    context.on("page", problems.watch)
    try:
        yield context.new_page(), problems
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """The page every browser test drives: the test fails if anything in it logged an error, and the
    page it ends on must fit a phone's screen."""
    with watched_page(browser) as (opened, problems):
        yield opened
        if opened.url.startswith("http") and not opened.is_closed():
            assert_fits(opened)
    assert problems.found == [], "\n".join(problems.found)


@pytest.fixture(scope="session")
def demo_site(sqlite_template, tmp_path_factory):
    """The demo's registry, small, as ``inklusi demo`` builds it but without a welfare ranking (training
    takes a minute: see ``ranked_demo_site``): two imported rounds, the demo's user for each role, an
    applied and a pending change request. Its settings, the password of every role (admin included), and
    the household whose history holds the applied change request."""
    from inklusi.access import service as access
    from inklusi.access.model import Principal
    from inklusi.config import Settings
    from inklusi.context import Context
    from inklusi.demo import DEMO_PASSWORD, ORGANISATIONS, USERS
    from inklusi.instrument import service as imports
    from inklusi.instrument.model import load
    from inklusi.instrument.synthetic import from_synthetic, write_jsonl
    from inklusi.registry import service as registry
    from inklusi.synth import SynthConfig, generate
    from tests.conftest import ADMIN_PASSWORD

    folder = tmp_path_factory.mktemp("demo")
    settings = Settings(data_dir=folder / "inklusi-data", _env_file=None)
    shutil.copytree(sqlite_template, settings.data_dir)
    system = Principal.system("tests")
    ctx = Context.open(settings)
    try:
        for name, kind, area in ORGANISATIONS:
            access.create_organisation(ctx, system, name, kind, area)
        for user in USERS:
            access.create_user(
                ctx,
                system,
                username=user.username,
                password=DEMO_PASSWORD,
                organisation_id=access.organisation_id(ctx, user.organisation),
                display_name=user.display_name,
                grants=list(user.grants),
            )
        generate(SynthConfig(households=60, seed=7, rounds=2), folder / "population")
        for number in (1, 2):
            rounds = from_synthetic(folder / "population", load(), number)
            path = write_jsonl(rounds, folder / f"round-{number}.jsonl")
            imports.import_file(ctx, system, path, source=f"round-{number}")
        worker = access.authenticate(ctx, "pendamping.bandung", DEMO_PASSWORD)
        steward = access.authenticate(ctx, "dinsos.jabar", DEMO_PASSWORD)
        changed = registry.browse_area(ctx, worker, "32.73", limit=1)[0].household_id
        for number in (0, 1):
            sent = registry.submit_change_request(
                ctx,
                worker,
                "household",
                changed,
                {"roof_material": "5", "address": f"Jl. Braga No. {number + 10}"},
                reason="Atap diganti",
                evidence="Kunjungan rumah",
            )
            if number == 0:
                registry.decide_change_request(ctx, steward, sent.id, approve=True)
    finally:
        ctx.close()
    return {
        "settings": settings,
        "changed": f"/households/{changed}",  # its history holds an applied change request
        "logins": {"admin": ADMIN_PASSWORD} | {user.username: DEMO_PASSWORD for user in USERS},
    }


@pytest.fixture(scope="session")
def ranked_demo_site(demo_site):
    """The demo site with every household ranked (the welfare section and its explanation table)."""
    from inklusi.access.model import Principal
    from inklusi.context import Context
    from inklusi.demo.welfare import train_and_rank_demo
    from inklusi.synth import SynthConfig
    from inklusi.welfare import service as welfare

    ctx = Context.open(demo_site["settings"])
    try:
        if not welfare.list_runs(ctx):
            survey = SynthConfig(households=800, seed=11, survey_share=0.5, duplicate_share=0.0)
            train_and_rank_demo(ctx, Principal.system("tests"), survey)
    finally:
        ctx.close()
    return demo_site
