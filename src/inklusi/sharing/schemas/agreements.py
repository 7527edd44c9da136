"""Request bodies of ``/api/v1/sharing/agreements`` and ``/api/v1/sharing/clients``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from inklusi.ppks.model import Sensitivity
from inklusi.sharing.model import FIELDS, Agreement, AgreementInfo, AgreementTerms, Operation, Transform


class AgreementDraft(BaseModel):
    """An agreement's terms (``docs/sharing-core.md``): the partner organisation, what for and on what
    legal basis, the operations with their daily quotas, the row scope, the field allow-list with a
    transform per field, the sensitivity ceiling, the validity and the retention."""

    organisation_id: UUID
    name: str = Field(max_length=120)
    purpose: str = Field(max_length=2000)
    legal_basis: str = Field(max_length=2000)
    operations: dict[Operation, int] = Field(description="operation -> rows a day", max_length=5)
    areas: list[str] = Field(default_factory=list, max_length=100, description="[]: nationwide")
    deciles: list[int] = Field(default_factory=list, max_length=10, description="[]: any")
    ppks_categories: list[str] = Field(default_factory=list, max_length=30, description="[]: no PPKS filter")
    fields: dict[str, Transform] = Field(description="field -> transform (the allow-list)", max_length=30)
    sensitivity_ceiling: Sensitivity = Sensitivity.personal
    valid_from: date
    valid_to: date
    retention_days: int = Field(365, ge=0, le=100_000)
    rate_per_minute: int = Field(60, ge=0, le=1_000_000)

    def terms(self) -> AgreementTerms:
        return AgreementTerms(
            organisation_id=self.organisation_id,
            name=self.name,
            purpose=self.purpose,
            legal_basis=self.legal_basis,
            operations=dict(self.operations),
            areas=tuple(self.areas),
            deciles=tuple(self.deciles),
            ppks_categories=tuple(self.ppks_categories),
            fields=dict(self.fields),
            sensitivity_ceiling=self.sensitivity_ceiling,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            retention_days=self.retention_days,
            rate_per_minute=self.rate_per_minute,
        )


class Revocation(BaseModel):
    reason: str = Field(max_length=2000)


class ClientRequest(BaseModel):
    agreement_id: UUID
    name: str = Field(max_length=120)


class ClientKeysIn(BaseModel):
    """A partner's JWKS (its public keys, for signed DCI requests) and callback URL; null clears one."""

    jwks: dict[str, Any] | None = None
    callback_url: str | None = Field(None, max_length=500)


# --- Answers ----------------------------------------------------------------------------------------------


def agreement_out(agreement: Agreement) -> dict[str, Any]:
    data = asdict(agreement)
    data["operations"] = {o.value: q for o, q in agreement.operations.items()}
    data["fields"] = {f: t.value for f, t in agreement.fields.items()}
    return data


def info_out(info: AgreementInfo, language: str) -> dict[str, Any]:
    return {
        **agreement_out(info.agreement),
        "organisation": info.organisation,
        "state": info.state,
        "clients": list(info.clients),
        "usage_today": info.usage,
        "field_labels": {f: FIELDS[f].label.render(language) for f in info.agreement.fields if f in FIELDS},
    }
