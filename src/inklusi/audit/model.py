"""The audit chain: what an entry holds, how it is hashed, and how a chain is checked. Pure rules.

Each entry's ``hash`` is HMAC-SHA256, under a key kept outside the database, over the previous entry's hash
and the entry's canonical JSON. Editing an entry breaks its own hash; deleting one breaks the link of the
entry after it; moving one breaks links where it left and where it landed. Without the key nobody can
rewrite the chain to hide that. Deleting entries at the very end leaves no break: ``inklusi audit verify``
therefore publishes the head it saw (an :class:`Anchor`, in a file the operator chooses) and checks on the
next run that the chain still holds it.

What goes into the log is bounded (:func:`bounded_detail`): every text is capped, so nobody can write a
megabyte into a log that can never be deleted, and every NIK or KK number (16 digits) in an entry's detail
is stored as a keyed hash (:func:`number_pseudonym`): an auditor who knows a number can still find out
whether it was searched, by hashing it with the installation's key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol, overload
from uuid import UUID

from inklusi.i18n import Text, msg

GENESIS = "0" * 64


class Purpose(StrEnum):
    """Why personal data was read or written (UU 27/2022: purpose limitation)."""

    registry_view = "registry_view"
    registry_update = "registry_update"
    data_stewardship = "data_stewardship"
    case_management = "case_management"
    programme_targeting = "programme_targeting"
    administration = "administration"
    authentication = "authentication"
    audit_review = "audit_review"
    data_sharing = "data_sharing"  # a partner's request under an agreement (its purpose in the detail)
    statistics_release = "statistics_release"  # released (protected) aggregate tables
    subject_rights = "subject_rights"  # a data subject's request (UU 27/2022 Pasal 5–13)
    breach_response = "breach_response"  # investigating what a credential or user read


@dataclass(frozen=True)
class Actor:
    """Who acted: a user of an organisation, or the system itself (``user_id`` None)."""

    user_id: UUID | None
    name: str
    organisation_id: UUID | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(None, name, None)


AUDIT_READ = "audit:read"  # the permission to read the log (``access.model.Permission.audit_read``)


class Reader(Protocol):
    """Who reads the log: a principal of the access slice, which the audit core (depending on no other
    slice) knows only by what it asks of it: who is acting, and to show a permission (``require`` raises
    ``Forbidden`` when it is not held)."""

    @property
    def actor(self) -> Actor: ...

    def require(self, permission: Any, /) -> object: ...


@dataclass(frozen=True)
class Entry:
    """One stored row of the log."""

    seq: int
    at: datetime
    actor_id: UUID | None
    actor_name: str
    organisation_id: UUID | None
    action: str
    object_type: str
    object_id: str | None
    area_code: str | None
    purpose: str
    detail: str
    prev_hash: str
    hash: str


def canonical_detail(detail: Mapping[str, object]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(key: bytes, prev_hash: str, entry: Entry) -> str:
    """The hash an entry must carry; ``seq`` is not part of it (order is the chain's job)."""
    body = json.dumps(
        [
            entry.at.isoformat(),
            str(entry.actor_id) if entry.actor_id else None,
            entry.actor_name,
            str(entry.organisation_id) if entry.organisation_id else None,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.area_code,
            entry.purpose,
            entry.detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hmac.new(key, f"{prev_hash}\n{body}".encode(), hashlib.sha256).hexdigest()


Problem = Literal["edited", "deleted", "reordered", "truncated"]


@dataclass(frozen=True)
class Finding:
    problem: Problem
    seq: int  # the first entry where the chain does not hold
    linked_seq: int | None = None  # for "reordered": where the entry it was chained to now sits

    def describe(self) -> Text:
        if self.problem == "edited":
            return msg("Entry {seq} was edited: its content no longer matches its hash", seq=self.seq)
        if self.problem == "truncated":
            return msg(
                "Entries were deleted from the end of the log: entry {seq}, the head published by the "
                "last check, is gone",
                seq=self.seq,
            )
        if self.problem == "deleted":
            return msg(
                "Entries were deleted just before entry {seq}: its link points to nothing", seq=self.seq
            )
        return msg(
            "Entry {seq} is out of place: it was chained after the entry now at {linked}",
            seq=self.seq,
            linked=self.linked_seq,
        )


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    finding: Finding | None
    head_seq: int | None
    head_hash: str

    @property
    def intact(self) -> bool:
        return self.finding is None


def check_chain(entries: Iterable[Entry], key: bytes, locate: Callable[[str], int | None]) -> ChainCheck:
    """Walk the log in ``seq`` order and report the first entry that was edited, deleted or moved.

    ``locate(hash)`` answers where (which seq) an entry with that hash sits now, if anywhere.
    """
    expected_prev, count, head_seq = GENESIS, 0, None
    for entry in entries:
        count += 1
        if entry_hash(key, entry.prev_hash, entry) != entry.hash:
            return ChainCheck(count, Finding("edited", entry.seq), head_seq, expected_prev)
        if entry.prev_hash != expected_prev:
            elsewhere = locate(entry.prev_hash)
            finding = (
                Finding("deleted", entry.seq)
                if elsewhere is None
                else Finding("reordered", entry.seq, elsewhere)
            )
            return ChainCheck(count, finding, head_seq, expected_prev)
        expected_prev, head_seq = entry.hash, entry.seq
    return ChainCheck(count, None, head_seq, expected_prev)


@dataclass(frozen=True)
class Anchor:
    """The head of the chain as one check saw it, published outside the database."""

    entries: int
    seq: int | None
    hash: str
    at: datetime


def check_anchor(check: ChainCheck, anchor: Anchor, locate: Callable[[str], int | None]) -> ChainCheck:
    """The chain must still hold the head published before: otherwise its end was cut off."""
    if check.finding is not None or anchor.seq is None:
        return check
    if locate(anchor.hash) != anchor.seq or check.entries < anchor.entries:
        return replace(check, finding=Finding("truncated", anchor.seq))
    return check


# What one entry may hold: texts, lists and the whole detail are capped.
FIELD_LIMITS = {"actor_name": 120, "action": 40, "object_type": 40, "object_id": 64, "area_code": 13}
MAX_TEXT = 500
MAX_ITEMS = 1000
MAX_DETAIL = 100_000
# 16 digits, perhaps spaced as people type them, not inside a longer code (hashes, UUIDs)
_NUMBER = re.compile(r"(?<![0-9A-Za-z-])[0-9](?: ?[0-9]){15}(?![0-9A-Za-z-])")


@overload
def cap(value: str, limit: int) -> str: ...
@overload
def cap(value: None, limit: int) -> None: ...
def cap(value: str | None, limit: int) -> str | None:
    if value is None or len(value) <= limit:
        return value
    marker = f"…[+{len(value) - limit}]"
    return value[: max(0, limit - len(marker))] + marker


def number_key(audit_key: bytes) -> bytes:
    """The key for numbers in the log: derived from the audit key, so it too lives outside the database."""
    return hmac.new(audit_key, b"inklusi audit: NIK and KK numbers", hashlib.sha256).digest()


def number_pseudonym(key: bytes, number: str) -> str:
    """What the log holds for a NIK or KK number (spaces ignored)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return "hmac:" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:32]


def _bounded(value: object, key: bytes) -> object:
    if isinstance(value, str):
        return cap(_NUMBER.sub(lambda match: number_pseudonym(key, match.group()), value), MAX_TEXT)
    if isinstance(value, Mapping):
        return {cap(str(name), 100): _bounded(item, key) for name, item in list(value.items())[:MAX_ITEMS]}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        kept = [_bounded(item, key) for item in items[:MAX_ITEMS]]
        return kept + ([f"…[+{len(items) - MAX_ITEMS}]"] if len(items) > MAX_ITEMS else [])
    return value


def bounded_detail(detail: Mapping[str, object], key: bytes) -> str:
    """An event's detail as stored: numbers pseudonymised, texts and lists capped, canonical JSON."""
    text = canonical_detail(_bounded(detail, key))  # type: ignore[arg-type]
    if len(text) > MAX_DETAIL:
        text = canonical_detail({"truncated": True, "chars": len(text), "keys": sorted(detail)[:100]})
    return text


# --- Reading the log: what an auditor looks for (issue 11 #5) --------------------------------------


@dataclass(frozen=True)
class LogQuery:
    """What an auditor looks for in the log. Every criterion narrows the search; ``None`` matches all.

    ``action`` matches an action or a family of them ("person" matches "person.read" and "person.update");
    ``object_id`` matches the object of an entry whatever its type (a person's or a household's id);
    ``since`` is inclusive, ``until`` exclusive.
    """

    actor: str | None = None
    organisation_id: UUID | None = None
    action: str | None = None
    object_id: str | None = None
    purpose: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def described(self) -> dict[str, object]:
        """The criteria that were set, for the audit entry that records the search itself."""
        values = {
            "actor": self.actor,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_id": self.object_id,
            "purpose": self.purpose,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class LogPage:
    """Entries newest first, and the cursors to the pages around them (``None``: nothing there)."""

    entries: list[Entry]
    older: int | None  # pass as ``before`` for the next older page
    newer: int | None  # pass as ``after`` for the next newer page
