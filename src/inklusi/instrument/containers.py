"""The container of an upload, checked before its forms are read: how far a ZIP may expand, that text is
UTF-8 and CSV well-formed, that JSON has the shape of forms. Each problem is an :class:`Unreadable` that says,
for the person who sent the file, which file, line or record and field broke and what was expected."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from inklusi.i18n import Text, msg

MIB = 1 << 20


class Unreadable(Exception):
    """Why a file cannot be read, in words for the person who sent it (never the reader's own error)."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


@dataclass(frozen=True)
class ReadLimits:
    """How far a compressed upload may expand: a ZIP bomb is refused before it fills memory or disk.
    The ratio applies once the content passes ``RATIO_FLOOR`` (small files compress unevenly)."""

    max_unpacked_bytes: int = 1024 * MIB
    max_ratio: int = 100


RATIO_FLOOR = 16 * MIB
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _kind(value: object) -> str:
    """What a JSON value is, written as JSON writes it (the same in every language)."""
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, str):
        return '"…"'
    return "null" if value is None else "true/false" if isinstance(value, bool) else "123"


def form(record: object, repeat: str, path: Path, where: str, number: int) -> tuple[dict, list[dict]]:
    """One form of a JSON file, checked for shape: an object of single answers, its members (under
    ``members`` or the repeat's name) a list of such objects. ``where`` is ``line`` or ``record``."""
    if not isinstance(record, dict):
        raise Unreadable(_shape(where, path, number, "", record))
    nested = [key for key in record if key == "members" or key.split("/")[-1] == repeat]
    members = record.get(nested[0]) if nested else None
    if members is None:
        members = []
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        found = (
            members if not isinstance(members, list) else next(m for m in members if not isinstance(m, dict))
        )
        raise Unreadable(_shape(where, path, number, nested[0], found))
    for answers, prefix in ((record, ""), *((m, f"{nested[0]}[{i}].") for i, m in enumerate(members, 1))):
        for key, value in answers.items():
            if key not in nested and isinstance(value, dict | list):
                raise Unreadable(_shape(where, path, number, prefix + key, value, answer=True))
    return record, members


def _shape(where: str, path: Path, number: int, field: str, found: object, *, answer: bool = False) -> Text:
    kind = _kind(found)
    if answer:
        if where == "line":
            return msg(
                "{file}, line {number}, {field}: expected a single answer (text or a number), found {kind}",
                file=path.name,
                number=number,
                field=field,
                kind=kind,
            )
        return msg(
            "{file}, record {number}, {field}: expected a single answer (text or a number), found {kind}",
            file=path.name,
            number=number,
            field=field,
            kind=kind,
        )
    if field:
        if where == "line":
            return msg(
                "{file}, line {number}: {field} must be a list of members, each a JSON object; found {kind}",
                file=path.name,
                number=number,
                field=field,
                kind=kind,
            )
        return msg(
            "{file}, record {number}: {field} must be a list of members, each a JSON object; found {kind}",
            file=path.name,
            number=number,
            field=field,
            kind=kind,
        )
    if where == "line":
        return msg(
            "{file}, line {number}: expected one form as a JSON object {{…}}, found {kind}",
            file=path.name,
            number=number,
            kind=kind,
        )
    return msg(
        "{file}, record {number}: expected one form as a JSON object {{…}}, found {kind}",
        file=path.name,
        number=number,
        kind=kind,
    )


def is_zip(path: Path) -> bool:
    """By its name or its first bytes: a ZIP cut short is still a ZIP (a damaged one)."""
    if path.suffix.lower() == ".zip":
        return True
    with path.open("rb") as handle:
        return handle.read(4) in ZIP_MAGIC


def zip_texts(path: Path, limits: ReadLimits) -> dict[str, str]:
    """The CSV files of a ZIP archive, refusing one that expands past the limits (the sizes its header
    declares are checked first, then the bytes actually unpacked, since a header can lie)."""
    packed = max(path.stat().st_size, 1)
    budget = min(limits.max_unpacked_bytes, max(packed * limits.max_ratio, RATIO_FLOOR))
    too_big = msg(
        "{file} expands to more than {mb} MB: refused as a possible ZIP bomb (see the import size settings)",
        file=path.name,
        mb=budget // MIB,
    )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = [i for i in archive.infolist() if i.filename.endswith(".csv") and not i.is_dir()]
            if sum(i.file_size for i in entries) > budget:
                raise Unreadable(too_big)
            texts, unpacked = {}, 0
            for entry in entries:
                chunks = []
                with archive.open(entry) as handle:
                    while block := handle.read(MIB):
                        unpacked += len(block)
                        if unpacked > budget:
                            raise Unreadable(too_big)
                        chunks.append(block)
                texts[entry.filename] = decode(b"".join(chunks), path, entry.filename)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ):
        raise Unreadable(
            msg("{file} is a damaged ZIP archive (cut short or not a ZIP): export it again", file=path.name)
        ) from None
    if not texts:
        raise Unreadable(msg("{file}: the ZIP archive holds no CSV file", file=path.name))
    return texts


def decode(data: bytes, path: Path, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(msg("{file} ({name}) is not UTF-8 text", file=path.name, name=name)) from None


def csv_rows(text: str, path: Path, name: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        return list(reader)
    except csv.Error:
        raise Unreadable(
            msg(
                "{file} ({name}), line {line}: not valid CSV (broken quotes, a NUL byte or a field "
                "over 128 KB)",
                file=path.name,
                name=name,
                line=reader.line_num,
            )
        ) from None
