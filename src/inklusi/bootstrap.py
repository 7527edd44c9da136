"""``inklusi init``: data folder, secrets (the audit key, the master key of encryption at rest), schema (and
the data keys: migration 0019), reference data, roles and the first administrator.

Safe to run again: each step only does what is missing.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from inklusi import vault
from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.db import make_engine, migrate
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import AreaLevel

ADMIN_ORGANISATION = "Administrator Inklusi"
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class InitReport:
    data_dir: Path
    database_url: str
    area_counts: dict[AreaLevel, int]
    roles: list[str]
    admin_password: str | None  # set only when the administrator was created by this run


def write_secret(path: Path, value: str) -> bool:
    """Write ``value`` to a new file readable only by its owner; False if the file already exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return True


def init(settings: Settings, *, admin_password: str | None = None) -> InitReport:
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # it holds personal data
    settings.data_dir.chmod(0o700)  # also a folder made before, by hand or by an older version
    write_secret(settings.audit_key_file, secrets.token_hex(32))
    if settings.master_key is None:  # a master key from the environment is kept out of the data folder
        write_secret(settings.master_key_path, vault.new_master_key())
    engine = make_engine(settings.db_url)
    try:
        migrate(engine, master_key=vault.master_key(settings))
    finally:
        engine.dispose()
    ctx = Context.open(settings)
    try:
        counts = wilayah.load_reference(ctx)
        roles = [role.name for role in access.install_roles(ctx)]
        created_password = _ensure_admin(ctx, settings, admin_password)
    finally:
        ctx.close()
    return InitReport(settings.data_dir, settings.db_url, counts, roles, created_password)


def _ensure_admin(ctx: Context, settings: Settings, password: str | None) -> str | None:
    if access.organisation_id(ctx, ADMIN_ORGANISATION) is not None:
        return None
    system = Principal.system("inklusi init")
    org_id = access.create_organisation(ctx, system, ADMIN_ORGANISATION, OrganisationKind.central)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    access.create_user(
        ctx,
        system,
        username=ADMIN_USERNAME,
        password=password,
        organisation_id=org_id,
        display_name="Administrator",
        grants=[("admin", None)],
        must_change_password=generated,  # a generated password is changed at the first login
    )
    write_secret(settings.admin_password_file, password)
    return password
