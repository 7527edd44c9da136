"""The web pages over HTTP: sessions, CSRF, cookies, headers, redirects, languages, errors."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from inklusi.audit import service as audit
from inklusi.registry import service as registry
from tests.conftest import ADMIN_PASSWORD, csrf_of, login
from tests.factories import BANDUNG_VILLAGE, JAKARTA_VILLAGE, SYSTEM, household, user


@pytest.mark.parametrize("backend", ["sqlite"])
def test_pages_need_a_login_and_come_back_after_it(client):
    response = client.get("/registry?q=budi", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/registry%3Fq%3Dbudi"
    assert client.get("/registry", headers={"HX-Request": "true"}).headers["HX-Redirect"].startswith("/login")
    done = login(client, next_path="/registry?q=budi")
    assert done.status_code == 303 and done.headers["location"] == "/registry?q=budi"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_session_cookie_is_http_only_secure_and_same_site(client):
    cookie = login(client).headers["set-cookie"]
    assert "inklusi_session=" in cookie
    assert all(flag in cookie.lower() for flag in ("httponly", "secure", "samesite=lax", "path=/"))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_login_without_its_form_token_is_refused(client):
    client.get("/login")
    forged = client.post(
        "/login", data={"username": "admin", "password": ADMIN_PASSWORD, "login_csrf": "guess"}
    )
    assert forged.status_code == 403
    assert "inklusi_session" not in forged.headers.get("set-cookie", "")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_wrong_password_shows_the_form_again_with_the_reason(client):
    response = login(client, password="not-the-password")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in response.text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_logout_needs_the_csrf_token_and_ends_the_session(client):
    login(client)
    page = client.get("/registry").text
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/registry", follow_redirects=False).status_code == 200  # still logged in
    assert (
        client.post("/logout", data={"csrf_token": csrf_of(page)}, follow_redirects=False).status_code == 303
    )
    assert client.get("/registry", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("backend", ["sqlite"])
def test_redirects_stay_on_this_site(client):
    assert login(client, next_path="https://evil.example/").headers["location"] == "/"
    assert login(client, next_path="//evil.example/").headers["location"] == "/"
    switch = client.get("/language/en?next=https://evil.example/", follow_redirects=False)
    assert switch.headers["location"] == "/"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_security_headers(client):
    headers = client.get("/login").headers
    assert headers["cache-control"] == "no-store"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_language_switch_and_locale_formatting(client, ctx):
    hh = registry.register_household(ctx, SYSTEM, household(), source="round-1").household_id
    login(client)
    indonesian = client.get(f"/households/{hh}").text
    assert '<html lang="id">' in indonesian and "Riwayat" in indonesian and "14 Mar 1980" in indonesian
    client.get(f"/language/en?next=/households/{hh}")
    english = client.get(f"/households/{hh}").text
    assert '<html lang="en">' in english and "History" in english and "14 Mar 1980" in english
    assert "Head of family" in english and "Kepala keluarga" in indonesian


def test_page_views_are_audited(client, ctx):
    """A household page is one audit entry (the record and its history, with the purpose) and one
    transaction besides the one that reads the login session (issue 12 #9)."""
    from sqlalchemy import event, func, select

    from inklusi.audit.tables import audit_log

    def logged() -> int:
        with ctx.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(audit_log)).scalar_one()

    hh = registry.register_household(ctx, SYSTEM, household(), source="round-1").household_id
    login(client)
    # the app's key ring reads the data keys once (inklusi.vault: again every few minutes): not per page
    assert client.get(f"/households/{hh}").status_code == 200
    begun = [0]
    event.listen(client.app.state.ctx.engine, "begin", lambda _conn: begun.__setitem__(0, begun[0] + 1))
    before = logged()
    assert client.get(f"/households/{hh}").status_code == 200
    assert begun == [2] and logged() == before + 1
    client.get("/registry?q=Siti+Aminah")
    entries = audit.recent(ctx, SYSTEM, limit=10)
    assert [e.action for e in entries[:2]] == ["registry.search", "household.read"]
    assert (entries[1].purpose, entries[1].detail) == ("registry_view", '{"history":true}')


@pytest.mark.parametrize("backend", ["sqlite"])
def test_errors_are_pages_not_json(client):
    login(client)
    missing = client.get("/households/00000000-0000-7000-8000-000000000000")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Tidak ditemukan" in missing.text
    bad_date = client.get("/households/00000000-0000-7000-8000-000000000000?as_of=kemarin")
    assert bad_date.status_code == 422 and "bukan tanggal" in bad_date.text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_assets_are_served_from_the_package(client):
    assert client.get("/static/htmx.min.js").status_code == 200
    assert "font-family" in client.get("/static/inklusi.css").text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_start_page_fits_the_role(client, ctx):
    user(ctx, "auditor1", ("auditor", None))
    login(client, "auditor1", "auditor1-password")
    start = client.get("/")
    assert start.status_code == 200 and "audit/verify" in start.text and 'href="/registry"' not in start.text
    assert "Peran Anda: Auditor." in start.text and "`" not in start.text  # a role's label, not its code
    client.cookies.clear()
    user(ctx, "dinsos1", ("steward", "31"))  # a regional steward has the registry, in its area
    login(client, "dinsos1", "dinsos1-password")
    assert client.get("/", follow_redirects=False).headers["location"] == "/registry"
    assert 'href="/registry"' in client.get("/registry").text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_icon_is_served_and_htmx_needs_no_inline_style(client):
    """Issue 11 #11: the CSP blocked HTMX's inline <style> on every page, and /favicon.ico was a 404."""
    response = client.get("/login")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in response.text
    assert ".htmx-indicator" in client.get("/static/inklusi.css").text
    icon = re.search(r'<link rel="icon" href="([^"]+)"', response.text).group(1)
    assert client.get(icon).status_code == 200
    assert client.get("/favicon.ico").headers["content-type"].startswith("image/svg+xml")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_api_documentation_is_served_from_the_package_under_the_csp(client):
    """Issue 11 #4: the docs page loaded Swagger UI from a CDN and went without the CSP."""
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "default-src 'self'" in docs.headers["content-security-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(source.startswith("/static/") for source in sources)
    assert all(client.get(source).status_code == 200 for source in sources)
    assert "<script>" not in docs.text  # no inline script: the CSP would block it
    assert "Apache License" in client.get("/static/swagger-ui/LICENSE").text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_printable_questionnaire_is_allowed_its_own_style_and_nothing_else(client):
    """Issue 11 #11: the CSP blocked the questionnaire's <style> (it is also saved as a standalone file)."""
    login(client)
    page = client.get("/instrument/questionnaire")
    style = re.search(r"<style>(.*?)</style>", page.text, flags=re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = page.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_a_moved_household_s_history_names_the_villages_and_its_source(client, ctx):
    """Issue 11 #8: the history showed village codes and the source code `change_request`-like keys."""
    hh = registry.register_household(ctx, SYSTEM, household(JAKARTA_VILLAGE), source="round-1").household_id
    registry.update_household(ctx, SYSTEM, hh, {"village_code": BANDUNG_VILLAGE}, source="round-2")
    login(client)
    history = client.get(f"/households/{hh}").text.split('id="history"')[1]
    assert "Gambir →" in history and JAKARTA_VILLAGE not in history and BANDUNG_VILLAGE not in history
    assert "Sumber: Putaran data “round-2”" in history
