"""Releases for agreements, on SQLite and PostgreSQL: only for an agreement that exists, is approved, in
force and allows ``aggregates``, and with sensitive PPKS categories only under its sensitivity ceiling;
a refusal names the agreement and spends nothing. Partners read only their own agreement's tables, within
the ``aggregates`` quota, each read audited."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.errors import Forbidden, Invalid, NotFound, TooManyRequests
from inklusi.ids import new_id
from inklusi.ppks.model import Sensitivity
from inklusi.sharing import service
from inklusi.sharing.model import Operation
from tests.factories import SYSTEM, user
from tests.sharing.releases.data import agreement, flagged, ranked
from tests.sharing.world import ALL_OPERATIONS, partner

HIV = "people_living_with_hiv"
PAST = date.today() - timedelta(days=60)


def _actions(ctx, action: str) -> int:
    entries = audit.search_log(ctx, SYSTEM, LogQuery(action=action), limit=50).entries
    return sum(e.action == action for e in entries)


def _nothing_spent(ctx, agreement_id) -> None:
    assert [b for b in service.budget_lines(ctx, SYSTEM) if b.agreement_id == agreement_id] == []
    assert [r for r in service.list_releases(ctx, SYSTEM) if r.agreement_id == agreement_id] == []


@pytest.mark.parametrize(
    ("situation", "words"),
    [
        ("draft", "is not approved yet"),
        ("revoked", "was revoked: Uji pencabutan"),
        ("expired", "expired on"),
        ("no_aggregates", "does not allow the operation aggregates"),
    ],
)
def test_a_release_needs_an_agreement_in_force_that_allows_aggregates(ctx, situation, words):
    ranked(ctx)
    changes: dict[str, object] = {
        "draft": {"approve": False},
        "expired": {"valid_from": PAST, "valid_to": PAST + timedelta(days=30)},
        "no_aggregates": {
            "operations": {o: q for o, q in ALL_OPERATIONS.items() if o is not Operation.aggregates}
        },
    }.get(situation, {})
    agreement_id = agreement(ctx, **changes)  # type: ignore[arg-type]
    if situation == "revoked":
        steward = user(ctx, "pencabut", ("steward", None))
        service.revoke_agreement(ctx, steward, agreement_id, reason="Uji pencabutan")
    with pytest.raises(Forbidden) as refused:
        service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1, agreement_id=agreement_id)
    text = refused.value.text
    (info,) = [i for i in service.list_agreements(ctx, SYSTEM) if i.agreement.id == agreement_id]
    assert info.agreement.name in text.render("en") and words in text.render("en")
    assert info.agreement.name in text.render("id") and text.render("id") != text.render("en")
    assert refused.value.issues[0].field == "agreement_id"
    _nothing_spent(ctx, agreement_id)
    assert _actions(ctx, "sharing.release") == 0


def test_an_unknown_agreement_is_invalid_input(ctx):
    missing = new_id()
    with pytest.raises(Invalid) as refused:
        service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1, agreement_id=missing)
    assert refused.value.issues[0].field == "agreement_id" and str(missing) in refused.value.text.render("en")


def test_a_sensitive_category_needs_the_agreements_sensitive_ceiling(ctx):
    flagged(ctx)
    personal = agreement(ctx)  # ceiling: personal
    with pytest.raises(Forbidden) as refused:
        service.create_release(
            ctx, SYSTEM, dataset="persons_ppks", epsilon=1, categories=[HIV, "poor"], agreement_id=personal
        )
    words = refused.value.text.render("en")
    assert "sensitivity ceiling personal" in words and HIV in words and "poor" not in words
    assert "batas sensitivitas" in refused.value.text.render("id")
    assert refused.value.issues[0].field == "categories"
    _nothing_spent(ctx, personal)
    # the non-sensitive categories go; under a sensitive ceiling, the sensitive one too
    assert service.create_release(
        ctx, SYSTEM, dataset="persons_ppks", epsilon=1, categories=["poor"], agreement_id=personal
    ).created
    sensitive = agreement(ctx, sensitivity_ceiling=Sensitivity.sensitive)
    made = service.create_release(
        ctx, SYSTEM, dataset="persons_ppks", epsilon=1, categories=[HIV], agreement_id=sensitive
    )
    assert [c.code for c in made.release.columns] == [HIV]


def test_a_revoked_agreement_gets_not_even_its_stored_table_again(ctx):
    ranked(ctx)
    agreement_id = agreement(ctx)
    service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1, agreement_id=agreement_id)
    service.revoke_agreement(ctx, SYSTEM, agreement_id, reason="Uji pencabutan")
    with pytest.raises(Forbidden):
        service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1, agreement_id=agreement_id)


def test_partners_read_their_own_tables_within_quota_and_audited(ctx):
    ranked(ctx)
    quota = dict(ALL_OPERATIONS) | {Operation.aggregates: 2}
    own_id, other_id = agreement(ctx, operations=quota), agreement(ctx)
    own = service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1, agreement_id=own_id)
    other = service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1, agreement_id=other_id)
    public = service.create_release(ctx, SYSTEM, dataset="households_decile", epsilon=1)
    client = service.issue_client(ctx, SYSTEM, own_id, name="Klien uji")
    reader = partner(ctx, client)
    assert [r.id for r in service.partner_releases(ctx, reader)] == [own.release.id]
    table = service.partner_release(ctx, reader, own.release.id, purpose="Perencanaan program")
    assert table == own.release  # the stored table, never noised again
    for elsewhere in (other.release.id, public.release.id, new_id()):
        with pytest.raises(NotFound) as missing:
            service.partner_release(ctx, reader, elsewhere, purpose="Perencanaan program")
        assert reader.agreement.name in missing.value.text.render("en")
    with pytest.raises(Invalid):
        service.partner_release(ctx, reader, own.release.id, purpose="")
    service.partner_release(ctx, reader, own.release.id, purpose="Perencanaan program")
    with pytest.raises(TooManyRequests):  # a quota of 2 tables a day
        service.partner_release(ctx, reader, own.release.id, purpose="Perencanaan program")
    entries = audit.search_log(ctx, SYSTEM, LogQuery(action="sharing.release_read"), limit=10).entries
    assert len(entries) == 2  # the refused and the over-quota reads left none
    assert {json.loads(e.detail)["purpose"] for e in entries} == {"Perencanaan program"}
    assert {e.object_id for e in entries} == {str(own.release.id)}


def test_a_partner_without_aggregates_is_told_why(ctx):
    no_aggregates = {o: q for o, q in ALL_OPERATIONS.items() if o is not Operation.aggregates}
    agreement_id = agreement(ctx, operations=no_aggregates)
    reader = partner(ctx, service.issue_client(ctx, SYSTEM, agreement_id, name="Klien uji"))
    for read in (
        lambda: service.partner_releases(ctx, reader),
        lambda: service.partner_release(ctx, reader, new_id(), purpose="Perencanaan program"),
    ):
        with pytest.raises(Forbidden) as refused:
            read()
        assert "does not allow the operation aggregates" in refused.value.text.render("en")
