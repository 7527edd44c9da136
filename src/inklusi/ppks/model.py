"""PPKS (Pemerlu Pelayanan Kesejahteraan Sosial, Permensos 8/2012): the types of the taxonomy. Pure.

A :class:`Category` is one of the 26 PPKS categories with its names and definitions in Indonesian and
English, its ATENSI cluster (Permensos 16/2020: the five rehabilitation clusters, or ``social_protection``
for the categories that social protection and empowerment serve rather than ATENSI), the ATENSI service
types it usually needs, and its sensitivity under UU 27/2022 (``sensitive``: specific personal data —
health, disability details, sex work, drug use, trafficking and violence victimhood, children in conflict
with the law; ``personal``: the rest). The categories themselves are data: ``ppks/categories.yaml``,
loaded by :mod:`inklusi.ppks.taxonomy`.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator

CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class Sensitivity(StrEnum):
    """UU 27/2022: ``sensitive`` is specific personal data (Pasal 4) or treated the same way."""

    sensitive = "sensitive"
    personal = "personal"


class AtensiCluster(StrEnum):
    """The five ATENSI clusters of social rehabilitation, and social protection for the rest."""

    children = "anak"
    persons_with_disabilities = "penyandang_disabilitas"
    older_persons = "lanjut_usia"
    social_deviance_and_trafficking = "tuna_sosial_dan_korban_perdagangan_orang"
    drug_abuse = "korban_penyalahgunaan_napza"
    social_protection = "perlindungan_sosial"  # not an ATENSI cluster: protection, assistance, empowerment

    @property
    def is_atensi(self) -> bool:
        return self is not AtensiCluster.social_protection


class ServiceType(StrEnum):
    """The ten ATENSI service types (Permensos 16/2020 and amendments)."""

    decent_living_support = "decent_living_support"  # dukungan pemenuhan hidup layak
    social_care = "social_care"  # perawatan sosial / pengasuhan anak
    family_support = "family_support"  # dukungan keluarga
    physical_therapy = "physical_therapy"  # terapi fisik
    psychosocial_therapy = "psychosocial_therapy"  # terapi psikososial
    mental_spiritual_therapy = "mental_spiritual_therapy"  # terapi mental spiritual
    vocational_training = "vocational_training"  # pelatihan vokasional
    entrepreneurship = "entrepreneurship"  # pembinaan kewirausahaan
    social_assistance = "social_assistance"  # bantuan sosial dan asistensi sosial
    accessibility_support = "accessibility_support"  # dukungan aksesibilitas


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    en: str

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.id


class Category(BaseModel):
    """One PPKS category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: Bilingual
    definition: Bilingual
    cluster: AtensiCluster
    services: tuple[ServiceType, ...]
    sensitivity: Sensitivity

    @field_validator("code")
    @classmethod
    def _snake_case(cls, code: str) -> str:
        if not CODE.match(code):
            raise ValueError(f"category code {code!r} must be lower_snake_case")
        return code

    @field_validator("services")
    @classmethod
    def _some_distinct(cls, services: tuple[ServiceType, ...]) -> tuple[ServiceType, ...]:
        if not services:
            raise ValueError("a category needs at least one service type")
        if len(set(services)) != len(services):
            raise ValueError("service types repeat")
        return services


class Cluster(BaseModel):
    """A cluster's names, and whether it is one of ATENSI's five (``atensi: false``: social protection)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: AtensiCluster
    name: Bilingual
    atensi: bool


class Service(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ServiceType
    name: Bilingual


class Taxonomy(BaseModel):
    """The categories file: its source, the clusters and service types named, and the categories, each
    code once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    clusters: tuple[Cluster, ...]
    services: tuple[Service, ...]
    categories: tuple[Category, ...]

    @field_validator("clusters")
    @classmethod
    def _every_cluster(cls, clusters: tuple[Cluster, ...]) -> tuple[Cluster, ...]:
        if sorted(c.code for c in clusters) != sorted(AtensiCluster):
            raise ValueError("name every cluster once")
        wrong = [c.code.value for c in clusters if c.atensi != c.code.is_atensi]
        if wrong:
            raise ValueError(f"atensi flag wrong for: {', '.join(wrong)}")
        return clusters

    @field_validator("services")
    @classmethod
    def _every_service(cls, services: tuple[Service, ...]) -> tuple[Service, ...]:
        if sorted(s.code for s in services) != sorted(ServiceType):
            raise ValueError("name every service type once")
        return services

    @field_validator("categories")
    @classmethod
    def _unique(cls, categories: tuple[Category, ...]) -> tuple[Category, ...]:
        codes = [c.code for c in categories]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"category codes repeat: {', '.join(repeated)}")
        return categories

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    def category(self, code: str) -> Category:
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(code)
