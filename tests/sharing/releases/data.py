"""Registries for the release tests: a crafted welfare ranking (tests.welfare.pages) and crafted PPKS flags
found by a real identification run (tests.ppks.conftest); agreements to release for, drafted by a steward
and approved by a privacy officer (tests.sharing.world)."""

from __future__ import annotations

from uuid import UUID

from inklusi.ids import new_id
from inklusi.ppks import service as ppks
from inklusi.sharing import service as sharing
from tests.factories import SYSTEM, user
from tests.ppks.conftest import craft
from tests.sharing.world import approved, organisation, terms
from tests.welfare.pages import rank


def ranked(ctx):
    return rank(ctx)


def flagged(ctx):
    crafted = craft(ctx)
    ppks.identify(ctx, SYSTEM)
    return crafted


def agreement(ctx, *, approve: bool = True, **changes) -> UUID:
    """An agreement (approved unless ``approve`` is False) that allows every operation (``aggregates``
    included) unless ``changes`` say otherwise."""
    suffix = new_id().hex[-6:]
    drafter = user(ctx, f"pengelola.{suffix}", ("steward", None))
    approver = user(ctx, f"petugas.{suffix}", ("privacy_officer", None))
    drafted = terms(organisation(ctx, f"Mitra {suffix}"), name=f"Perjanjian {suffix}", **changes)
    if approve:
        return approved(ctx, drafter, approver, drafted)
    return sharing.draft_agreement(ctx, drafter, drafted).id
