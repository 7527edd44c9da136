"""Issue 11 #11, #12: every page each demo role can reach, in Chromium at phone width (390 px): nothing wider
than the screen (with every <details> open), no console error, no script error, no failed load. The page
fixture (tests/browser.py) does the checking; this test finds the pages by following the links."""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager

import pytest

from inklusi.demo import USERS
from tests.app.test_language import SKIPPED, START, pattern_of
from tests.browser import PHONE, assert_fits, serving, settled

PAGES_PER_ROLE = 40
# Every demo role: each sees its own menu, start page and area (users with the same grants, the demo's
# case workers and supervisors of Kota Bandung in different organisations, once).
FIRST_WITH_GRANTS = {user.grants: user.username for user in reversed(USERS)}  # the first wins
ROLES = ["admin", *(user.username for user in USERS if FIRST_WITH_GRANTS[user.grants] == user.username)]


@contextmanager
def on_a_port(site):
    with serving(site["settings"]) as url:
        yield site | {"url": url}


@pytest.fixture(scope="module")
def served(demo_site):
    with on_a_port(demo_site) as site:
        yield site


def log_in(page, site, username: str) -> None:
    page.goto(site["url"] + "/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(site["logins"][username])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def visit_every_page(page, site) -> set[str]:
    seen, queue = set(), deque((site["changed"], *START))
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.popleft()
        if pattern_of(path) in seen:
            continue
        seen.add(pattern_of(path))
        response = page.goto(site["url"] + path)
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        settled(page)  # HTMX parts (the welfare section) are in
        assert page.locator("[hx-trigger=load]").count() == 0, f"{path}: a part is still loading"
        assert_fits(page, PHONE)
        links = page.eval_on_selector_all(
            "a[href]:not([download]), [hx-get]",
            "found => found.map(e => e.getAttribute('href') || e.getAttribute('hx-get'))",
        )
        for link in links:
            link = link.split("#")[0]
            if link.startswith("/") and not link.startswith("//") and not SKIPPED.search(link):
                queue.append(link)
    return seen


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_a_phone_without_console_errors(page, served, username):
    page.set_viewport_size({"width": PHONE, "height": 800})
    log_in(page, served, username)
    seen = visit_every_page(page, served)
    if username == "admin":
        assert {"/households/{id}", "/change-requests/{id}", "/imports/{id}", "/linkage/queue"} <= seen


@pytest.mark.slow
def test_the_welfare_explanation_fits_a_phone(page, served, ranked_demo_site):
    page.set_viewport_size({"width": PHONE, "height": 800})
    log_in(page, served, "admin")
    page.goto(served["url"] + served["changed"])
    page.locator("#welfare-rank table").wait_for()
    assert_fits(page, PHONE)


@pytest.fixture(scope="module")
def linked(sqlite_template, tmp_path_factory):
    """A registry de-duplicated as the demo does it, with doubtful pairs in the review queue."""
    import shutil

    from inklusi.config import Settings
    from inklusi.context import Context
    from inklusi.demo.linkage import prepare_demo
    from inklusi.registry import service as registry
    from inklusi.synth import SynthConfig, generate, registry_data
    from tests.conftest import ADMIN_PASSWORD
    from tests.factories import SYSTEM

    folder = tmp_path_factory.mktemp("linked")
    settings = Settings(data_dir=folder / "inklusi-data", _env_file=None)
    shutil.copytree(sqlite_template, settings.data_dir)
    ctx = Context.open(settings)
    try:
        population = SynthConfig(households=400, seed=3)
        registry.load_households(ctx, SYSTEM, registry_data(population), source="tests")
        generate(population, folder / "population")
        prepare_demo(ctx, population=folder / "population")
    finally:
        ctx.close()
    return {"settings": settings, "changed": "/linkage/queue", "logins": {"admin": ADMIN_PASSWORD}}


@pytest.mark.slow
def test_the_duplicates_queue_and_a_pair_fit_a_phone(page, linked):
    """The queue was 548 px wide at 390 px, its review link off the screen."""
    with on_a_port(linked) as site:
        page.set_viewport_size({"width": PHONE, "height": 800})
        log_in(page, site, "admin")
        page.goto(site["url"] + "/linkage/queue")
        review = page.locator("a[href^='/linkage/pairs/']").first
        box = review.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE
        assert_fits(page, PHONE)
        review.click()
        page.wait_for_load_state("networkidle")
        assert_fits(page, PHONE)
