"""A data subject's restriction (``service/subjects.py``) reaches the partners: from the moment it is
recorded, the person is left out of every partner read, and the answer says that someone was withheld."""

from __future__ import annotations

from inklusi.access import service as access
from inklusi.sharing import service as sharing
from inklusi.sharing.service import RequestInput, SharedQuery
from tests.sharing.world import partner

PURPOSE = "Verifikasi calon penerima zakat"


def test_a_restricted_person_is_withheld_from_the_partner(ctx, world):
    foundation = partner(ctx, world.foundation_client)
    household = world.jakarta[0]
    spouse = world.person(household, 1)
    before = sharing.search(ctx, foundation, purpose=PURPOSE, query=SharedQuery())
    shared_niks = {m["person.nik"] for h in before.households for m in h.members}
    assert world.niks[spouse] in shared_niks

    admin = access.principal_of(ctx, "admin")
    sharing.submit_request(
        ctx, admin, RequestInput(kind="restriction", statement="Jangan bagikan data saya", person_id=spouse)
    )

    after = sharing.search(ctx, foundation, purpose=PURPOSE, query=SharedQuery())
    members = [m for h in after.households for m in h.members]
    assert world.niks[spouse] not in {m["person.nik"] for m in members}
    assert len(members) == len(shared_niks) - 1  # only the restricted person left out
    assert any("restrict" in str(text).lower() for text in after.withheld)
    # the household looked up by its head's NIK: the spouse is not in it
    looked_up = sharing.lookup(
        ctx, foundation, purpose=PURPOSE, by="nik", value=world.niks[world.person(household)]
    )
    assert world.niks[spouse] not in {m["person.nik"] for h in looked_up.households for m in h.members}
