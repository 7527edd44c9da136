"""A grievance opened inside another slice's transaction: a data subject's objection to the automated
welfare ranking (UU 27/2022 Pasal 10), taken by staff who handle data-subject requests (the sharing slice,
which checks its own permission over the person's area and records the request). The grievance is the
ordinary one (kind ``ranking``): a decider of the village reads it with the household's explanation."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.engine import Connection

from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.programmes import store
from inklusi.programmes.service.grievances import check_text, grievance_info, insert_in
from inklusi.programmes.service.views import GrievanceInfo


def submit_objection_in(
    ctx: Context,
    conn: Connection,
    principal: Principal,
    household_id: UUID,
    village_code: str,
    *,
    statement: str,
    evidence: str = "",
) -> GrievanceInfo:
    """A ``ranking`` grievance about ``household_id`` (in ``village_code``), in the caller's transaction
    and with its own audit entry (``grievance.submit``); the caller has checked that ``principal`` acts
    for a person of that household."""
    if issues := check_text("statement", statement) + check_text("evidence", evidence, required=False):
        raise Invalid(msg("The grievance was not submitted"), issues)
    row = insert_in(
        ctx,
        conn,
        principal,
        household_id,
        village_code,
        kind="ranking",
        statement=statement,
        evidence=evidence,
    )
    written = store.grievance_by_id(conn, row["id"])  # type: ignore[arg-type]  # a UUID, just made
    assert written is not None
    return grievance_info(written)
