"""The PPKS needs profile: programmes mapped to ATENSI service types, and what counts as an unmet need."""

from __future__ import annotations

import pytest

from inklusi.errors import Invalid
from inklusi.ppks.model import ServiceType
from inklusi.ppks.needs import (
    category_masks,
    has_unmet_need,
    is_unserved,
    needs_mask,
    needs_profile,
    parse_needs,
    service_bit,
    services_of,
)
from inklusi.ppks.taxonomy import category
from inklusi.registry.codelists import codelist


def test_every_programme_of_the_registry_is_mapped_once() -> None:
    profile = needs_profile()
    codes = [p.code for p in profile.programmes]
    assert len(codes) == len(set(codes))
    for name in ("person_programme", "family_programme"):
        for key in codelist(name).codes:
            assert profile.programme(str(key)).source == name


def test_the_documented_assumptions() -> None:
    profile = needs_profile()
    assert ServiceType.social_assistance in profile.programme("pkh").meets
    assert ServiceType.social_assistance in profile.programme("bpnt").meets
    assert profile.programme("pbi_jkn").source == "health_insurance"
    assert profile.programme("pbi_jkn").flag == 1
    assert profile.programme("lpg_subsidy").meets == ()
    assert "lpg_subsidy" not in profile.programme_masks()


def test_masks_round_trip_and_follow_the_taxonomy() -> None:
    bits = [service_bit(s) for s in ServiceType]
    assert len(set(bits)) == 10 and all(b & (b - 1) == 0 for b in bits)
    poor = category("poor")
    assert services_of(category_masks()["poor"]) == tuple(sorted(poor.services, key=list(ServiceType).index))
    assert services_of(needs_mask(poor.services)) == services_of(category_masks()["poor"])


def test_unmet_need_and_unserved() -> None:
    needed = needs_mask([ServiceType.social_assistance, ServiceType.social_care])
    assistance = needs_mask([ServiceType.social_assistance])
    both = needed | needs_mask([ServiceType.physical_therapy])
    assert has_unmet_need(needed, 0) and is_unserved(needed, 0)
    assert has_unmet_need(needed, assistance) and not is_unserved(needed, assistance)
    assert not has_unmet_need(needed, both) and not is_unserved(needed, both)
    # a programme meeting only needs the category does not have closes nothing
    other = needs_mask([ServiceType.physical_therapy])
    assert has_unmet_need(needed, other) and is_unserved(needed, other)


def test_a_profile_must_map_every_programme_and_know_its_codes() -> None:
    text = (
        "source: test\nprogrammes:\n"
        "  - {code: pkh, from: family_programme, meets: [social_assistance], basis: x}\n"
    )
    with pytest.raises(Invalid) as caught:
        parse_needs(text)
    assert "bpnt" in str(caught.value.issues[0].text.both())
    wrong = (
        "source: test\nprogrammes:\n"
        "  - {code: not_a_programme, from: family_programme, meets: [social_assistance], basis: x}\n"
    )
    with pytest.raises(Invalid):
        parse_needs(wrong)
    bad_service = (
        "source: test\nprogrammes:\n  - {code: pkh, from: family_programme, meets: [cash], basis: x}\n"
    )
    with pytest.raises(Invalid):
        parse_needs(bad_service)
