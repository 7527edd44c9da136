"""Helpers for import tests that start from a registry holding round 1 and import hand-made forms."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from sqlalchemy import select

from inklusi.access.model import Principal
from inklusi.instrument import service
from inklusi.instrument.model import load
from inklusi.instrument.synthetic import from_synthetic, write_jsonl
from inklusi.registry.tables import family_version, household_version

SYSTEM = Principal.system("tests")
INSTRUMENT = load()
BANDUNG = ("32", "73", "01", "1001")  # Kelurahan in Kota Bandung (tests.factories.BANDUNG_VILLAGE)


def round_one(ctx, population: Path, tmp_path: Path) -> list[dict]:
    """Import round 1 as the system; return the forms that went in (JSON Lines records)."""
    path = write_jsonl(from_synthetic(population, INSTRUMENT, 1), tmp_path / "round1.jsonl")
    result = service.import_file(ctx, SYSTEM, path, source="round-1")
    held = {form.submission_id for form in service.held_forms(ctx, SYSTEM, result.batch_id)}
    forms = [json.loads(line) for line in path.read_text().splitlines()]
    return [form for form in forms if form["submission_id"] not in held]


def first_in(forms: list[dict], province: str, *, members: int = 1) -> dict:
    return next(f for f in forms if f["r101"] == province and len(f["members"]) >= members)


def moved_to(form: dict, submission_id: str, village=BANDUNG, building: int = 77) -> dict:
    """The same family answered again, as if it now lived in ``village``."""
    moved = copy.deepcopy(form)
    moved["submission_id"] = submission_id
    moved["r101"], moved["r102"], moved["r103"], moved["r104"] = village
    moved["r109"] = building
    return moved


def write(forms: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(form) + "\n" for form in forms), encoding="utf-8")
    return path


def village_of_kk(ctx, kk_number: str) -> tuple[object, str]:
    """(household id, current village) of the family with this KK number."""
    f, h = family_version, household_version
    stmt = (
        select(h.c.household_id, h.c.village_code)
        .join(f, f.c.household_id == h.c.household_id)
        .where(f.c.kk_index == kk_number, f.c.valid_to.is_(None), h.c.valid_to.is_(None))  # its blind index
    )
    with ctx.engine.connect() as conn:
        return tuple(conn.execute(stmt).one())


def held_codes(ctx, principal, batch_id) -> dict[str, set[tuple]]:
    return {
        form.submission_id: {(issue["question"], issue["code"]) for issue in form.issues}
        for form in service.held_forms(ctx, principal, batch_id)
    }
