"""What the server writes to its logs: uvicorn's own configuration, with NIK and KK numbers taken out.

A URL's query can hold a NIK or a KK number (``/api/v1/persons/search?nik=…``), and uvicorn's access log
writes every URL. Each handler of :func:`server_log_config` passes its records through
:class:`RedactNumbers`, which replaces any 16-digit number (also written with dots, spaces or dashes
between its digits, as people type them) by ``[NIK/KK]`` before the line is formatted.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

# 16 digits (PP RR DD DDMMYY NNNN), with a dot, space, dash or URL-encoded space between any two of them
NUMBER = re.compile(r"(?<!\d)(?:\d(?:[.\s-]|%20|\+)?){15}\d(?!\d)")
REDACTED = "[NIK/KK]"


def redact(text: str) -> str:
    return NUMBER.sub(REDACTED, text)


def _redacted(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactNumbers(logging.Filter):
    """Takes NIK and KK numbers out of a record's message and arguments (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {name: _redacted(arg) for name, arg in record.args.items()}
        return True


def server_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`RedactNumbers` on every handler."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"numbers": {"()": RedactNumbers}}
    for handler in config["handlers"].values():
        handler["filters"] = ["numbers"]
    return config
