"""Settings, read from the environment (prefix ``INKLUSI_``) or a ``.env`` file.

Nothing here touches the disk or the network: the data folder, database and secrets are created by
``inklusi init`` (see :mod:`inklusi.bootstrap`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INKLUSI_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("inklusi-data"), description="Folder for the database and secrets")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file inklusi.db in the data folder"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    language: Literal["id", "en"] = "id"
    token_ttl_minutes: int = Field(30, ge=1, le=24 * 60, description="Lifetime of API tokens")
    session_ttl_minutes: int = Field(8 * 60, ge=5, le=24 * 60, description="Lifetime of a web login")
    cookie_secure: bool = Field(True, description="Send the session cookie only over HTTPS (or localhost)")
    timezone: str = Field("Asia/Jakarta", description="Time zone for times shown to people (WIB)")
    sql_echo: bool = False
    analytics_backend: Literal["duckdb", "pyspark"] = Field(
        "duckdb",
        description="Engine for scoring and ranking: DuckDB in process, or PySpark (local or a cluster)",
    )
    import_max_unpacked_mb: int = Field(
        1024, ge=1, description="Most an uploaded ZIP may expand to when read, in MB (a ZIP bomb is refused)"
    )
    import_max_unpack_ratio: int = Field(
        100, ge=2, description="Most an uploaded ZIP may expand relative to its size, past 16 MB unpacked"
    )
    analytics_memory_limit: str | None = Field(
        None, description="DuckDB memory limit for analytics jobs, e.g. '4GB' (default: DuckDB's own)"
    )
    login_max_failures: int = Field(
        5, ge=1, description="Failed logins of one account (known or not) before it is locked for a while"
    )
    login_max_failures_per_address: int = Field(
        20, ge=1, description="Failed logins from one client address before it is locked for a while"
    )
    login_window_minutes: int = Field(15, ge=1, description="Failed logins count within this many minutes")
    login_lockout_minutes: int = Field(15, ge=1, description="How long a locked account or address waits")
    ppks_threshold_sensitive: int = Field(
        10, ge=1, description="Smallest count of a sensitive PPKS category published in the aggregates"
    )
    ppks_threshold_personal: int = Field(
        5, ge=1, description="Smallest count of any other PPKS category published in the aggregates"
    )
    cases_break_glass_hours: int = Field(
        4, ge=1, le=72, description="Longest break-the-glass access to a case, in hours (and the default)"
    )
    master_key: SecretStr | None = Field(
        None,
        description="The master key that wraps the data keys of encryption at rest (64 hexadecimal digits); "
        "default: read from the master key file",
    )
    master_key_file: Path | None = Field(
        None, description="The master key's file (default: master.key in the secrets folder, mode 0600)"
    )
    audit_anchor_file: Path | None = Field(
        None,
        description="Where `inklusi audit verify` publishes the chain's head and checks it next time "
        "(default: audit-anchor.json in the secrets folder)",
    )

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'inklusi.db').as_posix()}"

    @property
    def secrets_dir(self) -> Path:
        return self.data_dir / "secrets"

    @property
    def audit_key_file(self) -> Path:
        return self.secrets_dir / "audit.key"

    @property
    def master_key_path(self) -> Path:
        return self.master_key_file or self.secrets_dir / "master.key"

    @property
    def admin_password_file(self) -> Path:
        return self.secrets_dir / "initial-admin-password"
