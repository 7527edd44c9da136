"""Imports started from the web or the API run in the background, one at a time, so the page can show
progress. A job lives in the server's memory; the batch it writes does not depend on it: if the server
stops half-way, the batch's transaction never commits, and uploading the file again does the whole import.
The upload itself is removed when its import ends, or at the next start (:mod:`inklusi.instrument.uploads`).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Literal
from uuid import UUID

from inklusi.access.model import Permission, Principal
from inklusi.context import Context
from inklusi.errors import InklusiError, NotFound
from inklusi.i18n import Text, msg
from inklusi.ids import new_id
from inklusi.instrument import service, uploads
from inklusi.instrument.service import ImportResult

Status = Literal["queued", "running", "done", "failed"]
log = logging.getLogger(__name__)


@dataclass
class ImportJob:
    id: UUID
    owner: UUID | None
    file_name: str
    started: datetime
    status: Status = "queued"
    done: int = 0
    total: int = 0
    result: ImportResult | None = None
    error: Text | None = None
    issues: tuple = field(default_factory=tuple)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class ImportJobs:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.folder = uploads.upload_folder(ctx.settings.data_dir)
        uploads.remove_stale(ctx.settings.data_dir)
        self._jobs: dict[UUID, ImportJob] = {}
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inklusi-import")

    def start(
        self,
        principal: Principal,
        upload: BinaryIO,
        file_name: str,
        *,
        source: str | None = None,
        valid_from: datetime | None = None,
    ) -> ImportJob:
        """Keep the upload on disk and queue its import; the file is removed once the import ends."""
        principal.require(Permission.registry_write, msg("Only data stewards import enumeration data"))
        job_id = new_id()
        kept = uploads.keep(self.ctx.settings.data_dir, str(job_id), upload, file_name)
        job = ImportJob(job_id, principal.user_id, kept.path.name, datetime.now().astimezone())
        with self._lock:
            self._jobs[job.id] = job
        try:
            self._worker.submit(self._run, job, principal, kept, source, valid_from)
        except RuntimeError:  # the server is shutting down
            kept.remove()
            raise
        return job

    def get(self, principal: Principal, job_id: UUID) -> ImportJob:
        job = self._jobs.get(job_id)
        if job is None or (job.owner != principal.user_id):
            raise NotFound(msg("Import {id} not found", id=str(job_id)))
        return job

    def shutdown(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)

    def _run(
        self,
        job: ImportJob,
        principal: Principal,
        kept: uploads.Upload,
        source: str | None,
        valid_from: datetime | None,
    ) -> None:
        job.status = "running"

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            job.result = service.import_file(
                self.ctx, principal, kept.path, source=source, valid_from=valid_from, progress=progress
            )
            job.status = "done"
        except InklusiError as error:
            job.error, job.issues, job.status = error.text, error.issues, "failed"
        except Exception:  # a fault of ours: logged for the operator, never shown to the person
            log.exception("import %s of %s failed", job.id, job.file_name)
            job.error = msg("An error on the server stopped it. Tell the operator.")
            job.status = "failed"
        finally:
            kept.remove()
