"""The sharing slice's HTTP edges. ``router`` is mounted under ``/api/v1`` (agreements, partner clients,
the partner API, released tables, data-subject requests); ``dci_router`` serves the DCI Social Registry API
under its own prefix. Every rule (permissions, agreement, scope, audit) is the service's."""

from fastapi import APIRouter

from inklusi.sharing.api import agreements, partner

router = APIRouter()
dci_router = APIRouter()
router.include_router(agreements.router)
router.include_router(partner.router)
