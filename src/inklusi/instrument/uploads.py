"""Where an uploaded file waits for its import: ``<data>/uploads/<job id>/<name>``, readable only by the
server's user (folders 0700, files 0600: uploads hold NIKs in clear), removed when its import ends, and
on start-up of the server or the command line if the process that took it in died half-way.

A waiting upload is held by a lock (``flock``) for as long as its import may still run; a folder without
a held lock belongs to no living import and is removed. Standard library only: the command line calls
:func:`remove_stale` on every start without paying for the import machinery.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
NAME_LENGTH = 100  # a file name's characters kept (the import's books keep 255; file systems 255 bytes)
LOCK = ".lock"


def private_folder(path: Path) -> Path:
    """The folder, created if missing, and readable by its owner only (also when it existed before)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def upload_folder(data_dir: Path) -> Path:
    return data_dir / "uploads"


def safe_name(file_name: str) -> str:
    """The name an upload is kept (and shown) under: letters, digits, ``._-``, at most ``NAME_LENGTH``
    characters with the extension kept, since the extension says how to read the file."""
    name = SAFE_NAME.sub("_", Path(file_name.replace("\\", "/")).name).strip("._") or "upload"
    if len(name) <= NAME_LENGTH:
        return name
    stem, dot, suffix = name.rpartition(".")
    if dot and len(suffix) <= 16:
        return stem[: NAME_LENGTH - len(suffix) - 1] + "." + suffix
    return name[:NAME_LENGTH]


@dataclass
class Upload:
    """A kept upload and the lock that keeps it while its import may run."""

    path: Path
    lock: int

    def remove(self) -> None:
        """Remove the file and its folder and let go of the lock."""
        shutil.rmtree(self.path.parent, ignore_errors=True)
        os.close(self.lock)


def keep(data_dir: Path, job_id: str, upload: BinaryIO, file_name: str) -> Upload:
    """Write the upload to its own private folder, locked; nothing is left behind if that fails."""
    folder = private_folder(upload_folder(data_dir)) / job_id
    folder.mkdir(mode=0o700)
    lock = os.open(folder / LOCK, os.O_WRONLY | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    kept = Upload(folder / safe_name(file_name), lock)
    try:
        with os.fdopen(os.open(kept.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            shutil.copyfileobj(upload, out, 1 << 20)
    except BaseException:
        kept.remove()
        raise
    return kept


def remove_stale(data_dir: Path) -> list[Path]:
    """Remove the uploads no living import holds (a server killed mid-import left them); the folders
    removed. Uploads of imports still running, in this or another process, stay."""
    root = upload_folder(data_dir)
    if not root.is_dir():
        return []
    private_folder(root)
    removed = []
    for folder in root.iterdir():
        if not folder.is_dir():
            folder.unlink(missing_ok=True)
            continue
        try:
            lock = os.open(folder / LOCK, os.O_WRONLY | os.O_CREAT, 0o600)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # an import is running on it
            os.close(lock)
            continue
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)
        removed.append(folder)
    return removed
