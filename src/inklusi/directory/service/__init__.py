"""Use cases of the service directory (Open Referral HSDS 3).

- ``offer``, ``search``: what choosing a referral target needs (the cases slice calls these); ``listing``
  and ``hsds_service`` for the API and the page. Reading the directory needs no permission beyond a login
  (the edges ask for one): it holds no personal data, and reads are not audited.
- ``export_hsds``: every service as an HSDS 3 service object (valid against the shipped schemas).
- ``import_hsds``: services from an HSDS document (a list of services, an HSDS API page with
  ``contents``, or one service), each record checked against the shipped schemas and then against what
  the directory needs (``hsds_in``); valid records go in, upserted by their HSDS ids in one transaction,
  invalid ones are reported per record and field (``directory:manage``, audited).
- ``link_organisation``: which Inklusi organisation answers referrals to a directory organisation's
  services (``directory:manage``, audited).
"""

from inklusi.directory.model import Offer
from inklusi.directory.service.importing import (
    MAX_RECORDS,
    ImportReport,
    import_hsds,
    read_document,
    records_of,
    require_manage,
)
from inklusi.directory.service.organisations import link_organisation
from inklusi.directory.service.reading import (
    MAX_PAGE,
    Listing,
    as_hsds,
    export_hsds,
    hsds_service,
    listing,
    offer,
    search,
)

__all__ = [
    "MAX_PAGE",
    "MAX_RECORDS",
    "ImportReport",
    "Listing",
    "Offer",
    "as_hsds",
    "export_hsds",
    "hsds_service",
    "import_hsds",
    "link_organisation",
    "listing",
    "offer",
    "read_document",
    "records_of",
    "require_manage",
    "search",
]
