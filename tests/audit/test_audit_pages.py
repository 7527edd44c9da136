"""Issue 11 #5: the auditor's pages. Searching the log (who read which person, when, why), checking the
chain and exporting are services on SQLite and PostgreSQL, each recorded in the log; the pages are for
holders of ``audit:read`` only; every role's menu and start page link only to pages it may use."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from inklusi.access import service as access
from inklusi.access.model import Permission
from inklusi.audit import service as audit
from inklusi.audit.events import LINKAGE_PAIR_READ, LOGIN_FAILED, Event
from inklusi.audit.model import Actor, LogQuery, Purpose
from inklusi.db import utcnow
from inklusi.registry import service as registry
from tests.audit.test_chain import as_attacker
from tests.factories import BANDUNG_VILLAGE, SYSTEM, household, user

TOP_PAGES = ("/registry", "/change-requests", "/imports", "/linkage/queue", "/audit", "/audit/verify")


@pytest.fixture
def world(ctx):
    """A Bandung household whose member a case worker read for case management; an auditor."""
    registered = registry.register_household(ctx, SYSTEM, household(BANDUNG_VILLAGE), source="round-1")
    person = registered.person_ids[1]
    case_worker = user(ctx, "pendamping", ("case_worker", "32.73"))
    registry.get_person(ctx, case_worker, person, purpose=Purpose.case_management)
    auditor = user(ctx, "auditor1", ("auditor", None))
    return {"person": str(person), "case_worker": case_worker, "auditor": auditor}


def search(ctx, world, **criteria):
    return audit.search_log(ctx, world["auditor"], LogQuery(**criteria)).entries


def test_an_auditor_finds_who_read_a_person_when_and_why(ctx, world):
    [read] = [e for e in search(ctx, world, object_id=world["person"]) if e.action == "person.read"]
    assert (read.actor_name, read.purpose) == ("pendamping", "case_management")
    assert read.organisation_id == world["case_worker"].organisation_id
    assert search(ctx, world, actor="pendamping", action="person") == [read]  # a family of actions
    assert search(ctx, world, actor="pendamping", action="person.read") == [read]
    assert search(ctx, world, actor="pendamping", action="person.rea") == []  # not a name prefix
    org = access.organisation_id(ctx, "Org pendamping")
    assert search(ctx, world, organisation_id=org, object_id=world["person"]) == [read]
    assert search(ctx, world, object_id=world["person"], purpose="registry_view") == []
    now = utcnow()
    assert search(ctx, world, object_id=world["person"], since=now - timedelta(hours=1)) == [read]
    assert search(ctx, world, object_id=world["person"], since=now + timedelta(hours=1)) == []
    assert search(ctx, world, object_id=world["person"], until=now - timedelta(hours=1)) == []
    searches = audit.recent(ctx, SYSTEM, object_type="audit_log")  # reading the log is recorded
    assert searches[0].action == "audit.search" and searches[0].actor_name == "auditor1"
    assert world["person"] in searches[0].detail


def test_the_log_is_read_a_page_at_a_time(ctx, world):
    for i in range(7):
        event = Event(
            kind=LINKAGE_PAIR_READ,
            actor=Actor(None, "tester"),
            purpose=Purpose.data_stewardship,
            object_id=str(i),
        )
        audit.record_alone(ctx, event)
    reader, query = world["auditor"], LogQuery(action="linkage")
    first = audit.search_log(ctx, reader, query, limit=3)
    assert [e.object_id for e in first.entries] == ["6", "5", "4"] and first.newer is None
    second = audit.search_log(ctx, reader, query, before=first.older, limit=3)
    assert [e.object_id for e in second.entries] == ["3", "2", "1"]
    last = audit.search_log(ctx, reader, query, before=second.older, limit=3)
    assert [e.object_id for e in last.entries] == ["0"] and last.older is None
    back = audit.search_log(ctx, reader, query, after=last.newer, limit=3)
    assert [e.object_id for e in back.entries] == ["3", "2", "1"] and back.newer == second.newer


def test_export_and_verify_are_recorded(ctx, world):
    exported = audit.export_log(ctx, world["auditor"], LogQuery(object_id=world["person"]))
    assert "person.read" in {e.action for e in exported}
    check = audit.verify_log(ctx, world["auditor"])
    assert check.intact
    recorded = [e.action for e in audit.recent(ctx, SYSTEM, object_type="audit_log", limit=2)]
    assert recorded == ["audit.verify", "audit.export"]


# --- The pages (over HTTP) ---------------------------------------------------------------------------


def login(client, username, password=None):
    client.cookies.clear()
    form = client.get("/login").text
    token = re.search(r'name="login_csrf" value="([^"]+)"', form).group(1)
    data = {
        "username": username,
        "password": password or f"{username}-password",
        "login_csrf": token,
        "next": "/",
    }
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def menu(html: str) -> set[str]:
    nav = re.search(r'<nav aria-label="[^"]*">\s*<ul>(.*?)</ul>', html, re.S).group(1)
    return set(re.findall(r'href="([^"]+)"', nav))


def role_users(ctx):
    """One user per role in roles.yaml (area roles in West Java, the others nationwide)."""
    users = {}
    for role in access.builtin_roles():
        area = None if Permission.audit_read in role.permissions else "32"
        users[role.name] = user(ctx, f"user.{role.name}", (role.name, area)), role
    return users


@pytest.mark.parametrize("backend", ["sqlite"])
def test_every_role_is_offered_only_what_it_may_use(client, ctx):
    for name, (_principal, role) in role_users(ctx).items():
        login(client, f"user.{name}")
        start = client.get("/")
        assert start.status_code == 200, name
        offered = menu(start.text) | set(re.findall(r'<main.*?href="(/[^"?]*)', start.text, re.S))
        answers = {path: client.get(path).status_code for path in TOP_PAGES}
        for path in offered & set(TOP_PAGES):
            assert answers[path] == 200, (name, path)
        for path, status in answers.items():
            assert status in (200, 403), (name, path, status)
            if status == 403:
                assert path not in offered, (name, path)
        auditor = Permission.audit_read in role.permissions
        assert ("/audit" in menu(start.text)) == auditor, name
        assert answers["/audit"] == answers["/audit/verify"] == (200 if auditor else 403), name
        assert client.get("/audit/export.csv").status_code == (200 if auditor else 403), name
    login(client, "user.auditor")
    start = client.get("/")
    assert 'href="/registry"' not in start.text and "`" not in start.text
    assert 'href="/audit/verify"' in start.text
    assert client.get("/registry?q=budi").status_code == 403  # no search form that only refuses


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_audit_pages_need_a_login(client):
    for path in ("/audit", "/audit/verify", "/audit/export.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_log_page_finds_a_read_and_explains_bad_filters(client, ctx, world):
    login(client, "auditor1")
    page = client.get("/audit", params={"object_id": world["person"], "action": "person.read"})
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)[1:]
    assert len(rows) == 1 and "pendamping" in rows[0] and "Org pendamping" in rows[0]
    assert "Manajemen kasus" in rows[0] and BANDUNG_VILLAGE not in rows[0]  # the village by name
    # issue 12 #6: what the action means, in the page's language, beside its code
    assert "Data seseorang dibaca" in rows[0] and '<code translate="no">person.read</code>' in rows[0]
    assert (
        '<option value="linkage.merge">Dua entitas digabungkan</option>' in page.text
    )  # every action offered
    export_link = re.search(r'href="(/audit/export\.csv\?[^"]+)"', page.text).group(1)
    assert "object_id=" in export_link and "action=person.read" in export_link

    bad = client.get("/audit", params={"date_from": "2025-13-01", "date_to": "2025-01-01"})
    assert bad.status_code == 422 and "2025-13-01 bukan tanggal" in bad.text
    bad = client.get("/audit", params={"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert bad.status_code == 422 and "Tanggal akhir sebelum tanggal awal" in bad.text
    assert client.get("/audit", params={"purpose": "gossip"}).status_code == 422


def test_the_export_is_the_filtered_log_with_formulas_neutralised(client, ctx, world):
    attacker = Actor(None, '=HYPERLINK("http://evil.example","klik")')
    event = Event(kind=LOGIN_FAILED, actor=attacker, purpose=Purpose.authentication, object_id="+62-812")
    audit.record_alone(ctx, event)
    login(client, "auditor1")
    response = client.get("/audit/export.csv", params={"action": "login.failed"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert {row["action"] for row in rows} == {"login.failed"}
    [evil] = [row for row in rows if "HYPERLINK" in row["actor_name"]]
    assert evil["actor_name"] == "'" + attacker.name and evil["object_id"] == "'+62-812"
    read = client.get("/audit/export.csv", params={"object_id": world["person"]}).text
    assert "pendamping" in read and "person.read" in read
    last = audit.recent(ctx, SYSTEM, object_type="audit_log", limit=1)[0]
    assert last.action == "audit.export" and last.actor_name == "auditor1"


def test_the_verify_page_says_intact_or_names_the_first_broken_entry(client, ctx, world):
    login(client, "auditor1")
    page = client.get("/audit/verify")
    assert page.status_code == 200 and "Rantai utuh." in page.text
    with ctx.engine.connect() as conn:
        target = conn.execute(text("SELECT max(seq) FROM audit_log WHERE action = 'person.read'")).scalar()
    with as_attacker(ctx) as conn:
        conn.execute(text("UPDATE audit_log SET actor_name = 'someone' WHERE seq = :s"), {"s": target})
    page = client.get("/audit/verify")
    assert page.status_code == 200 and "Rantai rusak." in page.text
    assert f'href="/audit?before={target + 1}"' in page.text
