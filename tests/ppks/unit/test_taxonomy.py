"""The PPKS taxonomy as data: the 26 categories of Permensos 8/2012, checked when it loads."""

from __future__ import annotations

import pytest
import yaml

from inklusi.errors import Invalid
from inklusi.ppks.model import AtensiCluster, Sensitivity, ServiceType
from inklusi.ppks.taxonomy import category, parse_taxonomy, taxonomy


def test_twenty_six_categories_with_unique_codes() -> None:
    codes = taxonomy().codes
    assert len(codes) == 26
    assert len(set(codes)) == 26


def test_every_category_is_complete_and_its_service_types_known() -> None:
    for entry in taxonomy().categories:
        assert entry.name.id and entry.name.en and entry.definition.id and entry.definition.en
        assert entry.services and set(entry.services) <= set(ServiceType)
        assert entry.cluster in set(AtensiCluster)


def test_the_ten_service_types_and_the_clusters_are_named_and_social_protection_is_not_atensi() -> None:
    assert {s.code for s in taxonomy().services} == set(ServiceType)
    assert len(ServiceType) == 10
    flags = {c.code: c.atensi for c in taxonomy().clusters}
    assert flags[AtensiCluster.social_protection] is False
    assert sum(flags.values()) == 5


@pytest.mark.parametrize(
    "code",
    [
        "people_living_with_hiv",
        "persons_with_disabilities",
        "children_with_disabilities",
        "sex_workers",
        "drug_abuse_victims",
        "trafficking_victims",
        "violence_victims",
        "child_victims_of_violence",
        "children_in_conflict_with_the_law",
    ],
)
def test_specific_personal_data_is_sensitive(code: str) -> None:
    assert category(code).sensitivity is Sensitivity.sensitive


@pytest.mark.parametrize("code", ["poor", "neglected_elderly", "homeless", "remote_indigenous_communities"])
def test_other_categories_are_personal(code: str) -> None:
    assert category(code).sensitivity is Sensitivity.personal


def test_an_unknown_category_is_bad_input() -> None:
    with pytest.raises(Invalid):
        category("unicorns")


def _document() -> dict:
    return taxonomy().model_dump(mode="json")


def test_a_repeated_code_or_an_unknown_service_type_is_refused() -> None:
    document = _document()
    document["categories"].append(document["categories"][0])
    with pytest.raises(Invalid) as repeated:
        parse_taxonomy(yaml.safe_dump(document))
    assert "repeat" in str(repeated.value.issues[0].text.params["problem"])
    document = _document()
    document["categories"][0]["services"] = ["massage"]
    with pytest.raises(Invalid) as unknown:
        parse_taxonomy(yaml.safe_dump(document))
    assert unknown.value.issues[0].field.startswith("categories.0.services")


def test_a_wrong_atensi_flag_is_refused() -> None:
    document = _document()
    for cluster in document["clusters"]:
        if cluster["code"] == "perlindungan_sosial":
            cluster["atensi"] = True
    with pytest.raises(Invalid):
        parse_taxonomy(yaml.safe_dump(document))
