"""``Principal.require``: the one "may the principal do this at all" check. Pure, no database."""

import pytest

from inklusi.access.model import REFUSALS, Grant, Permission, Principal
from inklusi.audit.model import AUDIT_READ
from inklusi.errors import Forbidden
from inklusi.i18n import msg

EVERY = frozenset(Permission)


def principal(*grants: Grant) -> Principal:
    return Principal(None, "x", "x", None, grants)


def test_a_national_grant_reaches_everywhere():
    scope = principal(Grant("admin", EVERY, None)).require(Permission.registry_read)
    assert scope.national and scope.covers("32.04.01.2001") and scope.covers("91")
    for permission in Permission:
        assert principal(Grant("admin", EVERY, None)).require(permission).national


def test_an_area_grant_reaches_its_areas_only():
    enumerator = principal(
        Grant("enumerator", frozenset({Permission.registry_read}), "32.04"),
        Grant("enumerator", frozenset({Permission.registry_read}), "11.01"),
    )
    scope = enumerator.require(Permission.registry_read)
    assert not scope.national and scope.areas == ("11.01", "32.04")
    assert scope.covers("32.04.01.2001") and not scope.covers("32.40.01.2001")


@pytest.mark.parametrize(
    ("permission", "text"),
    [
        (Permission.registry_read, msg("You may not read the registry")),
        (Permission.registry_write, msg("You may not change the registry")),
        (Permission.audit_read, msg("You lack the permission {permission}", permission="audit:read")),
        (Permission.users_manage, msg("You lack the permission {permission}", permission="users:manage")),
    ],
)
def test_a_missing_grant_is_refused_with_what_was_refused(permission, text):
    reader = principal(Grant("reader", frozenset({Permission.registry_read}), "32.04"))
    if permission is Permission.registry_read:
        reader = principal()
    with pytest.raises(Forbidden) as raised:
        reader.require(permission)
    assert raised.value.text == text == REFUSALS[permission]
    assert raised.value.text.render("id") != raised.value.text.render("en")  # translated


def test_every_permission_has_its_refusal():
    assert set(REFUSALS) == set(Permission)


def test_a_refusal_of_the_callers_own_replaces_the_permissions():
    with pytest.raises(Forbidden) as raised:
        principal().require(Permission.registry_write, msg("Only data stewards see imports"))
    assert raised.value.text.msgid == "Only data stewards see imports"


@pytest.mark.parametrize("permission", [Permission.audit_read, Permission.users_manage])
def test_system_wide_permissions_count_only_nationwide(permission):
    """An auditor or user administrator limited to an area holds nothing: the log and the accounts are
    not divided by area."""
    limited = principal(Grant("auditor", frozenset({permission}), "32.04"))
    assert limited.holds(permission)
    with pytest.raises(Forbidden):
        limited.require(permission)
    assert principal(Grant("auditor", frozenset({permission}), None)).require(permission).national


def test_the_system_holds_everything_and_the_audit_core_names_its_permission():
    for permission in Permission:
        assert Principal.system().require(permission).national
    assert Principal.system().require(AUDIT_READ).national  # as the audit service asks, by value
