"""All of the cases slice's SQL (functions take a connection and never commit): ``cases`` (the case rows,
categories, transitions), ``records`` (assessments, plans, services, outcomes, notes), ``handovers``
(consents, referrals, transfers, break-the-glass grants), ``caseload`` (inboxes, dashboards, the services
delivered). The modules do not import each other."""
