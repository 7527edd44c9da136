"""Case management (issue 15): cases of persons in the registry, their phases, assessments, plans, services
and outcomes; handovers between organisations (assign, transfer, referral) under consent; break-the-glass
access; the access log; caseloads and dashboards (``docs/cases.md``)."""
