"""The programme pages over a small registry (two households in Jakarta, two in Bandung; a programme every
household is eligible for): the programmes and the builder in Indonesian and English, a simulation with its
province map and budget curve, a refused form naming its field, scenarios saved and compared, a list frozen
with its villages and exports in the reader's scope, an FKP meeting whose decisions become a change request
and a grievance, and the grievance decided (audited; never by the one who submitted it)."""

from __future__ import annotations

import csv
import io
import re
from uuid import UUID

import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.programmes import service
from inklusi.registry import service as registry
from tests.conftest import csrf_of, login
from tests.factories import BANDUNG_VILLAGE, SYSTEM, user
from tests.programmes.registries import everyone, small_registry

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # the services run on both databases


@pytest.fixture
def site(ctx):
    small = small_registry(ctx)
    service.save_programme(ctx, SYSTEM, everyone())
    user(ctx, "perencana", ("planner", None))
    user(ctx, "dinsos-jabar", ("steward", "32"))
    user(ctx, "dinsos-jabar-2", ("steward", "32"))
    user(ctx, "pendamping", ("case_worker", "32.73"))
    return small


def as_user(client, username: str) -> str:
    client.cookies.clear()
    assert login(client, username, f"{username}-password").status_code == 303
    return csrf_of(client.get("/directory").text)


def english(client) -> None:
    client.get("/language/en", follow_redirects=False)


def simulate(client, token: str, **form: str):
    data = {"csrf_token": token, "budget": "", "decile_max": "", "decile_level": "national"} | form
    return client.post("/programmes/bantuan_uji/simulate", data=data, headers={"HX-Request": "true"})


def save(client, token: str, name: str, budget: str = "") -> str:
    answer = client.post(
        "/programmes/bantuan_uji/scenarios",
        data={"csrf_token": token, "budget": budget, "scenario_name": name},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"].split("scenario=")[1]


def test_programmes_and_the_builder_in_both_languages(client, site):
    as_user(client, "perencana")
    page = client.get("/programmes")
    assert page.status_code == 200
    for name in ("pkh", "sembako", "pbi_jkn", "bantuan_uji"):
        assert f'href="/programmes/{name}"' in page.text
    assert "Program Keluarga Harapan (PKH)" in page.text and 'aria-current="page">Program' in page.text
    builder = client.get("/programmes/pkh")
    assert "Anggaran per tahun (Rupiah)" in builder.text and "rumah tangga desil 1 sampai 4" in builder.text
    assert "Rp 3.000.000 per orang: anak usia 0 sampai 6 tahun" in builder.text
    english(client)
    builder = client.get("/programmes/pkh")
    assert "Family Hope Programme (PKH)" in builder.text
    assert "households in deciles 1 to 4 (national)" in builder.text
    assert "Rp 3,000,000 per person: a child aged 0 to 6" in builder.text


def test_a_steward_reads_but_does_not_simulate_and_a_case_worker_does_not_see_programmes(client, site):
    token = as_user(client, "dinsos-jabar")
    page = client.get("/programmes/bantuan_uji")
    assert page.status_code == 200 and 'id="builder"' not in page.text
    assert simulate(client, token).status_code == 403
    as_user(client, "pendamping")
    assert client.get("/programmes").status_code == 403
    assert 'href="/programmes"' not in client.get("/directory").text


def test_a_simulation_shows_figures_map_bars_and_the_budget_curve(client, site):
    token = as_user(client, "perencana")
    answer = simulate(client, token)
    assert answer.status_code == 200 and "<html" not in answer.text  # the results part alone (HTMX)
    figures = dict(re.findall(r'<div data-key="(\w+)"><dt>[^<]*</dt><dd>([^<]*)</dd>', answer.text))
    assert figures["beneficiaries"] == "4" and figures["people"] == "10"
    assert figures["cost"] == "Rp 4.800.000" and figures["budget"] == "tanpa batas"
    svg = re.search(r'<svg[^>]*id="result-map".*?</svg>', answer.text, re.S).group(0)
    assert svg.count("<path") == 38
    areas = re.findall(r'<tr data-key="(\d+)"><th scope="row">([^<]+)</th>', answer.text)
    assert [code for code, _ in areas] == ["31", "32"] and areas[1][1] == "Jawa Barat"
    assert 'class="line-chart"' in answer.text and "Kurva anggaran" in answer.text
    assert answer.text.count("<circle") >= 3 * 2  # three lines of at least two budgets
    assert 'id="save-scenario"' in answer.text

    limited = simulate(client, token, budget="2.400.000")  # two households' worth, the poorest first
    assert '<div data-key="beneficiaries"><dt>Rumah tangga penerima manfaat</dt><dd>2</dd>' in limited.text


def test_a_bad_budget_is_refused_in_the_form_naming_the_field(client, site):
    token = as_user(client, "perencana")
    english(client)
    answer = client.post("/programmes/bantuan_uji/simulate", data={"csrf_token": token, "budget": "lots"})
    assert answer.status_code == 422
    assert "lots is not an amount" in answer.text and 'id="budget-error"' in answer.text
    assert 'value="lots"' in answer.text  # what was typed is kept
    partial = simulate(client, token, decile_max="11")
    assert partial.status_code == 200 and "Give a whole number from 1 to 10" in partial.text


def test_scenarios_are_saved_and_compared(client, site):
    token = as_user(client, "perencana")
    everyone_id = save(client, token, "Semua")
    two_id = save(client, token, "Dua rumah tangga", budget="2400000")
    single = client.get(f"/programmes/compare?scenario={two_id}")
    assert single.status_code == 200 and "Skenario: Dua rumah tangga" in single.text
    assert 'id="result-map"' in single.text  # a scenario's own page: its whole outcome
    both = client.get(f"/programmes/compare?scenario={everyone_id}&scenario={two_id}")
    row = re.search(r'<tr data-key="beneficiaries">(.*?)</tr>', both.text, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["4", "2"]
    assert 'id="compare-curve"' in both.text and both.text.count('<g class="series"') == 2
    assert "Semua" in client.get("/programmes").text


def freeze(client, token: str, scenario_id: str, cycle: str = "2025-T1") -> str:
    answer = client.post(
        "/programmes/lists",
        data={"csrf_token": token, "scenario_id": scenario_id, "cycle": cycle},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_a_frozen_list_shows_the_readers_villages_and_exports_them(client, site):
    token = as_user(client, "perencana")
    scenario_id = save(client, token, "Semua")
    listing = freeze(client, token, scenario_id)
    page = client.get(listing)
    assert page.status_code == 200 and "Daftar penerima manfaat bantuan_uji-1, tahap 2025-T1" in page.text
    assert set(re.findall(r'<tr data-key="([\d.]+)">', page.text)) == {"31.71.01.1001", BANDUNG_VILLAGE}
    exported = client.get(f"{listing}/export", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 4

    as_user(client, "dinsos-jabar")
    page = client.get(listing)
    assert re.findall(r'<tr data-key="([\d.]+)">', page.text) == [BANDUNG_VILLAGE]
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{listing}/export?format=csv").content.decode("utf-8-sig")))
    )
    assert {r["village_code"] for r in rows} == {BANDUNG_VILLAGE} and len(rows) == 2
    assert client.get(f"{listing}/export?format=pdf").status_code == 404
    again = client.post("/programmes/lists", data={"csrf_token": csrf_of(page.text), "cycle": "x"})
    assert again.status_code == 403  # freezing is the planner's


def test_an_fkp_meeting_makes_a_change_request_and_a_grievance_that_another_steward_decides(
    client, ctx, site
):
    token = as_user(client, "perencana")
    listing = freeze(client, token, save(client, token, "Semua"))
    token = as_user(client, "dinsos-jabar")
    village = f"{listing}/villages/{BANDUNG_VILLAGE}"
    page = client.get(village)
    assert page.status_code == 200 and 'id="meeting-form"' in page.text
    corrected, removed = site.bandung
    form = {
        "csrf_token": token,
        "held_on": "2025-03-01",
        "place": "Balai desa",
        "attendee_name.0": "Ibu Kades",
        "attendee_role.0": "kepala desa",
        "minutes": "Musyawarah berjalan lancar",
        "household": [str(corrected), str(removed)],
        f"decision.{corrected}": "confirm",
        f"reason.{corrected}": "Atap sudah diganti",
        f"field.{corrected}": "roof_material",
        f"value.{corrected}": "3",
        f"decision.{removed}": "remove",
        f"reason.{removed}": "Pindah ke luar desa",
    }
    missing_reason = client.post(
        f"{village}/meetings", data=form | {f"reason.{removed}": "", "place": ""}, follow_redirects=False
    )
    assert missing_reason.status_code == 422 and 'value="Ibu Kades"' in missing_reason.text
    answer = client.post(f"{village}/meetings", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    shown = client.get(answer.headers["location"])
    assert "Musyawarah telah dicatat." in shown.text and "Ibu Kades (kepala desa)" in shown.text
    request_link = re.search(r'href="/change-requests/([0-9a-f-]+)"', shown.text).group(1)
    assert client.get(f"/change-requests/{request_link}").status_code == 200
    request = registry.get_change_request(ctx, SYSTEM, UUID(request_link))
    assert request.target_id == corrected and "3" in str(request.changes)
    grievance = re.search(r'href="/grievances/([0-9a-f-]+)"', shown.text).group(1)

    own = client.get(f"/grievances/{grievance}")
    assert "Pindah ke luar desa" in own.text and "peninjau lain yang memutuskannya" in own.text
    token = as_user(client, "dinsos-jabar-2")
    queue = client.get("/grievances")
    assert f'href="/grievances/{grievance}"' in queue.text
    page = client.get(f"/grievances/{grievance}")
    assert 'id="explanation"' in page.text and "Belum diperingkat" not in page.text
    assert "Rumah tangga ini belum diperingkat." in page.text or 'id="contributions"' in page.text
    decided = client.post(
        f"/grievances/{grievance}/decision",
        data={"csrf_token": token, "outcome": "uphold", "note": "Benar pindah", "reassess": "1"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    page = client.get(f"/grievances/{grievance}")
    assert (
        "diterima" in page.text
        and "perlu dinilai ulang" in page.text
        and 'id="decision-form"' not in page.text
    )
    entries = audit.search_log(ctx, SYSTEM, LogQuery(action="grievance.decide")).entries
    assert [str(e.object_id) for e in entries] == [grievance]
