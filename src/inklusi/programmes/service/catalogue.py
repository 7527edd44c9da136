"""The programmes a planner works with: the specifications shipped with Inklusi (``specs/*.yaml``) and the
ones stored in the database, a row per version. Storing a specification that differs from the newest
version of its name makes a new version (nothing is overwritten: scenarios and lists name the version they
were made with); storing one that changes nothing returns the version already there."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import NotFound
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.programmes import store
from inklusi.programmes.service.views import ProgrammeInfo
from inklusi.programmes.spec import ProgrammeSpec, load_programme, shipped_programmes, spec_from_json


def _shipped() -> dict[str, ProgrammeSpec]:
    loaded = (load_programme(name) for name in shipped_programmes())
    return {spec.name: spec for spec in loaded}


def _content(spec: ProgrammeSpec) -> str:
    """The specification without its version: what "changed" compares."""
    return spec.model_copy(update={"version": 0}).model_dump_json()


def _stored(row: RowMapping, shipped: dict[str, ProgrammeSpec]) -> ProgrammeInfo:
    return ProgrammeInfo(
        name=row["name"],
        version=row["version"],
        label_id=row["label_id"],
        label_en=row["label_en"],
        spec=spec_from_json(row["spec"]),
        shipped=row["name"] in shipped,
        id=row["id"],
        created_at=row["created_at"],
    )


def _shipped_info(spec: ProgrammeSpec) -> ProgrammeInfo:
    return ProgrammeInfo(spec.name, spec.version, spec.label.id, spec.label.en, spec, shipped=True)


def _latest(rows: list[RowMapping], shipped: dict[str, ProgrammeSpec]) -> list[ProgrammeInfo]:
    found = {row["name"]: _stored(row, shipped) for row in rows}
    for name, spec in shipped.items():
        if name not in found or found[name].version < spec.version:
            found[name] = _shipped_info(spec)
    return [found[name] for name in sorted(found)]


def list_programmes(ctx: Context, principal: Principal) -> list[ProgrammeInfo]:
    """The shipped specifications and the stored ones, the newest version of each name."""
    principal.require(Permission.programmes_read)
    shipped = _shipped()
    with ctx.transaction(readonly=True) as conn:
        rows = store.latest_programmes(conn)
    return _latest(rows, shipped)


def get_programme(ctx: Context, principal: Principal, name: str) -> ProgrammeInfo:
    """The newest version of the programme ``name`` (NotFound for an unknown name)."""
    principal.require(Permission.programmes_read)
    shipped = {k: v for k, v in _shipped().items() if k == name}
    with ctx.transaction(readonly=True) as conn:
        rows = store.latest_programmes(conn, name)
    found = _latest(rows, shipped)
    if not found:
        raise NotFound(msg("No programme {name}", name=name))
    return found[0]


def programme_of_id(conn: Connection, programme_id: UUID) -> ProgrammeInfo:
    row = store.programme_by_id(conn, programme_id)
    if row is None:
        raise NotFound(msg("No programme {name}", name=str(programme_id)))
    return _stored(row, _shipped())


def store_in(ctx: Context, conn: Connection, principal: Principal, spec: ProgrammeSpec) -> ProgrammeInfo:
    """The stored version holding ``spec``'s content: the newest one if it is the same, else a new
    version (at least ``spec.version``, above every version of the name stored or shipped); audited when
    a version is written."""
    shipped = _shipped()
    rows = store.latest_programmes(conn, spec.name)
    newest = _stored(rows[0], shipped) if rows else None
    if newest is not None and _content(newest.spec) == _content(spec):
        return newest
    same = store.programme_version(conn, spec.name, spec.version)
    if same is not None and _content(_stored(same, shipped).spec) == _content(spec):
        return _stored(same, shipped)
    base = max([newest.version if newest else 0] + [s.version for n, s in shipped.items() if n == spec.name])
    version = spec.version
    if newest is not None or (spec.name in shipped and _content(shipped[spec.name]) != _content(spec)):
        version = max(spec.version, base + 1)
    stored = spec.model_copy(update={"version": version})
    row = {
        "id": new_id(),
        "name": stored.name,
        "version": version,
        "spec": stored.model_dump_json(),
        "label_id": stored.label.id,
        "label_en": stored.label.en,
        "created_at": utcnow(),
        "actor_id": principal.user_id,
    }
    store.insert_programme(conn, row)
    event = Event(
        kind=events.PROGRAMME_SAVE,
        actor=principal.actor,
        purpose=Purpose.programme_targeting,
        object_id=str(row["id"]),
        detail={"name": stored.name, "version": version},
    )
    audit.record(ctx, conn, event)
    written = store.programme_by_id(conn, row["id"])
    assert written is not None  # inserted in this transaction
    return _stored(written, shipped)


def save_programme(ctx: Context, principal: Principal, spec: ProgrammeSpec) -> ProgrammeInfo:
    """Store ``spec`` (``programmes:manage``): a new version when it changed, else the version there."""
    principal.require(Permission.programmes_manage)
    with ctx.transaction() as conn:
        return store_in(ctx, conn, principal, spec)
