"""Who / where / what, once per identification run: the cube over the run's flags (candidate or verified)
and its snapshot, protected (:func:`inklusi.ppks.publication.publish`) and stored; and :func:`summary`, an
area's stored tables as the caller may see them. A request never recomputes.

Reads of the summary are not audited: they are protected aggregates with no person in them, like welfare's
decile counts (``welfare.service.decile_summary``); an export of them will be."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from uuid import UUID

import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.access.model import Permission, Principal
from inklusi.analytics.engine import Engine
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import Forbidden, Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ppks import store
from inklusi.ppks.aggregates import (
    MEASURES,
    NATIONAL,
    UNKNOWN,
    person_rows,
    rollup,
    snapshot_programmes,
    village_cube,
)
from inklusi.ppks.model import Sensitivity
from inklusi.ppks.needs import needs_profile
from inklusi.ppks.publication import ALL, BREAKDOWN_LEVELS, CHILD_AREA, Thresholds, publish
from inklusi.ppks.summary import (
    LEVEL_NAMES,
    Summary,
    SummaryTable,
    child_level,
    level_of,
    level_tables,
    slices_of,
    tables,
)
from inklusi.ppks.taxonomy import categories
from inklusi.registry.service import SnapshotFiles
from inklusi.wilayah import service as wilayah

Progress = Callable[..., None]  # progress(text, done=0, total=None)
FLAG_SCHEMA = pa.schema([("person_id", pa.string()), ("category", pa.string()), ("status", pa.string())])
WRITE_CELLS = 50_000
MAX_DEPTH = 2  # levels below the area a listing may reach (a province's villages: ask per regency)


def thresholds_of(ctx: Context) -> Thresholds:
    """The thresholds the settings ask for (``INKLUSI_PPKS_THRESHOLD_SENSITIVE`` and ``…_PERSONAL``)."""
    return Thresholds(ctx.settings.ppks_threshold_sensitive, ctx.settings.ppks_threshold_personal)


# --- Computing and storing, at the end of a run ----------------------------------------------------


def export_flags(conn, path: Path) -> Path:
    """The current candidate and verified flags (just written by the run) as Parquet, for the engine."""
    with pq.ParquetWriter(path, FLAG_SCHEMA) as writer:
        writer.write_table(FLAG_SCHEMA.empty_table())
        for part in store.live_flags(conn):
            columns = {
                "person_id": [str(row[0]) for row in part],
                "category": [row[1] for row in part],
                "status": [row[2] for row in part],
            }
            writer.write_table(pa.table(columns, schema=FLAG_SCHEMA))
    return path


def publish_run(
    ctx: Context,
    engine: Engine,
    run_id: UUID,
    snapshot: SnapshotFiles,
    deciles: Path | None,
    flags: Path,
    *,
    thresholds: Thresholds,
    progress: Progress,
    services: pa.Table | None = None,
) -> int:
    """Compute the run's cube, protect it and store it; returns the cells stored. ``services``:
    ``person_id``, ``service_type`` of the ATENSI services recorded for people (case management), which
    meet needs as the programmes do."""
    progress(msg("Computing the PPKS aggregates"))
    # people outside households carry their area (village or district) as the cube reads it
    persons = engine.read_parquet(snapshot.persons).rename(village_code="area_code")
    households = engine.read_parquet(snapshot.households)
    ranks = engine.read_parquet(deciles) if deciles is not None else None
    profile = needs_profile()
    rows = person_rows(
        engine.read_parquet(flags),
        persons,
        households,
        ranks,
        profile,
        as_of=snapshot.taken_at.date(),
        programmes=snapshot_programmes(persons, engine.read_parquet(snapshot.families), profile),
        services=engine.table(services, "ppks_services") if services is not None and len(services) else None,
    )
    cube = engine.to_arrow(rollup(engine.materialise(village_cube(rows), "ppks_villages")))
    progress(msg("Protecting the published figures (small cells suppressed)"))
    published = publish(cube, categories(), thresholds)
    step = msg("Storing the PPKS publication")
    progress(step, 0, published.num_rows)
    with ctx.transaction() as conn:
        header = {
            "run_id": run_id,
            "computed_at": utcnow(),
            "threshold_sensitive": thresholds.sensitive,
            "threshold_personal": thresholds.personal,
            "measures": json.dumps(list(MEASURES)),
            "breakdowns": json.dumps(list(BREAKDOWN_LEVELS)),
            "cells": published.num_rows,
        }
        store.insert_publication(conn, header)
        done = 0
        for batch in published.to_batches(WRITE_CELLS):
            columns = batch.to_pydict()
            store.insert_cells(conn, {"run_id": [run_id] * batch.num_rows, **columns})
            done += batch.num_rows
            progress(step, done, published.num_rows)
    return published.num_rows


# --- Reading ---------------------------------------------------------------------------------------


def _invalid(field: str, text) -> Invalid:
    return Invalid(text, [Issue(field, "invalid", text)])


def _area(ctx: Context, area: str | None) -> str:
    if area is None or area.strip().upper() == NATIONAL:
        return NATIONAL
    code = area.strip()
    if issues := wilayah.check_code(ctx, code, "area"):
        raise Invalid(issues[0].text, issues)
    return code


def _measures(measures: Sequence[str] | None, stored: Sequence[str]) -> tuple[str, ...]:
    if measures is None:
        return tuple(stored)
    wrong = [m for m in measures if m not in stored]
    if wrong or not measures:
        text = msg("Unknown measures: {names}; use {known}", names=", ".join(wrong), known=", ".join(stored))
        raise _invalid("measure", text)
    return tuple(dict.fromkeys(measures))


def _list_level(level: str | None, own: str) -> str | None:
    if level is None:
        return None
    deeper = LEVEL_NAMES[LEVEL_NAMES.index(own) + 1 :]
    if level not in deeper:
        text = msg("A {level} has no {below} inside it; use one of: {known}", level=own, below=level,
                   known=", ".join(deeper) or "-")  # fmt: skip
        raise _invalid("level", text)
    if deeper.index(level) >= MAX_DEPTH:
        text = msg("Listing every {below} of a {level} is too large: choose an area nearer to it",
                   below=level, level=own)  # fmt: skip
        raise _invalid("level", text)
    return level


def summary(
    ctx: Context,
    principal: Principal,
    area: str | None = None,
    *,
    level: str | None = None,
    measures: Sequence[str] | None = None,
    purpose: Purpose = Purpose.programme_targeting,
) -> Summary:
    """The latest publication's tables of ``area`` (``None``: the nation) as the caller may see them;
    with ``level``, also the ``level`` slice: every area of that level inside ``area``.

    Needs ``ppks:read`` covering the area. Sensitive categories and the ``all`` rows only with
    ``ppks:sensitive`` covering it. ``purpose`` is for the audited exports to come (reads are not)."""
    principal.require(Permission.ppks_read)
    code = _area(ctx, area)
    scoped = None if code == NATIONAL else code
    if not principal.can(Permission.ppks_read, scoped):
        if scoped is None:
            raise Forbidden(msg("You may see vulnerable groups (PPKS) only in your areas, not nationwide"))
        raise Forbidden(msg("You may not see vulnerable groups (PPKS) in area {code}", code=code))
    own = level_of(code)
    listed = _list_level(level, own)
    sensitive = principal.can(Permission.ppks_sensitive, scoped)
    visible = tuple(c.code for c in categories() if sensitive or c.sensitivity is Sensitivity.personal)
    hidden = () if sensitive else (*(c.code for c in categories() if c.code not in visible), ALL)
    with ctx.transaction(readonly=True) as conn:
        found = store.publications(conn)
        if not found:
            raise NotFound(msg("No PPKS aggregates yet: run `inklusi ppks identify`"))
        latest = found[0]
        chosen = _measures(measures, json.loads(latest["measures"]))
        parts = [_read(conn, header, code, listed, hidden, chosen, visible) for header in found]
    return Summary(
        run_id=latest["run_id"],
        computed_at=latest["computed_at"],
        reference_date=latest["reference_date"],
        area_code=code,
        level=own,
        child_level=child_level(own),
        categories=visible,
        thresholds=Thresholds(latest["threshold_sensitive"], latest["threshold_personal"]),
        tables=parts[0],
        previous_run_id=found[1]["run_id"] if len(found) > 1 else None,
        previous=parts[1] if len(parts) > 1 else (),
        measures=chosen,
        list_level=listed,
        sensitive=sensitive,
    )


def _read(
    conn,
    header,
    code: str,
    listed: str | None,
    hidden: tuple[str, ...],
    measures: tuple[str, ...],
    visible: tuple[str, ...],
) -> tuple[SummaryTable, ...]:
    """One publication's tables of the area (one index range), and its ``level`` slice if asked for."""
    run, own = header["run_id"], level_of(code)
    rows = store.cells(conn, run, [code], hidden=hidden, measures=measures)
    found = tables(rows, slices_of(own, json.loads(header["breakdowns"])), measures, visible)
    if listed is None:
        return found
    direct = child_level(own) == listed
    if direct:
        children = [row for row in rows if row[1] == CHILD_AREA]
    else:  # drill down through the stored child area codes to the areas one level above ``listed``
        parents = [code]
        for _ in range(LEVEL_NAMES.index(listed) - LEVEL_NAMES.index(own) - 1):
            parents = (
                store.child_codes(conn, run, parents, json.loads(header["measures"])[0]) if parents else []
            )
        keys = (ALL, UNKNOWN)
        children = store.cells(conn, run, parents, hidden=hidden, measures=measures, slice_=CHILD_AREA,
                               keys_hidden=keys) if parents else []  # fmt: skip
    return (*found, *level_tables(children, rows, direct, measures, visible))
