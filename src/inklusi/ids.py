"""Stable, time-ordered identifiers: UUID version 7 (RFC 9562).

The first 48 bits are the Unix time in milliseconds, so IDs sort by creation time and index well; the next
12 bits are a counter that keeps IDs made in the same millisecond in order (RFC 9562, method 1); the rest is
random. Python gains ``uuid.uuid7`` only in 3.14. The random bits come from a generator seeded from the
operating system: IDs must be unique, not secret (no access depends on an ID being unguessable), and a
system call per ID would cost more than the rest of a bulk load's bookkeeping.
"""

from __future__ import annotations

import os
import random
import threading
import time
from uuid import UUID

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_random = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _random.seed(os.urandom(32)))  # children must not repeat us


def new_id() -> UUID:
    return new_ids(1)[0]


def new_ids(count: int) -> list[UUID]:
    """``count`` new ids in order (one lock and clock reading for the lot: bulk writes make many)."""
    global _last_ms, _counter
    values = []
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms > _last_ms:
            _last_ms, _counter = ms, _random.getrandbits(10) - 1  # leave room to count up
        for _ in range(count):
            _counter += 1
            if _counter > 0xFFF:  # counter overflow: borrow the next millisecond
                _last_ms, _counter = _last_ms + 1, 0
            values.append(
                (_last_ms << 80) | (0x7 << 76) | (_counter << 64) | (0b10 << 62) | _random.getrandbits(62)
            )
    return [UUID(int=value) for value in values]


def id_time_ms(value: UUID) -> int:
    """The creation time in Unix milliseconds that a UUIDv7 carries."""
    return value.int >> 80
