"""PPKS in ``inklusi demo``: after the welfare ranking, run the identification rules over the registry and
let the demo's case worker (Kota Bandung) verify a few candidates and reject one, as after home visits,
through the PPKS service like any caller (scoped and audited as that worker); then (after ``between``: the
demo's case management, whose recorded services meet needs) run the rules again, as a later round would, so
that the stored aggregates count the decisions and the services and have a previous run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.cases import service as cases
from inklusi.context import Context
from inklusi.i18n import msg
from inklusi.ppks import service as ppks
from inklusi.ppks.flags import FlagStatus

VERIFIED = 3  # candidates the worker verifies; the next one is rejected
WORKER_AREA = "32.73"  # Kota Bandung: the demo's case worker


@dataclass(frozen=True)
class DemoPpks:
    run: ppks.RunSummary
    worker: str
    verified: int
    rejected: int
    again: ppks.RunSummary  # the run after the decisions: its aggregates are the ones served


def identify_and_verify_demo(
    ctx: Context,
    worker: tuple[str, str],
    *,
    progress: Callable[..., None] = lambda _text, _done=0, _total=None: None,
    between: Callable[[], object] = lambda: None,
) -> DemoPpks:
    """Identify candidates, then ``worker`` (username, password) decides the first few of their area;
    ``between`` runs before the rules run again."""
    run = ppks.identify(ctx, Principal.system("demo"), progress=progress)
    progress(msg("A case worker verifies a few PPKS candidates after home visits"))
    principal = access.authenticate(ctx, *worker)
    page = ppks.candidates_in(ctx, principal, WORKER_AREA, status=FlagStatus.candidate, limit=VERIFIED + 1)
    verified = rejected = 0
    for index, flag in enumerate(page.flags):
        if index < VERIFIED:
            ppks.verify(ctx, principal, flag.id, note="Kunjungan rumah (demo)")
            verified += 1
        else:
            ppks.reject(ctx, principal, flag.id, reason="Kunjungan rumah: tidak sesuai (demo)")
            rejected += 1
    between()
    return DemoPpks(run, worker[0], verified, rejected, identify_again(ctx, progress=progress))


def identify_again(
    ctx: Context, *, progress: Callable[..., None] = lambda _text, _done=0, _total=None: None
) -> ppks.RunSummary:
    """Run the rules again, counting the services the cases recorded as meeting needs."""
    progress(msg("Identifying again: the stored aggregates count the decisions"))
    return ppks.identify(
        ctx, Principal.system("demo"), services=cases.delivered_services(ctx), progress=progress
    )
