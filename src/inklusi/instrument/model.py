"""The instrument as data: groups of questions with types, code lists, skip logic, constraints and where
each answer goes in the registry. Loaded from ``definitions/*.yaml`` and checked by pydantic; pure."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from inklusi.registry.codelists import CodeList, codelist, codelists

QuestionType = Literal["text", "integer", "decimal", "date", "select_one", "yes_no"]
YES, NO = 1, 2
TARGET_KINDS: tuple[str, ...] = ("location", "household", "family", "person", "member", "asset", "check")
TARGET_KINDS += ("family_programme", "person_programme")


class Bilingual(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    en: str

    def __call__(self, language: str) -> str:
        return self.en if language == "en" else self.id


class Condition(BaseModel):
    """When a question is asked: ``{field: r404, in: [1, 4]}``, ``{field: r407, min: 5}``, ``{all: […]}``."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)
    field: str | None = None
    in_: tuple[int, ...] | None = Field(None, alias="in")
    min: float | None = None
    max: float | None = None
    all: tuple[Condition, ...] | None = None
    any: tuple[Condition, ...] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        if (self.field is None) == (self.all is None and self.any is None):
            raise ValueError("a condition names a field, or combines conditions with all/any")
        return self

    def holds(self, answers: dict[str, object]) -> bool:
        """Whether the question is asked, given the answers so far (an empty answer fails a test)."""
        if self.all is not None:
            return all(part.holds(answers) for part in self.all)
        if self.any is not None:
            return any(part.holds(answers) for part in self.any)
        # compared with in/min/max below as the form typed it
        value: Any = answers.get(self.field) if self.field is not None else None
        if value is None:
            return False
        return (
            (self.in_ is None or value in self.in_)
            and (self.min is None or value >= self.min)
            and (self.max is None or value <= self.max)
        )

    def fields(self) -> set[str]:
        if self.field:
            return {self.field}
        return set().union(*(part.fields() for part in (self.all or self.any or ())))


class Question(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(pattern=r"^r[0-9]{3}[a-z]?$")
    type: QuestionType
    label: Bilingual
    required: bool = False
    relevant: Condition | None = None
    codelist: str | None = None
    choices: dict[int, Bilingual] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    target: str | None = None
    guessed: bool = False  # labels not recovered from a source

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.type == "select_one" and not (self.codelist or self.choices):
            raise ValueError(f"{self.code}: a select_one needs a codelist or choices")
        if self.codelist and self.codelist not in codelists():
            raise ValueError(f"{self.code}: unknown code list {self.codelist}")
        if self.target and self.target.split(".", 1)[0] not in TARGET_KINDS:
            raise ValueError(f"{self.code}: unknown target {self.target}")
        return self

    @property
    def options(self) -> dict[int, Bilingual]:
        """The answer codes with their labels (yes/no, own choices or the registry's code list)."""
        if self.type == "yes_no":
            return {YES: Bilingual(id="Ya", en="Yes"), NO: Bilingual(id="Tidak", en="No")}
        if self.choices:
            return self.choices
        if self.codelist:
            return _codelist_options(codelist(self.codelist))
        return {}


def _codelist_options(found: CodeList) -> dict[int, Bilingual]:
    entries = {**found.codes, **(found.special or {})}
    return {int(key): Bilingual(id=code.label_id, en=code.label_en) for key, code in entries.items()}


class Group(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    label: Bilingual
    repeat: bool = False
    questions: tuple[Question, ...]


class Instrument(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    version: str
    title: Bilingual
    groups: tuple[Group, ...]

    @model_validator(mode="after")
    def _references(self) -> Instrument:
        seen: set[str] = set()
        for question in self.questions:
            if question.code in seen:
                raise ValueError(f"question {question.code} appears twice")
            if question.relevant and not question.relevant.fields() <= seen:
                missing = sorted(question.relevant.fields() - seen)
                raise ValueError(f"{question.code} depends on {missing}, which are not asked before it")
            seen.add(question.code)
        if sum(group.repeat for group in self.groups) != 1:
            raise ValueError("the instrument needs exactly one repeat group (the family members)")
        return self

    @property
    def key(self) -> str:
        return f"{self.id}/{self.version}"

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the content (not of the file's layout or comments): a change needs a new version."""
        return hashlib.sha256(self.model_dump_json(by_alias=True).encode()).hexdigest()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for group in self.groups for q in group.questions)

    @property
    def family_questions(self) -> tuple[Question, ...]:
        return tuple(q for group in self.groups if not group.repeat for q in group.questions)

    @property
    def member_questions(self) -> tuple[Question, ...]:
        return tuple(q for group in self.groups if group.repeat for q in group.questions)

    @property
    def member_group(self) -> Group:
        return next(group for group in self.groups if group.repeat)

    def question(self, code: str) -> Question:
        return next(q for q in self.questions if q.code == code)

    def targets(self, kind: str) -> dict[str, str]:
        """Question code → registry field for one kind of target (``household``, ``person``, ``asset`` …)."""
        return {
            q.code: q.target.split(".", 1)[1]
            for q in self.questions
            if q.target and q.target.split(".", 1)[0] == kind
        }


@cache
def load(name: str = "regsosek22k") -> Instrument:
    text = (resources.files("inklusi.instrument") / "definitions" / f"{name}.yaml").read_text("utf-8")
    return Instrument.model_validate(yaml.safe_load(text))


def released_fingerprints() -> dict[str, str]:
    """Instrument versions released so far (``id/version`` → fingerprint), from ``released.yaml``."""
    text = (resources.files("inklusi.instrument") / "released.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def available() -> list[str]:
    folder = resources.files("inklusi.instrument") / "definitions"
    return sorted(
        entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )
