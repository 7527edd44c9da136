"""Audit pages for auditors (permission ``audit:read``, nationwide): search the log (who read which person,
when, and why), check the hash chain, export what a search finds as CSV. Each of these reads is itself
recorded in the log (``audit.search``, ``audit.verify``, ``audit.export``); the service checks the
permission of each."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from inklusi.access import service as access
from inklusi.access.model import Permission
from inklusi.audit import events, service
from inklusi.audit.model import Entry, LogQuery, Purpose
from inklusi.db import utcnow
from inklusi.i18n import Text, msg
from inklusi.spreadsheets import cell
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
DETAIL_SHOWN = 300  # characters of an entry's detail on the page; the export has all of it
PURPOSE_LABELS = {
    Purpose.registry_view: msg("Viewing the registry"),
    Purpose.registry_update: msg("Updating the registry"),
    Purpose.data_stewardship: msg("Data stewardship"),
    Purpose.case_management: msg("Case management"),
    Purpose.programme_targeting: msg("Programme targeting"),
    Purpose.administration: msg("Administration"),
    Purpose.authentication: msg("Authentication"),
    Purpose.audit_review: msg("Audit review"),
    Purpose.data_sharing: msg("Data sharing"),
    Purpose.statistics_release: msg("Releasing protected statistics"),
    Purpose.subject_rights: msg("A data subject's request"),
    Purpose.breach_response: msg("Responding to a breach"),
}
LENGTHS = {"actor": 120, "action": 40, "object_id": 64}
SEQ_MAX = 2**62  # an entry number past what a BIGINT holds is refused, not sent to the database


@dataclass(frozen=True)
class Filters:
    """The search form as typed, the query it means, and what is wrong with it (field → message)."""

    values: dict[str, str]
    query: LogQuery
    issues: dict[str, Text]

    def link(self, **extra: object) -> str:
        """The query string of this search, with ``extra`` (a page cursor)."""
        kept = {name: value for name, value in self.values.items() if value}
        return urlencode({**kept, **{k: v for k, v in extra.items() if v is not None}})


class SearchForm(BaseModel):
    """The search form's fields as typed (a query-parameter model shared by the page and the export);
    :func:`_filters` checks them."""

    actor: str = ""
    organisation: str = ""
    action: str = ""
    object_id: str = ""
    purpose: str = ""
    date_from: str = ""
    date_to: str = ""


def _filters(request: Request, organisations: dict[UUID, str], form: SearchForm) -> Filters:
    values = {name: value.strip() for name, value in form.model_dump().items()}
    issues: dict[str, Text] = {}
    for name, limit in LENGTHS.items():
        if len(values[name]) > limit:
            issues[name] = msg("At most {limit} characters", limit=limit)
    organisation_id = next((key for key in organisations if str(key) == values["organisation"]), None)
    if values["organisation"] and organisation_id is None:
        issues["organisation"] = msg("Choose an organisation from the list")
    if values["purpose"] and values["purpose"] not in Purpose.__members__:
        issues["purpose"] = msg("Choose a purpose from the list")
    zone = ZoneInfo(request.app.state.ctx.settings.timezone)
    days = {}
    for name in ("date_from", "date_to"):
        try:
            days[name] = date.fromisoformat(values[name]) if values[name] else None
        except ValueError:
            issues[name] = msg("{value} is not a date (YYYY-MM-DD)", value=values[name][:20])
            days[name] = None
    if days["date_from"] and days["date_to"] and days["date_from"] > days["date_to"]:
        issues["date_to"] = msg("The end date is before the start date")
    since = datetime.combine(days["date_from"], time.min, zone) if days["date_from"] else None
    until = datetime.combine(days["date_to"] + timedelta(days=1), time.min, zone) if days["date_to"] else None
    query = LogQuery(
        actor=values["actor"] or None,
        organisation_id=organisation_id,
        action=values["action"] or None,
        object_id=values["object_id"] or None,
        purpose=values["purpose"] or None,
        since=since,
        until=until,
    )
    return Filters(values, query, issues)


@router.get("/audit")
def log_page(
    request: Request,
    principal: PagePrincipal,
    form: Annotated[SearchForm, Query()],
    before: Annotated[int | None, Query(ge=1, le=SEQ_MAX)] = None,
    after: Annotated[int | None, Query(ge=0, le=SEQ_MAX)] = None,
) -> Response:
    """Search the log, newest first, a page at a time."""
    principal.require(Permission.audit_read)  # the form is for auditors only (the service checks each read)
    ctx = request.app.state.ctx
    organisations = access.organisation_names(ctx)
    filters = _filters(request, organisations, form)
    page = None
    if not filters.issues:
        page = service.search_log(ctx, principal, filters.query, before=before, after=after, limit=PAGE_SIZE)
    entries = page.entries if page else []
    language = page_language(request)
    return render(
        request,
        "audit/log.html",
        status_code=422 if filters.issues else 200,
        active="audit",
        filters=filters,
        issues={name: text.render(language) for name, text in filters.issues.items()},
        page=page,
        rows=[_row(entry, organisations) for entry in entries],
        places=wilayah.area_names(ctx, {entry.area_code for entry in entries if entry.area_code}),
        organisations=organisations,
        purposes=PURPOSE_LABELS,
        actions=events.CATALOGUE,  # every action the log can hold, offered in the action filter
        export_limit=service.EXPORT_LIMIT,
    )


def _row(entry: Entry, organisations: dict[UUID, str]) -> dict[str, object]:
    detail = "" if entry.detail in ("{}", "") else entry.detail
    return {
        "entry": entry,
        "organisation": organisations.get(entry.organisation_id, "") if entry.organisation_id else "",
        "purpose": PURPOSE_LABELS.get(entry.purpose, entry.purpose),  # type: ignore[call-overload]
        "action": events.describe(entry.action),  # what the action means; None for one not catalogued
        "detail": detail if len(detail) <= DETAIL_SHOWN else detail[:DETAIL_SHOWN] + "…",
    }


@router.get("/audit/verify")
def verify_page(request: Request, principal: PagePrincipal) -> Response:
    """Walk the whole chain and say whether it holds, or where it first breaks."""
    check = service.verify_log(request.app.state.ctx, principal)
    return render(request, "audit/verify.html", active="audit", check=check)


@router.get("/audit/export.csv")
def export(request: Request, principal: PagePrincipal, form: Annotated[SearchForm, Query()]) -> Response:
    """The entries a search finds (at most ``EXPORT_LIMIT``, newest first) as a CSV file for spreadsheets."""
    ctx = request.app.state.ctx
    organisations = access.organisation_names(ctx)
    filters = _filters(request, organisations, form)
    if filters.issues:
        return log_page(request, principal, form)
    entries = service.export_log(ctx, principal, filters.query)
    name = f"audit-log-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        _csv(entries, organisations),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


COLUMNS = (
    "seq", "at", "actor_name", "organisation", "action", "object_type", "object_id", "area_code",
    "purpose", "detail", "prev_hash", "hash",
)  # fmt: skip


def _csv(entries: list[Entry], organisations: dict[UUID, str]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry in entries:
        organisation = organisations.get(entry.organisation_id, "") if entry.organisation_id else ""
        values = {**vars(entry), "at": entry.at.isoformat(), "organisation": organisation}
        writer.writerow(["" if values[column] is None else cell(values[column]) for column in COLUMNS])
    return out.getvalue()
