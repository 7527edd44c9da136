"""A grant covers its area and below; a permission held somewhere is not held everywhere."""

from inklusi.access.model import Grant, Permission, Principal


def test_grants_cover_their_area_and_below():
    grant = Grant("steward", frozenset({Permission.registry_read}), "32.04")
    assert grant.covers(Permission.registry_read, "32.04.01.2001")
    assert grant.covers(Permission.registry_read, "32.04")
    assert not grant.covers(Permission.registry_read, "32.40.01.2001")  # a prefix of the digits only
    assert not grant.covers(Permission.registry_read, "32")
    assert not grant.covers(Permission.registry_write, "32.04.01.2001")
    principal = Principal(
        None, "x", "x", None, (grant, Grant("auditor", frozenset({Permission.audit_read}), None))
    )
    assert principal.scope(Permission.registry_read).areas == ("32.04",)
    assert principal.scope(Permission.audit_read).national
    assert principal.scope(Permission.registry_write).empty


def test_holding_a_permission_somewhere_is_not_holding_it_everywhere():
    local = Principal(None, "x", "x", None, (Grant("steward", frozenset({Permission.registry_read}), "31"),))
    assert local.holds(Permission.registry_read) and not local.can(Permission.registry_read)
    assert not local.holds(Permission.audit_read)
