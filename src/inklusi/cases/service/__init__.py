"""Use cases of case management (``docs/cases.md``). What this package exports is the slice's interface to
its edges and to the other slices (the import contracts forbid them its submodules).

Every use case finds the principal's relation to the case first (owner organisation, assigned worker,
referral receiver, transfer receiver, supervisor over the area, break-the-glass grant): none, and the case
is not found (404, like an id that does not exist); what they see follows from it (``model.VIEW_PARTS``).
Every read is audited (``case.read`` with the view given, ``case.list``), every write too, in its own
transaction. Guards that refuse a step name themselves (409, 403 for who may, 422 for bad input).

- cases: ``open_case`` (a registry person, or intake of a person not yet known), ``case_view``,
  ``list_cases``, ``cases_of_person``, ``assign``, ``assignable_workers``, ``schedule_follow_up``;
- phases: ``transition``;
- records: ``assessment_draft``, ``record_assessment``, ``record_plan``, ``record_service``,
  ``record_outcome``, ``add_note``;
- handovers: ``refer``, ``accept_referral``, ``reject_referral``, ``complete_referral``,
  ``revoke_referral``; ``propose_transfer``, ``accept_transfer``, ``refuse_transfer``, ``cancel_transfer``;
  ``record_consent``, ``withdraw_consent``;
- access: ``break_glass``, ``access_log``;
- caseloads: ``inbox``, ``organisation_dashboard``, ``area_dashboard``; ``delivered_services`` for the
  PPKS needs picture;
- pages: ``case_screen`` (the case with what the viewer may do on it now, for the web pages).
"""

from inklusi.cases.service.caseload import (
    AreaDashboard,
    GlassNotice,
    Inbox,
    OrganisationDashboard,
    ProtectedTable,
    ReferralCard,
    ReferralFigures,
    TransferCard,
    area_dashboard,
    delivered_services,
    inbox,
    organisation_dashboard,
)
from inklusi.cases.service.cases import (
    CasePage,
    CaseSummary,
    PersonCase,
    assign,
    assignable_workers,
    case_view,
    cases_of_person,
    list_cases,
    open_case,
    schedule_follow_up,
)
from inklusi.cases.service.consents import record_consent, withdraw_consent
from inklusi.cases.service.glass import AccessEntry, access_log, break_glass
from inklusi.cases.service.pages import CaseScreen, TransitionOption, case_screen
from inklusi.cases.service.recording import (
    add_note,
    assessment_draft,
    record_assessment,
    record_outcome,
    record_plan,
    record_service,
)
from inklusi.cases.service.referrals import (
    accept_referral,
    complete_referral,
    refer,
    reject_referral,
    revoke_referral,
)
from inklusi.cases.service.transfers import (
    accept_transfer,
    cancel_transfer,
    propose_transfer,
    refuse_transfer,
)
from inklusi.cases.service.transitions import transition
from inklusi.cases.service.views import (
    AssessmentView,
    CaseRef,
    CaseView,
    ConsentView,
    GlassView,
    Named,
    NoteView,
    OutcomeView,
    PersonCardView,
    PlanItemView,
    PlanView,
    ReferralView,
    ServiceView,
    TransferView,
    TransitionView,
)

__all__ = [
    "AccessEntry",
    "AreaDashboard",
    "AssessmentView",
    "CasePage",
    "CaseRef",
    "CaseScreen",
    "CaseSummary",
    "CaseView",
    "ConsentView",
    "GlassNotice",
    "GlassView",
    "Inbox",
    "Named",
    "NoteView",
    "OrganisationDashboard",
    "OutcomeView",
    "PersonCardView",
    "PersonCase",
    "PlanItemView",
    "PlanView",
    "ProtectedTable",
    "ReferralCard",
    "ReferralFigures",
    "ReferralView",
    "ServiceView",
    "TransferCard",
    "TransferView",
    "TransitionOption",
    "TransitionView",
    "accept_referral",
    "accept_transfer",
    "access_log",
    "add_note",
    "area_dashboard",
    "assessment_draft",
    "assign",
    "assignable_workers",
    "break_glass",
    "cancel_transfer",
    "case_screen",
    "case_view",
    "cases_of_person",
    "complete_referral",
    "delivered_services",
    "inbox",
    "list_cases",
    "open_case",
    "organisation_dashboard",
    "propose_transfer",
    "record_assessment",
    "record_consent",
    "record_outcome",
    "record_plan",
    "record_service",
    "refer",
    "refuse_transfer",
    "reject_referral",
    "revoke_referral",
    "schedule_follow_up",
    "transition",
    "withdraw_consent",
]
