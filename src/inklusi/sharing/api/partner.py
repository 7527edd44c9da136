"""``/api/v1/partner``: the partner API. A bearer token from ``/api/v1/sharing/oauth2/token``; every request
names its purpose (``purpose`` in the body, the ``purpose`` query parameter or the ``X-Purpose`` header);
answers carry only the agreement's rows and fields, and ``withheld`` says what was left out. Anything
outside the agreement is refused (403, problem+json, with the reason)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from inklusi.api import ContextDep, LanguageDep, problem_doc
from inklusi.errors import Unauthenticated
from inklusi.i18n import Text, msg
from inklusi.sharing import service
from inklusi.sharing.api.releases import file_response, release_out
from inklusi.sharing.schemas.agreements import agreement_out
from inklusi.sharing.schemas.partner import ExtractRequest, LookupRequest, MatchRequest, SearchRequest

router = APIRouter(
    prefix="/partner",
    tags=["partner"],
    responses={429: problem_doc("Past the client's requests a minute or the agreement's daily quota")},
)
partner_bearer = HTTPBearer(
    scheme_name="partnerBearer",
    description="An access token from POST /api/v1/sharing/oauth2/token (client credentials)",
    auto_error=False,
)


def current_partner(
    ctx: ContextDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(partner_bearer)]
) -> service.Partner:
    if credentials is None or not credentials.credentials:
        raise Unauthenticated(msg("Send the partner access token: Authorization: Bearer <token>"))
    return service.authenticate_partner(ctx, credentials.credentials)


def declared_purpose(
    purpose: Annotated[
        str | None, Query(max_length=200, description="Why the data is read (audited)")
    ] = None,
    x_purpose: Annotated[
        str | None, Header(max_length=200, description="Why the data is read (audited)")
    ] = None,
) -> str | None:
    return purpose or x_purpose


PartnerDep = Annotated[service.Partner, Depends(current_partner)]
PurposeDep = Annotated[str | None, Depends(declared_purpose)]


def _texts(texts: tuple[Text, ...], language: str) -> list[str]:
    return [text.render(language) for text in texts]


def household_out(household: service.SharedHousehold) -> dict[str, Any]:
    return {"fields": dict(household.fields), "members": [dict(m) for m in household.members]}


def page_out(page: service.SharedPage, language: str) -> dict[str, Any]:
    return {
        "households": [household_out(h) for h in page.households],
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "withheld": _texts(page.withheld, language),
    }


@router.get("/agreement")
def my_agreement(partner: PartnerDep) -> dict[str, Any]:
    """The agreement this client is bound to: operations, quotas, row scope, fields (no personal data)."""
    data = agreement_out(partner.agreement)
    return {k: v for k, v in data.items() if k not in ("drafted_by", "approved_by")}


@router.post("/lookup")
def lookup(
    ctx: ContextDep, partner: PartnerDep, language: LanguageDep, purpose: PurposeDep, body: LookupRequest
) -> dict[str, Any]:
    """One household by a member's NIK, its id, a member's id, or a pseudonym this partner received."""
    page = service.lookup(ctx, partner, purpose=body.purpose or purpose or "", by=body.by, value=body.value)
    return page_out(page, language)


def _query(body: SearchRequest | ExtractRequest) -> service.SharedQuery:
    return service.SharedQuery(body.area_code, tuple(body.deciles), tuple(body.ppks_categories))


@router.post("/search")
def search(
    ctx: ContextDep, partner: PartnerDep, language: LanguageDep, purpose: PurposeDep, body: SearchRequest
) -> dict[str, Any]:
    """A page of the agreement's households in an area, deciles and PPKS categories."""
    page = service.search(
        ctx, partner, purpose=body.purpose or purpose or "", query=_query(body), page=body.page,
        page_size=body.page_size,
    )  # fmt: skip
    return page_out(page, language)


@router.post(
    "/extract",
    responses={200: {"content": {"text/csv": {}, "application/jsonl": {}}, "description": "The rows"}},
)
def extract(
    ctx: ContextDep, partner: PartnerDep, language: LanguageDep, purpose: PurposeDep, body: ExtractRequest
) -> StreamingResponse:
    """Every household the query asks for inside the agreement, as CSV (a row per shared person) or JSON
    lines (a household per line), within the day's extract quota (refused, not cut, past it). The last
    line says what was left out."""
    result = service.extract(ctx, partner, purpose=body.purpose or purpose or "", query=_query(body))
    fields = partner.agreement.shared_fields()
    if body.format == "csv":
        lines = _csv(result, fields, language)
        media = "text/csv; charset=utf-8"
    else:
        lines = _jsonl(result, language)
        media = "application/jsonl"
    headers = {"X-Total-Count": str(result.total), "Cache-Control": "no-store"}
    return StreamingResponse(lines, media_type=media, headers=headers)


def _jsonl(result: service.Extract, language: str) -> Iterator[str]:
    withheld = list(result.withheld)
    for chunk in result.chunks:
        withheld.extend(chunk.withheld)
        for household in chunk.households:
            yield json.dumps(household_out(household), ensure_ascii=False, default=str) + "\n"
    yield json.dumps({"withheld": _texts(tuple(withheld), language), "total": result.total}) + "\n"


def _csv(result: service.Extract, fields: tuple[str, ...], language: str) -> Iterator[str]:
    household_fields = [f for f in fields if f.startswith("household.")]
    person_fields = [f for f in fields if f.startswith("person.")]
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flushed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(household_fields + person_fields)
    yield flushed()
    withheld = list(result.withheld)
    for chunk in result.chunks:
        withheld.extend(chunk.withheld)
        for household in chunk.households:
            head = [_cell(household.fields.get(f)) for f in household_fields]
            for member in household.members or ({},):
                writer.writerow(head + [_cell(member.get(f)) for f in person_fields])
        yield flushed()
    for text in _texts(tuple(withheld), language):
        writer.writerow([f"# {text}"])
    yield flushed()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)


@router.post("/match")
def match(ctx: ContextDep, partner: PartnerDep, purpose: PurposeDep, body: MatchRequest) -> dict[str, bool]:
    """Match-only: ``{"match": true}`` when the person with this NIK is among the agreement's rows in a
    household of these national deciles (and this area); nothing else is answered."""
    answer = service.match(
        ctx, partner, purpose=body.purpose or purpose or "", nik=body.nik, deciles=tuple(body.deciles),
        area_code=body.area_code,
    )  # fmt: skip
    return {"match": answer}


@router.get("/releases")
def releases(ctx: ContextDep, partner: PartnerDep) -> dict[str, Any]:
    """The tables released for this client's agreement (its ``aggregates`` operation), newest first:
    counts by area with noise and suppression, no personal data."""
    return {"releases": [asdict(r) for r in service.partner_releases(ctx, partner)]}


@router.get("/releases/{release_id}")
def release(ctx: ContextDep, partner: PartnerDep, purpose: PurposeDep, release_id: UUID) -> dict[str, Any]:
    """A table released for this client's agreement (null where suppressed), as stored: never noised
    again. Counts one against the day's ``aggregates`` quota; audited with the purpose."""
    return release_out(service.partner_release(ctx, partner, release_id, purpose=purpose or ""))


@router.get(
    "/releases/{release_id}/export",
    responses={200: {"content": {"text/csv": {}}, "description": "The table as CSV"}},
)
def export_release(ctx: ContextDep, partner: PartnerDep, purpose: PurposeDep, release_id: UUID) -> Response:
    """The same table as CSV ("x" where suppressed): the same bytes on every request."""
    table = service.partner_release(ctx, partner, release_id, purpose=purpose or "")
    return file_response(service.export_of(table))
