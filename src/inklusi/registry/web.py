"""Registry browser pages: search people, browse an area, read a household (now or as of a date) with
its history, read a person. Every view goes through the registry service, so scope and audit apply."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from inklusi.access.model import Permission
from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.registry import labels
from inklusi.registry import service as registry
from inklusi.registry.history import Change
from inklusi.registry.model import PersonHit
from inklusi.web.area_picker import AreaPicker
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal
from inklusi.wilayah import nik as nik_rules
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)

ENTITY_LABELS = {
    "household": msg("Household"),
    "family": msg("Family"),
    "person": msg("Member"),
    "membership": msg("Member"),
}
ACTION_LABELS = {
    "created": msg("recorded"),
    "changed": msg("changed"),
    "joined": msg("joined the family"),
    "left": msg("left the family"),
    "ended": msg("ended"),
}
PAGE_SIZE = 50


def mask_nik(nik: str | None) -> str:
    """A NIK as lists show it (:func:`inklusi.wilayah.nik.mask_nik`); a dash where there is none."""
    return nik_rules.mask_nik(nik) or "—"


@router.get("/registry")
def search_page(
    request: Request,
    principal: PagePrincipal,
    q: Annotated[str, Query(max_length=100)] = "",
    province: str = "",
    regency: str = "",
    district: str = "",
    village: str = "",
    after_household: UUID | None = None,
    after_person: UUID | None = None,
) -> Response:
    principal.require(Permission.registry_read)  # no search form that can only be refused
    ctx = request.app.state.ctx
    picker = AreaPicker.load(ctx, province, regency, district, village)
    within = picker.deepest
    hits, browsing = [], False
    if q.strip():
        hits = registry.find_persons(ctx, principal, q.strip(), within=within)
    elif within:
        after = (after_household, after_person) if after_household and after_person else None
        hits, browsing = registry.browse_area(ctx, principal, within, after=after, limit=PAGE_SIZE), True
    places = wilayah.area_names(
        ctx, {h.village_code for h in hits} | {r.village_code for h in hits for r in h.linked}
    )
    language = page_language(request)
    template = "registry/_results.html" if request.headers.get("HX-Request") else "registry/search.html"
    return render(
        request,
        template,
        active="registry",
        q=q,
        picker=picker,
        hits=hits,
        browsing=browsing,
        searched=bool(q.strip() or within),
        places=places,
        mask_nik=mask_nik,
        situation=lambda code: labels.value_label("living_situation", code, language),
        next_page=_next_page(request, hits[-1]) if browsing and len(hits) == PAGE_SIZE else None,
    )


def _next_page(request: Request, last: PersonHit) -> str:
    query = {k: v for k, v in request.query_params.items() if not k.startswith("after_")}
    query |= {"after_household": str(last.household_id), "after_person": str(last.person_id)}
    return f"/registry?{urlencode(query)}"


def _as_of(value: str | None, timezone: str) -> datetime | None:
    """A date means the end of that day where the user is (WIB by default): what the registry held then."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(msg("{value} is not a date (YYYY-MM-DD)", value=value)) from None
    return datetime.combine(day, time.max, tzinfo=ZoneInfo(timezone))


@router.get("/households/{household_id}")
def household_page(
    request: Request, principal: PagePrincipal, household_id: UUID, as_of: str | None = None
) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    moment = _as_of(as_of, ctx.settings.timezone)
    view = registry.view_household(ctx, principal, household_id, as_of=moment)
    record = view.record
    return render(
        request,
        "registry/household.html",
        active="registry",
        record=record,
        as_of=as_of,
        place=view.place,
        dwelling=[
            (labels.field_label(name, language), labels.value_label(name, value, language))
            for name, value in vars(record.dwelling).items()
            if name not in ("village_code", "latitude", "longitude")
        ],
        assets=[(labels.asset_label(k, language), v) for k, v in sorted(record.assets.items())],
        history=[_describe(c, language, view.actors, view.villages) for c in reversed(view.history)],
        source=labels.source_label(record.version, language),
        labels=labels,
        mask_nik=mask_nik,
    )


def _describe(
    change: Change, language: str, actors: dict[UUID, str], villages: dict[str, str]
) -> dict[str, object]:
    """One line of the history in words: a move names the villages, codes read as their labels."""
    entity, action = ENTITY_LABELS[change.entity], ACTION_LABELS[change.action]

    def value(field: str, raw: object) -> str:
        if field == "village_code" and raw:
            return villages.get(str(raw), str(raw))
        return labels.value_label(field, raw, language)

    return {
        "at": change.at,
        "what": f"{entity.render(language)} {action.render(language)}",
        "subject": change.subject,
        "fields": [
            (labels.field_label(f.field, language), value(f.field, f.old), value(f.field, f.new))
            for f in change.fields
            if change.action == "changed"
        ],
        "source": labels.source_label(change.version, language),
        "actor": actors.get(change.version.actor_id) if change.version.actor_id else None,
    }


@router.get("/persons/{person_id}")
def person_page(request: Request, principal: PagePrincipal, person_id: UUID) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    record = registry.get_person(ctx, principal, person_id)
    facts = [
        (labels.field_label(name, language), labels.value_label(name, value, language))
        for name, value in vars(record.data).items()
    ]
    outside = None
    if record.outside is not None:  # registered outside any household: where, and how they live
        place = wilayah.get_with_ancestors(ctx, record.outside.area_code)
        outside = {
            "area": " › ".join(area.name for area in (*place.ancestors, place.area)),
            "situation": labels.value_label("living_situation", record.outside.living_situation, language),
            "source": labels.source_label(record.outside.version, language),
            "since": record.outside.version.valid_from,
        }
    return render(
        request,
        "registry/person.html",
        active="registry",
        record=record,
        facts=facts,
        outside=outside,
        source=labels.source_label(record.version, language),
    )
