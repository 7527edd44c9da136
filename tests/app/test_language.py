"""Issue 11 #8: every page, as every demo role, reads in Indonesian: no English from the catalogue, no raw
codes (snake_case keys, bare numbers where a label belongs, village codes instead of names), no Markdown
backticks. The pages are found by following the links (and HTMX loads) from the start page."""

from __future__ import annotations

import re
from collections import deque
from datetime import date
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from inklusi.app import create_app
from inklusi.registry import labels
from inklusi.registry.checks import DWELLING_CODES, PERSON_CODES
from tests.conftest import catalogue, login

UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
# Dates are shown one way per language, "9 Apr 1993" (issue 11 #10): neither ISO nor with a full month name.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
LONG_DATE = re.compile(
    r"\b\d{1,2} (?:Januari|Februari|Maret|April|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4}"
)
SKIPPED = re.compile(r"^/(logout|language/|static/|api/|instrument/xlsform)|\.(csv|jsonl|xlsx|zip)$")  # files
PAGES_PER_ROLE = 60
# The start page, and the heads of household of each province the demo fills (search needs a query).
START = ("/", "/registry?province=31", "/registry?province=32", "/registry?province=33")


class Visible(HTMLParser):
    """The text a person sees (and hears from a screen reader), the links to follow, and every labelled
    value (a <dt> with its <dd>, a cell with its data-label)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.values: list[tuple[str, str]] = []
        self._hidden = 0
        self._label: str | None = None
        self._cell: list[str] | None = None
        self._dt: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag in ("script", "style", "template") or (tag == "code" and found.get("translate") == "no"):
            self._hidden += 1  # not interface text: scripts, and data shown as stored (<code translate="no">)
        for name in ("aria-label", "title", "placeholder", "alt"):
            if found.get(name):
                self.text.append(found[name])
        for name in ("href", "hx-get"):
            if found.get(name):
                self.links.append(found[name])
        if tag == "dt":
            self._dt = []
        elif tag == "dd" and self._label is not None:
            self._cell = []
        elif tag == "td" and found.get("data-label"):
            self._label, self._cell = found["data-label"], []

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") or (tag == "code" and self._hidden):
            self._hidden -= 1
        elif tag == "dt" and self._dt is not None:
            self._label, self._dt = " ".join(self._dt).strip(), None
        elif tag in ("dd", "td") and self._cell is not None:
            self.values.append((self._label or "", " ".join(self._cell).strip()))
            self._cell = None
            if tag == "td":
                self._label = None

    def handle_data(self, data):
        if self._hidden:
            return
        self.text.append(data)
        for part in (self._cell, self._dt):
            if part is not None:
                part.append(data.strip())


def english_phrases() -> list[re.Pattern]:
    """The catalogue's English text that differs in Indonesian, as phrases to look for: the literal parts
    of each message between its placeholders, at least one word of four letters, and not text that an
    Indonesian translation also contains (a name, "Email", "Status")."""
    indonesian = catalogue()
    translated = "\n".join(indonesian.values())
    phrases = set()
    for english, translation in indonesian.items():
        if english == translation:
            continue
        for part in re.split(r"\{[^}]*\}", english):
            part = part.strip(" .,:;·()—-")
            if re.search(r"[A-Za-z]{4}", part) and part not in translated:
                phrases.add(part)
    return [re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])") for p in sorted(phrases, key=len, reverse=True)]


CODED_LABELS = {
    labels.field_label(field, "id")
    for field in (*DWELLING_CODES, *PERSON_CODES, "village_code", "sex", "relationship")
}


def problems_in(html: str, english: list[re.Pattern]) -> tuple[list[str], list[str]]:
    page = Visible()
    page.feed(html)
    text = re.sub(r"\s+", " ", " ".join(page.text))
    found = [f"English: {m.group(0)!r}" for pattern in english if (m := pattern.search(text))]
    found += [f"raw code: {code!r}" for code in sorted(set(SNAKE_CASE.findall(text)))]
    days = {*ISO_DATE.findall(text), *LONG_DATE.findall(text)}
    found += [f"a date not in the page's format: {day!r}" for day in sorted(days)]
    if "`" in text:
        found.append("a Markdown backtick: " + text[max(0, text.index("`") - 40) : text.index("`") + 40])
    for label, value in page.values:
        if label in CODED_LABELS and (value.isdigit() or VILLAGE_CODE.fullmatch(value)):
            found.append(f"a code where a label belongs: {label} = {value}")
    return found, page.links


def pattern_of(path: str) -> str:
    """Pages of one kind (every household, every page of a list) are checked once."""
    path = UUID_PATTERN.sub("{id}", path)
    return re.sub(r"([?&](?:page|after_\w+|q)=)[^&]*", r"\1…", path)


def crawl(
    client: TestClient, english: list[re.Pattern], first: tuple[str, ...] = ()
) -> tuple[set[str], dict[str, list[str]]]:
    seen, queue, found = set(), deque((*first, *START)), {}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.popleft()
        if pattern_of(path) in seen:
            continue
        seen.add(pattern_of(path))
        response = client.get(path)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        problems, links = problems_in(response.text, english)
        if problems:
            found[path] = problems
        if pattern_of(path) == "/households/{id}":  # the household as of a date
            links.append(f"{path}?as_of={date.today().isoformat()}")
        for link in links:
            link = link.split("#")[0]
            if link.startswith("/") and not link.startswith("//") and not SKIPPED.search(link):
                queue.append(link)
    return seen, found


def test_every_page_reads_in_indonesian_for_every_role(demo_site):
    english = english_phrases()
    assert len(english) > 100
    report, kinds = {}, set()
    with TestClient(create_app(demo_site["settings"]), base_url="https://testserver") as client:
        for username, password in demo_site["logins"].items():
            client.cookies.clear()
            assert login(client, username, password).status_code == 303
            seen, found = crawl(client, english, first=(demo_site["changed"],))
            kinds |= seen
            report |= {f"{username} {path}": problems for path, problems in found.items()}
    assert {"/households/{id}", "/persons/{id}", "/change-requests/{id}", "/imports/{id}"} <= kinds
    assert report == {}
