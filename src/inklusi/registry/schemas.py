"""Wire models of the registry API (households and persons are returned as their model records)."""

from __future__ import annotations

from pydantic import BaseModel

from inklusi.registry.codelists import CodeList


class CodeOut(BaseModel):
    code: int | str
    id: str
    en: str
    question: str | None = None


class CodeListOut(BaseModel):
    question: str | None
    flags: bool
    codes: list[CodeOut]

    @classmethod
    def of(cls, codelist: CodeList) -> CodeListOut:
        entries = [*codelist.codes.values(), *(codelist.special or {}).values()]
        return cls(
            question=codelist.question,
            flags=codelist.flags,
            codes=[CodeOut(code=c.key, id=c.label_id, en=c.label_en, question=c.question) for c in entries],
        )
