""" "Who viewed this": a case's access log in words — who (and their organisation), when, what they did or
were shown, why, and the reasons they gave (a consent overridden, the glass broken), every code named in
the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from inklusi.access import service as access
from inklusi.audit.model import Purpose
from inklusi.cases import service
from inklusi.cases.web import labels
from inklusi.context import Context
from inklusi.i18n import Language, Text, format_moment, msg

PURPOSES: dict[str, Text] = {
    Purpose.registry_view: msg("Viewing the registry"),
    Purpose.registry_update: msg("Updating the registry"),
    Purpose.data_stewardship: msg("Data stewardship"),
    Purpose.case_management: msg("Case management"),
    Purpose.programme_targeting: msg("Programme targeting"),
    Purpose.administration: msg("Administration"),
    Purpose.authentication: msg("Authentication"),
    Purpose.audit_review: msg("Audit review"),
}
STEPS: dict[str, Text] = {
    "refer": msg("referred"),
    "accept": msg("accepted"),
    "reject": msg("rejected"),
    "complete": msg("completed"),
    "revoke": msg("revoked"),
    "propose": msg("proposed"),
    "refuse": msg("refused"),
    "cancel": msg("cancelled"),
    "record": msg("recorded"),
    "withdraw": msg("withdrawn"),
}
RECORDS: dict[str, Text] = {
    "assessment": msg("Assessment"),
    "plan": msg("Plan"),
    "service": msg("Service"),
    "outcome": msg("Outcome"),
    "note": msg("Note"),
    "follow_up": msg("Follow-up day"),
}
DETAILS: dict[str, Text] = {  # the details shown, in this order
    "step": msg("Step"),
    "record": msg("Record"),
    "transition": msg("Transition"),
    "service_type": msg("Service type"),
    "to_organisation": msg("To"),
    "purpose": msg("Consent for"),
    "given_by": msg("Given by"),
    "reason": msg("Reason"),
    "override_reason": msg("Consent overridden because"),
    "hours": msg("Hours"),
    "expires_at": msg("Until"),
}


@dataclass(frozen=True)
class EntryShown:
    at: datetime
    actor: str
    organisation: str | None
    what: str
    view: str | None
    purpose: str
    details: list[tuple[str, str]]


def access_entries(ctx: Context, entries: list[service.AccessEntry], language: Language) -> list[EntryShown]:
    names = access.organisation_names(ctx) if entries else {}
    page = labels.page_labels(language)
    timezone = ctx.settings.timezone
    return [_entry(entry, names, page, language, timezone) for entry in entries]


def _value(
    name: str,
    value: object,
    names: dict[UUID, str],
    page: labels.Labels,
    language: Language,
    timezone: str,
) -> str:
    text = str(value)
    if name == "step":
        return STEPS[text].render(language) if text in STEPS else text
    if name == "record":
        return RECORDS[text].render(language) if text in RECORDS else text
    if name == "transition":
        return page["transitions"].get(text, text)
    if name == "service_type":
        return page["services"].get(text, text)
    if name == "purpose":
        return page["purposes"].get(text, text)
    if name == "given_by":
        return page["given_by"].get(text, text)
    if name == "to_organisation":
        try:
            return names.get(UUID(text), text)
        except ValueError:
            return text
    if name == "expires_at":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        return format_moment(moment, language, timezone)
    return text


def _entry(
    entry: service.AccessEntry,
    names: dict[UUID, str],
    page: labels.Labels,
    language: Language,
    timezone: str,
) -> EntryShown:
    details = [
        (label.render(language), _value(name, entry.detail[name], names, page, language, timezone))
        for name, label in DETAILS.items()
        if entry.detail.get(name) not in (None, "")
    ]
    return EntryShown(
        at=entry.at,
        actor=entry.actor,
        organisation=entry.organisation.name if entry.organisation else None,
        what=entry.description.render(language) if entry.description else entry.action,
        view=page["views"].get(entry.view) if entry.view else None,
        purpose=PURPOSES[entry.purpose].render(language) if entry.purpose in PURPOSES else entry.purpose,
        details=details,
    )
