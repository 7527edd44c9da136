"""``/api/v1/welfare`` and the welfare section of the household page, end to end."""

from __future__ import annotations

from uuid import UUID

import pytest
from markupsafe import escape
from sqlalchemy import text

from inklusi.access.model import Principal
from inklusi.registry import service as registry
from inklusi.synth import SynthConfig, registry_data
from inklusi.welfare import service
from tests.conftest import ADMIN_PASSWORD, login
from tests.factories import user

API = "/api/v1"
SYSTEM = Principal.system("tests")


def token(client, username: str, password: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_rank_explanation_and_scope_over_http(client, ctx, survey_dir, quick_spec_file):
    registry.load_households(ctx, SYSTEM, registry_data(SynthConfig(households=40, seed=9)), source="test")
    survey, persons = survey_dir / "survey_households.parquet", survey_dir / "persons.parquet"
    service.train_model(ctx, SYSTEM, survey, persons, spec=str(quick_spec_file))
    run = service.rank_registry(ctx, SYSTEM)
    admin = token(client, "admin", ADMIN_PASSWORD)

    deciles = client.get(f"{API}/welfare/runs/latest/deciles", headers=admin).json()
    assert sum(d["households"] for d in deciles) == run.households == 40
    household_id = str(_first_household(ctx))

    rank = client.get(f"{API}/welfare/households/{household_id}", headers=admin)
    assert rank.status_code == 200 and 1 <= rank.json()["national_decile"] <= 10
    explained = client.get(
        f"{API}/welfare/households/{household_id}/explanation", headers=admin | {"Accept-Language": "en"}
    ).json()
    assert abs(explained["score"] - explained["rank"]["score"]) < 1e-6
    assert explained["contributions"][0]["text"].startswith(explained["contributions"][0]["label"])

    village = rank.json()["village_code"]
    elsewhere = "11" if not village.startswith("11.") else "12"
    user(ctx, "dinsos", ("steward", elsewhere))
    outsider = token(client, "dinsos", "dinsos-password")
    response = client.get(f"{API}/welfare/households/{household_id}", headers=outsider)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"{API}/welfare/households/{household_id}").status_code == 401


def _first_household(ctx) -> UUID:
    with ctx.engine.connect() as conn:
        value = conn.execute(text("SELECT household_id FROM household_rank ORDER BY household_id")).first()[0]
    return UUID(str(value))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_household_page_shows_the_rank_and_why(client, ctx, survey_dir, quick_spec_file):
    registry.load_households(ctx, SYSTEM, registry_data(SynthConfig(households=30, seed=4)), source="test")
    login(client)
    with ctx.engine.connect() as conn:
        household_id = UUID(str(conn.execute(text("SELECT id FROM household ORDER BY id")).first()[0]))
    page = client.get(f"/households/{household_id}")
    assert f'hx-get="/households/{household_id}/welfare"' in page.text
    assert "belum diperingkat" in client.get(f"/households/{household_id}/welfare").text  # not ranked yet

    survey, persons = survey_dir / "survey_households.parquet", survey_dir / "persons.parquet"
    service.train_model(ctx, SYSTEM, survey, persons, spec=str(quick_spec_file))
    service.rank_registry(ctx, SYSTEM)
    rank = service.household_rank(ctx, SYSTEM, household_id)
    section = client.get(f"/households/{household_id}/welfare").text
    assert "Desil nasional" in section and f"<strong>{rank.national_decile}</strong> / 10" in section
    explanation = service.explain_household(ctx, SYSTEM, household_id)
    assert str(escape(explanation.contributions[0].label)) in section  # the largest contribution first
    assert "(log)" not in section  # answers as given, not the model's logged features (issue 11 #10)
    assert f'href="/grievances/new?household={household_id}"' in section  # contest it (issue 16)
    client.cookies.set("inklusi_lang", "en")
    assert "National decile" in client.get(f"/households/{household_id}/welfare").text
