"""Issue 11 #8 (linkage): the review pages in Indonesian show words, not codes or Splink's English, and a
pair shows what a steward needs to decide (names, household and relationship, age, village name, source
list), not record ids. Checked on the rendered pages' visible text."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from inklusi.app import create_app
from inklusi.demo.linkage import prepare_demo
from inklusi.linkage import service as linkage
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, generate, registry_data
from inklusi.wilayah import service as wilayah
from tests.conftest import csrf_of, login
from tests.factories import SYSTEM

HOUSEHOLDS, SEED = 400, 3
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RAW = (
    "between_thresholds",
    "refused:",
    "Exact match",
    "All other comparisons",
    "Jaro",
    "missing",
    "same village",
    "same regency",
    "same ",
    "alone",
    "steward",
    "non_match",
    "(nik)",
    "(model)",
)


def visible(html: str) -> str:
    """The text a person sees: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_in_words(text: str) -> None:
    shown = [raw for raw in RAW if raw in text]
    assert shown == [], f"raw codes or English on an Indonesian page: {shown}"


@pytest.fixture
def client(settings, ctx, tmp_path):
    registry.load_households(
        ctx, SYSTEM, registry_data(SynthConfig(households=HOUSEHOLDS, seed=SEED)), source="tests"
    )
    generate(SynthConfig(households=HOUSEHOLDS, seed=SEED), tmp_path / "population")
    prepare_demo(ctx, population=tmp_path / "population")
    with TestClient(create_app(settings), base_url="https://testserver") as test_client:
        yield test_client


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_review_pages_in_indonesian_show_words_not_codes(client, ctx):
    login(client, next_path="/linkage/queue")
    queue = client.get("/linkage/queue")
    assert queue.status_code == 200 and 'lang="id"' in queue.text
    assert_in_words(visible(queue.text))
    pair_ids = re.findall(r'href="/linkage/pairs/([0-9a-f-]+)"', queue.text)
    assert pair_ids

    pair_page = client.get(f"/linkage/pairs/{pair_ids[0]}")
    text = visible(pair_page.text)
    assert_in_words(text)
    assert not UUID_TEXT.search(text), "record ids shown to the steward"
    pair = linkage.get_pair(ctx, SYSTEM, UUID(pair_ids[0]))
    records = linkage.pair_records(ctx, SYSTEM, pair)
    names = wilayah.area_names(ctx, {r.village_code for r in records})
    for record in records:
        assert record.name in text and names[record.village_code] in text and record.source in text
        assert str(record.age()) in text
        assert record.village_code not in text
    assert "Umur" in text and "Hubungan dengan kepala" in text and "Daftar sumber" in text
    assert "Perempuan" in text or "Laki-laki" in text

    saved = client.post(
        f"/linkage/pairs/{pair_ids[0]}/decision",
        data={"decision": "match", "note": "sama", "csrf_token": csrf_of(pair_page.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    entity = linkage.entity_of_record(ctx, SYSTEM, pair.kind, pair.record_a)
    entity_page = client.get(f"/linkage/entities/{entity}")
    text = visible(entity_page.text)
    assert entity_page.status_code == 200
    assert_in_words(text)
    assert "Orang yang sama" in text and "Diputuskan oleh pengelola data" in text
