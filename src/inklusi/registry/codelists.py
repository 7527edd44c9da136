"""The registry's code lists (``codelists.yaml``): Regsosek answer codes, Indonesian and English labels."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

Key = int | str


@dataclass(frozen=True)
class Code:
    key: Key
    label_id: str
    label_en: str
    question: str | None = None

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id


@dataclass(frozen=True)
class CodeList:
    name: str
    question: str | None
    codes: dict[Key, Code]
    flags: bool = False  # answers are sums of codes (Regsosek "jumlahkan kode")
    special: dict[Key, Code] | None = None

    def accepts(self, value: Key) -> bool:
        if self.special and value in self.special:
            return True
        if self.flags:
            all_flags = sum(int(key) for key in self.codes)
            return isinstance(value, int) and value > 0 and value & ~all_flags == 0
        return value in self.codes

    def label(self, value: Key, language: str = "id") -> str:
        if self.special and value in self.special:
            return self.special[value].label(language)
        if self.flags and isinstance(value, int):
            parts = [code.label(language) for key, code in self.codes.items() if value & int(key)]
            return " + ".join(parts)
        code = self.codes.get(value)
        return code.label(language) if code else str(value)


def _codes(entries: dict) -> dict[Key, Code]:
    codes = {}
    for key, entry in entries.items():
        if len(entry) == 3:  # keyed lists carry their question number: [question, id, en]
            codes[key] = Code(key, entry[1], entry[2], str(entry[0]))
        elif len(entry) == 2:
            codes[key] = Code(key, entry[0], entry[1])
        else:
            raise ValueError(f"code {key!r}: expected [label_id, label_en], got {entry!r}")
    return codes


@cache
def codelists() -> dict[str, CodeList]:
    text = (resources.files("inklusi.registry") / "codelists.yaml").read_text(encoding="utf-8")
    return {
        name: CodeList(
            name=name,
            question=spec.get("question"),
            codes=_codes(spec["codes"]),
            flags=spec.get("flags", False),
            special=_codes(spec["special"]) if "special" in spec else None,
        )
        for name, spec in yaml.safe_load(text).items()
    }


def codelist(name: str) -> CodeList:
    return codelists()[name]
