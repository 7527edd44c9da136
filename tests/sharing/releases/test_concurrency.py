"""The ledger under concurrent requests (SQLite and PostgreSQL): its line is locked while a release spends,
so requests racing for the last of a budget never take it past the total, and the same request twice at
once makes one release."""

from __future__ import annotations

import threading
import time

from inklusi.db import utcnow
from inklusi.errors import Conflict
from inklusi.sharing import service
from inklusi.sharing.store import releases as store
from tests.factories import SYSTEM
from tests.sharing.releases.data import ranked


def _race(ctx, asks: list[tuple[str, float]]) -> tuple[list[service.CreatedRelease], list[BaseException]]:
    start = threading.Barrier(len(asks))
    made: list[service.CreatedRelease] = []
    errors: list[BaseException] = []

    def request(level: str, epsilon: float) -> None:
        start.wait()
        try:
            made.append(
                service.create_release(ctx, SYSTEM, dataset="households_decile", level=level, epsilon=epsilon)
            )
        except BaseException as error:  # collected below
            errors.append(error)

    threads = [threading.Thread(target=request, args=ask) for ask in asks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return made, errors


def test_racing_requests_never_exceed_the_budget(ctx):
    ranked(ctx)
    asks = [("province", 1 + i / 1000) for i in range(8)]  # any two fit in 3, no three do
    made, errors = _race(ctx, asks)
    assert len(made) == 2 and all(m.created for m in made)
    assert len(errors) == 6 and all(isinstance(e, Conflict) for e in errors)
    line = next(b for b in service.budget_lines(ctx, SYSTEM) if b.dataset == "households_decile")
    assert line.spent == round(sum(m.release.epsilon for m in made), 3) <= 3
    assert len(service.list_releases(ctx, SYSTEM)) == 2


def test_the_same_request_twice_at_once_makes_one_release(ctx):
    ranked(ctx)
    made, errors = _race(ctx, [("regency", 0.5), ("regency", 0.5)])
    assert errors == []
    assert made[0].release == made[1].release
    assert sorted(m.created for m in made) == [False, True]
    line = next(b for b in service.budget_lines(ctx, SYSTEM) if b.dataset == "households_decile")
    assert line.spent == 0.5


def test_a_locked_ledger_line_makes_the_next_spender_wait(ctx):
    now = utcnow()
    with ctx.transaction() as conn:
        store.ensure_budget(conn, "households_decile", "public", None, 3000, now)
    seen: list[int] = []

    def second() -> None:
        with ctx.transaction() as conn:
            line = store.locked_budget(conn, "households_decile", "public")
            seen.append(line["spent_milli"])

    with ctx.transaction() as conn:
        line = store.locked_budget(conn, "households_decile", "public")
        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.5)
        assert seen == [] and waiting.is_alive()  # blocked by the lock
        assert store.add_spent(conn, "households_decile", "public", 700, now)
        assert line["spent_milli"] == 0
    waiting.join(timeout=10)
    assert seen == [700]  # it read the line after the first spender committed
    with ctx.transaction() as conn:
        assert not store.add_spent(conn, "households_decile", "public", 2301, now)  # past the budget
        assert store.add_spent(conn, "households_decile", "public", 2300, now)
