"""The case page (``/cases/{id}``): the case as the viewer's relation lets them see it — the whole case,
a referral's part for its receiving organisation, the summary for an organisation offered a transfer — with
the steps the viewer may take now; and its small forms: transitions, notes, services and outcomes,
consents, the worker assigned and the follow-up day. "Who viewed this" (``/cases/{id}/access-log``) for the
owner organisation and supervisors. Every form posts with the CSRF token; a refusal is shown in the form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.audit.model import Purpose
from inklusi.cases import service
from inklusi.cases.handovers import Consent, ConsentPurpose, GivenBy
from inklusi.cases.model import TransitionName
from inklusi.cases.records import Outcome, OutcomeKind, ServiceRecord
from inklusi.cases.service import CaseView
from inklusi.cases.web import labels
from inklusi.cases.web.forms import Posted, Problems, form_of, render_again, shown_in_form
from inklusi.cases.web.history import access_entries
from inklusi.errors import InklusiError
from inklusi.i18n import Language, format_day, msg
from inklusi.ppks.model import ServiceType
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_of)]


def show_case(
    request: Request,
    principal: Principal,
    case_id: UUID,
    *,
    problems: Problems | None = None,
) -> Response:
    """The case page (again, with ``problems`` in the form that was sent)."""
    ctx = request.app.state.ctx
    language = page_language(request)
    screen = service.case_screen(ctx, principal, case_id, purpose=Purpose.case_management)
    organisations = access.organisation_names(ctx) if screen.worker else {}
    page = labels.page_labels(language)
    case = screen.case
    owner = case.owner_organisation.id if case.owner_organisation else None
    named = {str(k): v for k, v in sorted(organisations.items(), key=lambda item: item[1])}
    kinds = {f"kind:{kind}": text for kind, text in page["kinds"].items()}
    return render_again(
        request,
        "cases/case.html",
        problems,
        active="cases",
        screen=screen,
        case=case,
        labels=page,
        sex=lambda value: labels.sex(value, language),
        organisations_other={k: v for k, v in named.items() if k != str(owner)},
        recipients=named | kinds,
        consent_choices=consent_choices(case, "transfer", page, language),
        workers={str(w.id): w.name for w in screen.workers},
        today=date.today(),
        today_value=date.today().isoformat(),  # the value of a date field (HTML's is ISO 8601)
        follow_up_value=case.follow_up_on.isoformat() if case.follow_up_on else "",
        reasoned={t.name.value for t in screen.transitions if t.reason_required},
    )


def consent_choices(case: CaseView, purpose: str, page: labels.Labels, language: Language) -> dict[str, str]:
    """The consents a handover may name: for its purpose, valid today, each told by recipient and day."""
    found = {}
    for c in case.consents or ():
        if c.purpose.value != purpose or not c.valid_today:
            continue
        if c.recipient_organisation:
            recipient = c.recipient_organisation.name
        elif c.recipient_kind:
            recipient = page["kinds"].get(c.recipient_kind, c.recipient_kind)
        else:
            recipient = msg("Any organisation").render(language)
        found[str(c.id)] = f"{recipient} · {format_day(c.given_on, language)}"
    return found


def attempt(
    request: Request,
    principal: Principal,
    case_id: UUID,
    form: str,
    posted: Posted,
    action: Callable[[], object],
    *,
    anchor: str,
    again: Callable[[Problems], Response] | None = None,
    done: str | None = None,
) -> Response:
    """Do ``action``; then back to the case (or ``done``), or the page again with the refusal in ``form``."""
    try:
        action()
    except InklusiError as error:
        if not shown_in_form(error):
            raise
        problems = Problems.of(form, error, page_language(request), posted.values())
        if again is not None:
            return again(problems)
        return show_case(request, principal, case_id, problems=problems)
    return RedirectResponse(done or f"/cases/{case_id}#{anchor}", status_code=303)


@router.get("/cases/{case_id}")
def case_page(request: Request, principal: PagePrincipal, case_id: UUID) -> Response:
    return show_case(request, principal, case_id)


@router.get("/cases/{case_id}/access-log")
def access_log_page(request: Request, principal: PagePrincipal, case_id: UUID) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    entries = service.access_log(ctx, principal, case_id)
    return render(
        request,
        "cases/access_log.html",
        active="cases",
        case_id=case_id,
        entries=access_entries(ctx, entries, language),
    )


@router.post("/cases/{case_id}/transitions", dependencies=[Depends(require_csrf)])
def take_transition(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        name = posted.choice("transition", TransitionName)
        version = posted.whole("version")
        posted.check()
        assert name is not None
        service.transition(
            request.app.state.ctx,
            principal,
            case_id,
            name,
            reason=posted.optional("reason"),
            expected_version=version,
        )

    form_name = "transition-" + posted.text("transition")
    return attempt(request, principal, case_id, form_name, posted, act, anchor="steps")


@router.post("/cases/{case_id}/notes", dependencies=[Depends(require_csrf)])
def add_note(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        service.add_note(request.app.state.ctx, principal, case_id, posted.text("text"))

    return attempt(request, principal, case_id, "note", posted, act, anchor="notes")


@router.post("/cases/{case_id}/services", dependencies=[Depends(require_csrf)])
def record_service(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)
    form_name = "service-" + posted.text("referral_id") if posted.text("referral_id") else "service"

    def act() -> None:
        kind = posted.choice("service_type", ServiceType)
        day = posted.day("delivered_on", required=True)
        referral = posted.ident("referral_id")
        posted.check()
        assert kind is not None and day is not None
        record = ServiceRecord(
            kind,
            day,
            principal.organisation_id or UUID(int=0),  # none: the service names the problem
            referral_id=referral,
            programme_code=posted.optional("programme_code"),
            note=posted.optional("note"),
        )
        service.record_service(request.app.state.ctx, principal, case_id, record)

    return attempt(request, principal, case_id, form_name, posted, act, anchor="services")


@router.post("/cases/{case_id}/outcomes", dependencies=[Depends(require_csrf)])
def record_outcome(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)
    form_name = "outcome-" + posted.text("referral_id") if posted.text("referral_id") else "outcome"

    def act() -> None:
        kind = posted.choice("kind", OutcomeKind)
        day = posted.day("recorded_on", required=True)
        before, after = posted.whole("income_before"), posted.whole("income_after")
        referral = posted.ident("referral_id")
        posted.check()
        assert kind is not None and day is not None
        outcome = Outcome(
            kind,
            day,
            before,
            after,
            graduated=posted.flag("graduated"),
            note=posted.optional("note"),
            referral_id=referral,
        )
        service.record_outcome(request.app.state.ctx, principal, case_id, outcome)

    return attempt(request, principal, case_id, form_name, posted, act, anchor="outcomes")


@router.post("/cases/{case_id}/consents", dependencies=[Depends(require_csrf)])
def record_consent(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        purpose = posted.choice("purpose", ConsentPurpose)
        given_on = posted.day("given_on", required=True)
        expires_on = posted.day("expires_on")
        given_by = posted.choice("given_by", GivenBy)
        recipient = posted.text("recipient")  # an organisation's id, "kind:<kind>", or empty: any
        organisation = kind = None
        if recipient.startswith("kind:"):
            kind = posted.choice("recipient", OrganisationKind, value=recipient.removeprefix("kind:"))
        else:
            organisation = posted.ident("recipient", value=recipient)
        posted.check()
        assert purpose is not None and given_on is not None and given_by is not None
        consent = Consent(
            purpose,
            posted.text("scope"),
            given_on,
            given_by,
            recipient_organisation_id=organisation,
            recipient_kind=kind,
            expires_on=expires_on,
            guardian_name=posted.optional("guardian_name"),
            guardian_relationship=posted.optional("guardian_relationship"),
        )
        service.record_consent(request.app.state.ctx, principal, case_id, consent)

    return attempt(request, principal, case_id, "consent", posted, act, anchor="consents")


@router.post("/cases/{case_id}/consents/{consent_id}/withdraw", dependencies=[Depends(require_csrf)])
def withdraw_consent(
    request: Request, principal: PagePrincipal, case_id: UUID, consent_id: UUID, form: FormDep
) -> Response:
    posted = Posted(form)

    def act() -> None:
        service.withdraw_consent(request.app.state.ctx, principal, consent_id)

    form_name = f"withdraw-{consent_id}"
    return attempt(request, principal, case_id, form_name, posted, act, anchor="consents")


@router.post("/cases/{case_id}/assignment", dependencies=[Depends(require_csrf)])
def assign(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        worker = posted.ident("user_id")
        version = posted.whole("version")
        posted.check()
        service.assign(request.app.state.ctx, principal, case_id, worker, expected_version=version)

    return attempt(request, principal, case_id, "assign", posted, act, anchor="management")


@router.post("/cases/{case_id}/follow-up", dependencies=[Depends(require_csrf)])
def follow_up(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        day = posted.day("on")
        version = posted.whole("version")
        posted.check()
        service.schedule_follow_up(request.app.state.ctx, principal, case_id, day, expected_version=version)

    return attempt(request, principal, case_id, "follow_up", posted, act, anchor="management")
