"""The partner's use cases on SQLite and PostgreSQL: rows and fields only of the agreement, refusals with
their reasons, pseudonyms, match-only, quotas, rate limits, tokens and their end, and the audit."""

from __future__ import annotations

import json

import pytest

from inklusi.audit import service as audit
from inklusi.audit.model import LogQuery
from inklusi.errors import Forbidden, Invalid, TooManyRequests, Unauthenticated
from inklusi.sharing import service as sharing
from inklusi.sharing.model import Operation
from inklusi.sharing.service import SharedQuery
from tests.factories import SYSTEM
from tests.sharing.world import ELDERLY, HIV, approved, partner, terms, token

PURPOSE = "Verifikasi calon penerima zakat"


def reads(ctx, action="sharing.partner_read"):
    return audit.search_log(ctx, SYSTEM, LogQuery(action=action)).entries


def test_a_search_returns_only_the_agreements_rows_and_fields(ctx, world):
    foundation = partner(ctx, world.foundation_client)
    page = sharing.search(ctx, foundation, purpose=PURPOSE, query=SharedQuery())
    # Jakarta (31), deciles 1-4: only the first Jakarta household (decile 2)
    assert page.total == 1 and len(page.households) == 1
    (shared,) = page.households
    allowed = set(foundation.agreement.shared_fields())
    assert set(shared.fields) <= allowed and all(set(m) <= allowed for m in shared.members)
    assert "household.address" not in shared.fields  # dropped
    assert shared.fields["household.area_code"] == "31.71.01"  # generalised to the district
    assert shared.fields["household.decile"] == 2
    assert shared.fields["household.id"] != str(world.jakarta[0])  # pseudonymised
    head = next(m for m in shared.members if m["person.nik"] == world.niks[world.person(world.jakarta[0])])
    assert head["person.birth_date"] == 1980
    assert head["person.ppks_categories"] == [ELDERLY]
    spouse = next(
        m for m in shared.members if m["person.nik"] == world.niks[world.person(world.jakarta[0], 1)]
    )
    assert spouse["person.ppks_categories"] == []  # HIV is sensitive: above the personal ceiling
    assert any("sensitivity ceiling" in str(text) for text in page.withheld)


def test_requests_outside_the_agreement_are_refused_with_the_reason(ctx, world):
    foundation = partner(ctx, world.foundation_client)
    with pytest.raises(Forbidden, match=r"32\.73 is outside agreement Zakat DKI"):
        sharing.search(ctx, foundation, purpose=PURPOSE, query=SharedQuery(area_code="32.73"))
    with pytest.raises(Forbidden, match="Deciles 7 are outside"):
        sharing.search(ctx, foundation, purpose=PURPOSE, query=SharedQuery(deciles=(7,)))
    with pytest.raises(Forbidden, match=HIV):
        sharing.search(ctx, foundation, purpose=PURPOSE, query=SharedQuery(ppks_categories=(HIV,)))
    with pytest.raises(Forbidden, match="No row of agreement Zakat DKI"):  # Bandung: another partner's
        sharing.lookup(
            ctx, foundation, purpose=PURPOSE, by="nik", value=world.niks[world.person(world.bandung[0])]
        )
    with pytest.raises(Forbidden, match="No row of agreement Zakat DKI"):  # Jakarta, decile 7
        sharing.lookup(
            ctx, foundation, purpose=PURPOSE, by="nik", value=world.niks[world.person(world.jakarta[1])]
        )
    with pytest.raises(Forbidden, match=r"shares person\.id pseudonymise"):
        sharing.lookup(
            ctx, foundation, purpose=PURPOSE, by="person_id", value=str(world.person(world.jakarta[0]))
        )
    with pytest.raises(Invalid, match="purpose"):
        sharing.search(ctx, foundation, purpose=" ", query=SharedQuery())
    assert reads(ctx) == []  # nothing returned, nothing read


def test_lookups_by_nik_id_and_pseudonym(ctx, world):
    foundation = partner(ctx, world.foundation_client)
    head = world.person(world.jakarta[0])
    page = sharing.lookup(ctx, foundation, purpose=PURPOSE, by="nik", value=world.niks[head])
    (shared,) = page.households
    token_of_household = shared.fields["household.id"]
    again = sharing.lookup(ctx, foundation, purpose=PURPOSE, by="pseudonym", value=str(token_of_household))
    assert again.households[0].fields == shared.fields  # stable for one partner
    person_token = next(m["person.id"] for m in shared.members if m["person.nik"] == world.niks[head])
    by_person = sharing.lookup(ctx, foundation, purpose=PURPOSE, by="pseudonym", value=str(person_token))
    assert by_person.households[0].fields["household.id"] == token_of_household
    # another partner's pseudonym is not one of this agreement's
    ministry = partner(ctx, world.ministry_client)
    b_page = sharing.lookup(ctx, ministry, purpose=PURPOSE, by="household_id", value=str(world.bandung[0]))
    kk_token = b_page.households[0].fields["household.kk_number"]
    with pytest.raises(Forbidden):
        sharing.lookup(ctx, foundation, purpose=PURPOSE, by="pseudonym", value=str(kk_token))
    assert set(b_page.households[0].fields) <= set(ministry.agreement.shared_fields())
    assert len(reads(ctx)) == 4


def test_two_partners_get_different_pseudonyms_for_one_person(ctx, world):
    shared_fields = {
        "person.nik": sharing_transform("pseudonymise"),
        "household.decile": sharing_transform("as_is"),
    }
    other = approved(
        ctx, world.drafter, world.approver,
        terms(world.ministry, name="Kedua", areas=("31",), fields=shared_fields),
    )  # fmt: skip
    third = approved(
        ctx, world.drafter, world.approver,
        terms(world.foundation, name="Ketiga", areas=("31",), fields=shared_fields),
    )  # fmt: skip
    tokens = []
    for agreement_id in (other, third):
        client = sharing.issue_client(ctx, world.drafter, agreement_id, name="c")
        page = sharing.search(ctx, partner(ctx, client), purpose=PURPOSE, query=SharedQuery(area_code="31"))
        tokens.append(sorted(m["person.nik"] for h in page.households for m in h.members))
    assert len(tokens[0]) == 5 and not set(tokens[0]) & set(tokens[1])
    assert all(len(t) == 32 for t in tokens[0])


def sharing_transform(name):
    from inklusi.sharing.model import Transform

    return Transform(name)


def test_match_answers_yes_or_no_and_is_audited(ctx, world):
    foundation = partner(ctx, world.foundation_client)
    head = world.niks[world.person(world.jakarta[0])]
    assert sharing.match(ctx, foundation, purpose=PURPOSE, nik=head, deciles=(1, 2, 3, 4), area_code="31.71")
    assert not sharing.match(ctx, foundation, purpose=PURPOSE, nik=head, deciles=(3, 4), area_code=None)
    poorer = world.niks[world.person(world.jakarta[1])]
    assert not sharing.match(
        ctx, foundation, purpose=PURPOSE, nik=poorer, deciles=(1, 2, 3, 4), area_code=None
    )
    with pytest.raises(Forbidden, match="Deciles 5"):
        sharing.match(ctx, foundation, purpose=PURPOSE, nik=head, deciles=(4, 5), area_code=None)
    entries = reads(ctx, "sharing.partner_match")
    assert sorted(json.loads(e.detail)["answer"] for e in entries) == ["no", "no", "yes"]
    assert head not in "".join(e.detail for e in entries)  # the NIK is stored as a keyed hash


def test_extract_streams_every_row_and_audits_each_chunk(ctx, world):
    ministry = partner(ctx, world.ministry_client)
    extract = sharing.extract(ctx, ministry, purpose=PURPOSE, query=SharedQuery())
    households = [h for chunk in extract.chunks for h in chunk.households]
    assert extract.total == 2 and {h.fields["household.id"] for h in households} == {
        str(i) for i in world.bandung
    }
    (entry,) = reads(ctx)
    assert json.loads(entry.detail)["operation"] == "extract"


def test_quotas_are_counted_per_agreement_and_refused_past_them(ctx, world):
    small = approved(
        ctx, world.drafter, world.approver,
        terms(world.ministry, name="Kecil", areas=("32",),
              operations={Operation.search: 3, Operation.extract: 1}),
    )  # fmt: skip
    client = sharing.issue_client(ctx, world.drafter, small, name="c")
    p = partner(ctx, client)
    sharing.search(ctx, p, purpose=PURPOSE, query=SharedQuery())  # 2 rows
    with pytest.raises(TooManyRequests, match="allows 3 rows a day for search"):
        sharing.search(ctx, p, purpose=PURPOSE, query=SharedQuery())
    with pytest.raises(TooManyRequests, match="extract"):
        sharing.extract(ctx, p, purpose=PURPOSE, query=SharedQuery())
    with pytest.raises(Forbidden, match="does not allow the operation lookup"):
        sharing.lookup(ctx, p, purpose=PURPOSE, by="household_id", value=str(world.bandung[0]))
    assert len(reads(ctx)) == 1


def test_revocation_rotation_and_expiry_take_effect_on_the_next_request(ctx, world):
    access_token = token(ctx, world.foundation_client)
    sharing.authenticate_partner(ctx, access_token)
    rotated = sharing.rotate_secret(ctx, world.drafter, world.foundation_client.client_id)
    with pytest.raises(Unauthenticated):
        sharing.authenticate_partner(ctx, access_token)
    with pytest.raises(sharing.OAuthError):
        sharing.issue_token(ctx, world.foundation_client.client_id, world.foundation_client.client_secret)
    fresh = token(ctx, rotated)
    sharing.authenticate_partner(ctx, fresh)
    sharing.revoke_agreement(ctx, world.drafter, world.foundation_agreement, reason="Kerja sama berakhir")
    with pytest.raises((Forbidden, Unauthenticated)):
        sharing.authenticate_partner(ctx, fresh)
    with pytest.raises(sharing.OAuthError, match="revoked"):
        token(ctx, rotated)
    ministry_token = token(ctx, world.ministry_client)
    sharing.revoke_client(ctx, world.drafter, world.ministry_client.client_id, reason="Bocor")
    with pytest.raises(Unauthenticated):
        sharing.authenticate_partner(ctx, ministry_token)


def test_an_agreement_past_its_end_is_refused_with_the_day(ctx, world, monkeypatch):
    live = token(ctx, world.foundation_client)
    day = sharing.today(ctx)
    from inklusi.sharing.service import agreements

    monkeypatch.setattr(agreements, "utcnow", lambda: _after(day, 400))
    with pytest.raises(Forbidden, match="expired on"):
        sharing.authenticate_partner(ctx, live)


def _after(day, days):
    from datetime import UTC, datetime, time, timedelta

    return datetime.combine(day + timedelta(days=days), time(12), tzinfo=UTC)


def test_the_rate_limit_answers_429_with_the_wait(ctx, world):
    slow = approved(
        ctx, world.drafter, world.approver, terms(world.ministry, name="Lambat", rate_per_minute=2)
    )
    client = sharing.issue_client(ctx, world.drafter, slow, name="c")
    access_token = token(ctx, client)
    sharing.authenticate_partner(ctx, access_token)
    sharing.authenticate_partner(ctx, access_token)
    with pytest.raises(TooManyRequests, match="2 requests a minute") as refused:
        sharing.authenticate_partner(ctx, access_token)
    assert 1 <= refused.value.retry_after <= 60


def test_n_reads_write_n_audit_rows_and_the_chain_verifies(ctx, world):
    foundation = partner(ctx, world.foundation_client)
    head = world.niks[world.person(world.jakarta[0])]
    n = 5
    for _ in range(n):
        sharing.lookup(ctx, foundation, purpose=PURPOSE, by="nik", value=head)
    entries = reads(ctx)
    assert len(entries) == n
    detail = json.loads(entries[0].detail)
    assert detail["households"] == [str(world.jakarta[0])]
    assert set(detail["persons"]) == {str(p) for p in world.members[world.jakarta[0]]}
    assert detail["purpose"] == PURPOSE and entries[0].actor_name == f"partner:{foundation.client_id}"
    assert audit.verify(ctx, SYSTEM).intact


def test_a_ppks_scoped_agreement_shares_only_flagged_members(ctx, world):
    scoped = approved(
        ctx, world.drafter, world.approver,
        terms(world.ministry, name="Lansia", areas=("31",), ppks_categories=(ELDERLY,)),
    )  # fmt: skip
    p = partner(ctx, sharing.issue_client(ctx, world.drafter, scoped, name="c"))
    page = sharing.search(ctx, p, purpose=PURPOSE, query=SharedQuery())
    (shared,) = page.households
    assert [m["person.nik"] for m in shared.members] == [world.niks[world.person(world.jakarta[0])]]
    assert any("flagged" in str(t) for t in page.withheld)


def test_client_keys_for_dci(ctx, world):
    client_id = world.ministry_client.client_id
    assert sharing.client_keys(ctx, client_id) == sharing.ClientKeys(None, None)
    jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "abc", "kid": "k1"}]}
    sharing.set_client_keys(ctx, world.drafter, client_id, jwks=jwks, callback_url="https://mitra.example/cb")
    assert sharing.client_keys(ctx, client_id) == sharing.ClientKeys(jwks, "https://mitra.example/cb")
    with pytest.raises(Invalid):
        sharing.set_client_keys(ctx, world.drafter, client_id, jwks={"keys": "no"}, callback_url=None)
    with pytest.raises(Forbidden):
        sharing.set_client_keys(ctx, world.approver, client_id, jwks=None, callback_url=None)
