"""How the sharing slice's codes read to a person, in Indonesian or English: an agreement's state, its
operations, transforms and sensitivity ceiling, a field's level, a data-subject request's kind, status,
deadline, channel and deletion items; a PPKS category by its name. Pure: every code maps to a message
with its Indonesian translation, so no raw code (``approved``, ``as_is``, ``in_progress``) reaches a
page; the pages show the code itself in a ``<code>`` only where a steward needs it (the partner API names
operations by their code). An unknown code (from a newer release) reads as itself rather than failing."""

from __future__ import annotations

from collections.abc import Mapping

from inklusi.i18n import Text, msg
from inklusi.ppks import taxonomy

AGREEMENT_STATES: dict[str, Text] = {
    "draft": msg("draft"),
    "approved": msg("approved"),
    "revoked": msg("revoked"),
    "expired": msg("expired"),
    "not_yet_valid": msg("not yet in force"),
}
OPERATIONS: dict[str, Text] = {
    "lookup": msg("Lookup of one record (NIK, id or pseudonym)"),
    "search": msg("Search by area, decile and category"),
    "extract": msg("Bulk extract"),
    "aggregates": msg("Released tables"),
    "match": msg("Match only (yes or no)"),
}
TRANSFORMS: dict[str, Text] = {
    "as_is": msg("as is"),
    "pseudonymise": msg("pseudonymised"),
    "generalise": msg("generalised"),
    "drop": msg("dropped (never sent)"),
}
SENSITIVITIES: dict[str, Text] = {
    "personal": msg("general personal data"),
    "sensitive": msg("specific (sensitive) personal data"),
}
FIELD_LEVELS: dict[str, Text] = {
    "statistical": msg("statistical"),
    "personal": msg("personal"),
    "identifying": msg("national identifier"),
    "sensitive": msg("specific (sensitive)"),
}
REQUEST_KINDS: dict[str, Text] = {
    "access": msg("Access: what is held, who read it"),
    "correction": msg("Correction of wrong data"),
    "objection": msg("Objection to the automated ranking"),
    "restriction": msg("Restriction: not shared with partners"),
    "deletion": msg("Deletion"),
}
REQUEST_STATUSES: dict[str, Text] = {
    "received": msg("received"),
    "in_progress": msg("in progress"),
    "answered": msg("answered"),
    "refused": msg("refused"),
}
DEADLINES: dict[str, Text] = {
    "on_time": msg("on time"),
    "due_soon": msg("due within 24 hours"),
    "overdue": msg("overdue"),
    "met": msg("answered in time"),
    "late": msg("answered late"),
}
DELETION_ITEMS: dict[str, Text] = {
    "registry_record": msg("the registry record"),
    "welfare_rank": msg("the welfare ranking"),
    "ppks_flags": msg("the PPKS flags"),
    "access_log": msg("the audit log about them"),
    "request_contact": msg("contact details left with earlier requests"),
    "restriction": msg("their restriction (lift it)"),
}
CHANNELS: dict[str, Text] = {
    "office": msg("at the office"),
    "letter": msg("letter"),
    "phone": msg("phone"),
    "email": msg("email"),
    "other": msg("other"),
}
QUEUES: dict[str, Text] = {
    "open": msg("open requests"),
    "closed": msg("closed requests"),
    "all": msg("all requests"),
}
GROUPS: dict[str, Mapping[str, Text]] = {
    "state": AGREEMENT_STATES,
    "operation": OPERATIONS,
    "transform": TRANSFORMS,
    "sensitivity": SENSITIVITIES,
    "level": FIELD_LEVELS,
    "kind": REQUEST_KINDS,
    "status": REQUEST_STATUSES,
    "deadline": DEADLINES,
    "item": DELETION_ITEMS,
    "channel": CHANNELS,
    "queue": QUEUES,
}


class Words(dict[str, str]):
    """One group's codes as words in one language; a code it does not know reads as itself."""

    def __missing__(self, code: str) -> str:
        return code


def words(language: str) -> dict[str, Words]:
    """Every group as words in ``language``, for the pages: ``words.state["approved"]``, and the PPKS
    categories by name (``words.category["neglected_elderly"]``)."""
    found = {
        group: Words({code: text.render(language) for code, text in labels.items()})
        for group, labels in GROUPS.items()
    }
    found["category"] = Words({c.code: c.name.text(language) for c in taxonomy.categories()})
    return found
