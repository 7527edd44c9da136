"""Handing a case on from the pages: the referral page (``/cases/{id}/refer``: the target chosen from the
service directory, filtered by ATENSI service type and the case's area, resting on the person's consent or,
for holders of ``cases:consent_override``, a reason), the answers to a referral (accept, reject with a
reason, complete; revoke by the owner side) and transfers (propose; accept, refuse with a reason, cancel),
from the case page or the inbox. A refusal is shown in the form it came from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from inklusi.access.model import Principal
from inklusi.audit.model import Purpose
from inklusi.cases import service
from inklusi.cases.handovers import RESPOND_DAYS
from inklusi.cases.web import labels
from inklusi.cases.web.case import FormDep, attempt, consent_choices, show_case
from inklusi.cases.web.forms import Posted, Problems, render_again
from inklusi.cases.web.inbox import show_inbox
from inklusi.directory import service as directory
from inklusi.errors import Invalid, Issue, NotFound
from inklusi.i18n import msg
from inklusi.ppks.model import ServiceType
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)
TARGETS = 50  # directory services offered at a time
INBOX = "/cases"


def show_refer(
    request: Request,
    principal: Principal,
    case_id: UUID,
    service_type: str = "",
    *,
    problems: Problems | None = None,
) -> Response:
    """The referral page: the directory's services for the case's area (of one service type), the consents
    the referral may rest on, and the override for those who hold it."""
    ctx = request.app.state.ctx
    language = page_language(request)
    screen = service.case_screen(ctx, principal, case_id, purpose=Purpose.case_management)
    if "referral" not in screen.records:
        raise NotFound(msg("Case {id} cannot be referred by you now", id=str(case_id)))
    chosen = service_type if service_type in {t.value for t in ServiceType} else ""
    case = screen.case
    offers = directory.search(ctx, service_type=chosen or None, area_code=case.area_code, limit=TARGETS)
    owner = case.owner_organisation.id if case.owner_organisation else None
    page = labels.page_labels(language)
    context: dict[str, Any] = {
        "active": "cases",
        "case": case,
        "screen": screen,
        "offers": offers,
        "owner": owner,
        "chosen_type": chosen,
        "labels": page,
        "consent_choices": consent_choices(case, "referral", page, language),
        "basis_form": "refer",
        "respond_by": (date.today() + timedelta(days=RESPOND_DAYS)).isoformat(),  # a date field's value
    }
    if request.headers.get("HX-Request") and problems is None:
        return render(request, "cases/_targets.html", problems=None, **context)
    return render_again(request, "cases/refer.html", problems, **context)


@router.get("/cases/{case_id}/refer")
def refer_page(
    request: Request,
    principal: PagePrincipal,
    case_id: UUID,
    service_type: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    return show_refer(request, principal, case_id, service_type)


@router.post("/cases/{case_id}/refer", dependencies=[Depends(require_csrf)])
def refer(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    ctx = request.app.state.ctx
    posted = Posted(form)

    def act() -> None:
        chosen = posted.ident("directory_service_id", required=True)
        respond_by = posted.day("respond_by")
        consent = posted.ident("consent_id")
        posted.check()
        assert chosen is not None
        offer = directory.offer(ctx, chosen)
        if offer is None or offer.organisation_id is None:
            text = msg("This service takes no referrals in Inklusi: contact it directly, or choose another")
            raise Invalid(text, [Issue("directory_service_id", "directory.not_in_inklusi", text)])
        offered = offer.service_type or posted.text("service_type")  # a service of no type: the one chosen
        kind = posted.choice("service_type", ServiceType, value=offered)
        posted.check()
        assert kind is not None
        service.refer(
            ctx,
            principal,
            case_id,
            to_organisation_id=offer.organisation_id,
            service_type=kind,
            reason=posted.text("reason"),
            respond_by=respond_by,
            directory_service_id=offer.id,
            consent_id=consent,
            override_reason=posted.optional("override_reason"),
        )

    def again(problems: Problems) -> Response:
        return show_refer(request, principal, case_id, posted.text("service_type"), problems=problems)

    return attempt(request, principal, case_id, "refer", posted, act, anchor="referrals", again=again)


Move = Annotated[str, Path(pattern="^(accept|reject|complete|revoke)$")]
TransferMove = Annotated[str, Path(pattern="^(accept|refuse|cancel)$")]


@router.post("/cases/{case_id}/referrals/{referral_id}/{move}", dependencies=[Depends(require_csrf)])
def answer_referral(
    request: Request,
    principal: PagePrincipal,
    case_id: UUID,
    referral_id: UUID,
    move: Move,
    form: FormDep,
) -> Response:
    ctx = request.app.state.ctx
    posted = Posted(form)
    from_inbox = posted.text("next") == INBOX

    def act() -> None:
        reason = posted.text("reason")
        if move == "accept":
            service.accept_referral(ctx, principal, referral_id)
        elif move == "reject":
            service.reject_referral(ctx, principal, referral_id, reason)
        elif move == "complete":
            service.complete_referral(ctx, principal, referral_id)
        else:
            service.revoke_referral(ctx, principal, referral_id, reason)

    def again(problems: Problems) -> Response:
        if from_inbox:
            return show_inbox(request, principal, problems=problems)
        return show_case(request, principal, case_id, problems=problems)

    # rejected: the case is not the receiving organisation's to see any more
    done = INBOX if move == "reject" else f"/cases/{case_id}#referral-{referral_id}"
    form_name = f"{move}-{referral_id}"
    return attempt(
        request, principal, case_id, form_name, posted, act, anchor="referrals", again=again, done=done
    )


@router.post("/cases/{case_id}/transfers", dependencies=[Depends(require_csrf)])
def propose_transfer(request: Request, principal: PagePrincipal, case_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)

    def act() -> None:
        to = posted.ident("to_organisation_id", required=True)
        consent = posted.ident("consent_id")
        posted.check()
        assert to is not None
        service.propose_transfer(
            request.app.state.ctx,
            principal,
            case_id,
            to_organisation_id=to,
            reason=posted.text("reason"),
            consent_id=consent,
            override_reason=posted.optional("override_reason"),
        )

    return attempt(request, principal, case_id, "transfer", posted, act, anchor="transfers")


@router.post("/cases/{case_id}/transfers/{transfer_id}/{move}", dependencies=[Depends(require_csrf)])
def answer_transfer(
    request: Request,
    principal: PagePrincipal,
    case_id: UUID,
    transfer_id: UUID,
    move: TransferMove,
    form: FormDep,
) -> Response:
    ctx = request.app.state.ctx
    posted = Posted(form)
    from_inbox = posted.text("next") == INBOX

    def act() -> None:
        if move == "accept":
            service.accept_transfer(ctx, principal, transfer_id)
        elif move == "refuse":
            service.refuse_transfer(ctx, principal, transfer_id, posted.text("reason"))
        else:
            service.cancel_transfer(ctx, principal, transfer_id)

    def again(problems: Problems) -> Response:
        if from_inbox:
            return show_inbox(request, principal, problems=problems)
        return show_case(request, principal, case_id, problems=problems)

    # refused: the case is not the organisation's to see any more
    done = INBOX if move == "refuse" else f"/cases/{case_id}#transfers"
    return attempt(
        request,
        principal,
        case_id,
        f"{move}-{transfer_id}",
        posted,
        act,
        anchor="transfers",
        again=again,
        done=done,
    )
