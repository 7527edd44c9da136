"""What the case pages call the codes of case management, in the page's language: phases, transitions,
risk and need levels, outcomes, consents, referral and transfer states, views and relations; and the names
of the ATENSI service types, PPKS categories and programmes from their own files."""

from __future__ import annotations

from inklusi.access.model import OrganisationKind
from inklusi.cases.handovers import ConsentPurpose, GivenBy, ReferralStatus, TransferStatus
from inklusi.cases.model import Phase, PlanStatus, Relation, TransitionName, View
from inklusi.cases.records import NeedLevel, OutcomeKind, RiskLevel
from inklusi.i18n import Language, Text, msg
from inklusi.ppks import taxonomy
from inklusi.ppks.needs import needs_profile
from inklusi.registry.codelists import codelist

PHASES: dict[str, Text] = {
    Phase.intake: msg("Intake (first approach)"),
    Phase.assessment: msg("Assessment"),
    Phase.planning: msg("Plan waiting for approval"),
    Phase.intervention: msg("Intervention"),
    Phase.reintegration: msg("Reintegration"),
    Phase.monitoring: msg("Monitoring and evaluation"),
    Phase.termination: msg("Termination waiting for approval"),
    Phase.aftercare: msg("Aftercare"),
    Phase.closed: msg("Closed"),
}
TRANSITIONS: dict[str, Text] = {
    "open": msg("Case opened"),
    TransitionName.assess: msg("Start the assessment"),
    TransitionName.propose_plan: msg("Propose the plan"),
    TransitionName.approve_plan: msg("Approve the plan"),
    TransitionName.return_plan: msg("Return the plan"),
    TransitionName.reintegrate: msg("Start reintegration"),
    TransitionName.monitor: msg("Start monitoring"),
    TransitionName.propose_termination: msg("Propose termination"),
    TransitionName.approve_termination: msg("Approve termination"),
    TransitionName.reject_termination: msg("Reject termination"),
    TransitionName.close: msg("Close the case"),
    TransitionName.reopen: msg("Reopen the case"),
}
RISKS: dict[str, Text] = {
    RiskLevel.low: msg("Low"),
    RiskLevel.medium: msg("Medium"),
    RiskLevel.high: msg("High"),
    RiskLevel.critical: msg("Critical"),
}
NEEDS: dict[str, Text] = {
    NeedLevel.none: msg("No need"),
    NeedLevel.low: msg("Low"),
    NeedLevel.medium: msg("Medium"),
    NeedLevel.high: msg("High"),
}
OUTCOMES: dict[str, Text] = {
    OutcomeKind.training_completed: msg("Training completed"),
    OutcomeKind.enterprise_support: msg("Enterprise support"),
    OutcomeKind.income: msg("Income"),
    OutcomeKind.employment: msg("Employment"),
    OutcomeKind.graduation: msg("Graduation"),
    OutcomeKind.other: msg("Other"),
}
PURPOSES: dict[str, Text] = {
    ConsentPurpose.referral: msg("Referral"),
    ConsentPurpose.transfer: msg("Transfer"),
    ConsentPurpose.data_sharing: msg("Data sharing"),
    ConsentPurpose.assessment: msg("Assessment"),
}
GIVEN_BY: dict[str, Text] = {
    GivenBy.self_: msg("The person themselves"),
    GivenBy.guardian: msg("A guardian"),
}
REFERRAL_STATUSES: dict[str, Text] = {
    ReferralStatus.pending: msg("Waiting for an answer"),
    ReferralStatus.accepted: msg("Accepted"),
    ReferralStatus.rejected: msg("Rejected"),
    ReferralStatus.completed: msg("Completed"),
    ReferralStatus.revoked: msg("Revoked"),
}
TRANSFER_STATUSES: dict[str, Text] = {
    TransferStatus.pending: msg("Waiting for an answer"),
    TransferStatus.accepted: msg("Accepted"),
    TransferStatus.refused: msg("Refused"),
    TransferStatus.cancelled: msg("Cancelled"),
}
PLAN_STATUSES: dict[str, Text] = {
    PlanStatus.draft: msg("Draft"),
    PlanStatus.proposed: msg("Waiting for approval"),
    PlanStatus.approved: msg("Approved"),
    PlanStatus.returned: msg("Returned"),
    PlanStatus.superseded: msg("Superseded"),
}
VIEWS: dict[str, Text] = {
    View.full: msg("the whole case"),
    View.referral: msg("the referral only"),
    View.summary: msg("the summary before a transfer"),
}
RELATIONS: dict[str, Text] = {
    Relation.owner: msg("your organisation holds the case"),
    Relation.assigned: msg("you are its worker"),
    Relation.receiver: msg("your organisation receives a referral"),
    Relation.transfer_receiver: msg("your organisation is offered the case"),
    Relation.supervisor: msg("you supervise it"),
    Relation.glass: msg("you broke the glass"),
}
KINDS: dict[str, Text] = {
    OrganisationKind.central: msg("Central government"),
    OrganisationKind.regional: msg("Regional government"),
    OrganisationKind.ngo: msg("Foundation or social welfare institution"),
}
Labels = dict[str, dict[str, str]]  # a kind of code (phases, services …) -> code -> its label
SEXES = {"male": 1, "female": 2}  # the registry's code list ``sex``


def rendered(labels: dict[str, Text], language: Language) -> dict[str, str]:
    return {str(code): text.render(language) for code, text in labels.items()}


def service_types(language: Language) -> dict[str, str]:
    """The ten ATENSI service types by code, named as the PPKS taxonomy names them."""
    return {s.code.value: s.name.text(language) for s in taxonomy.taxonomy().services}


def categories(language: Language) -> dict[str, str]:
    return {c.code: c.name.text(language) for c in taxonomy.categories()}


def programmes(language: Language) -> dict[str, str]:
    """The programmes a service record may name (the PPKS needs profile), by their registry labels."""
    found = {}
    for programme in needs_profile().programmes:
        listed = codelist(programme.source)
        key = programme.flag if programme.flag is not None else programme.code
        found[programme.code] = listed.label(key, language)
    return found


def sex(value: str | None, language: Language) -> str:
    return codelist("sex").label(SEXES[value], language) if value in SEXES else ""


def page_labels(language: Language) -> Labels:
    """Every label the case templates use, rendered once per page."""
    return {
        "phases": rendered(PHASES, language),
        "transitions": rendered(TRANSITIONS, language),
        "risks": rendered(RISKS, language),
        "needs": rendered(NEEDS, language),
        "outcomes": rendered(OUTCOMES, language),
        "purposes": rendered(PURPOSES, language),
        "given_by": rendered(GIVEN_BY, language),
        "referral_statuses": rendered(REFERRAL_STATUSES, language),
        "transfer_statuses": rendered(TRANSFER_STATUSES, language),
        "plan_statuses": rendered(PLAN_STATUSES, language),
        "views": rendered(VIEWS, language),
        "relations": rendered(RELATIONS, language),
        "kinds": rendered(KINDS, language),
        "services": service_types(language),
        "categories": categories(language),
        "programmes": programmes(language),
    }
