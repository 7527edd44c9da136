"""The sharing slice's HTTP edges. ``router`` is mounted under ``/api/v1`` (agreements, partner clients,
the partner API, released tables, data-subject requests); ``dci_router`` serves the DCI Social Registry API
under its own prefix. Every rule (permissions, agreement, scope, audit) is the service's."""

from fastapi import APIRouter

from inklusi.sharing.api import agreements, dci, partner, releases, subjects

router = APIRouter()
for part in (agreements, partner, releases, subjects):
    router.include_router(part.router)
dci_router = APIRouter()
dci_router.include_router(dci.router)
