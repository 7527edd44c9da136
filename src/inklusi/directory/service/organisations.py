"""Which Inklusi organisation answers referrals to a directory organisation's services."""

from __future__ import annotations

from uuid import UUID

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.directory import store
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg


def link_organisation(
    ctx: Context, principal: Principal, directory_organisation_id: UUID, organisation_id: UUID | None
) -> None:
    """Say which Inklusi organisation answers referrals to the services of a directory organisation
    (None: none, the provider does not use Inklusi). Audited."""
    principal.require(Permission.directory_manage)
    if organisation_id is not None and organisation_id not in access.organisation_names(ctx):
        text = msg("No organisation {id}", id=str(organisation_id))
        raise Invalid(text, [Issue("organisation_id", "organisation.unknown", text)])
    with ctx.transaction() as conn:
        if not store.link_organisation(conn, directory_organisation_id, organisation_id, utcnow()):
            raise NotFound(msg("No organisation {id} in the directory", id=str(directory_organisation_id)))
        event = Event(
            kind=events.DIRECTORY_LINK,
            actor=principal.actor,
            purpose=Purpose.administration,
            object_id=str(directory_organisation_id),
            detail={"organisation_id": str(organisation_id) if organisation_id else None},
        )
        audit.record(ctx, conn, event)
