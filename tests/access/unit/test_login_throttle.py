"""Issue 11 #17: the throttling rule itself (counting attempts in a window), without a database."""

from __future__ import annotations

from datetime import timedelta

from inklusi.access.model import LoginLimits, ThrottleState, Verdict, count_attempt
from inklusi.db import utcnow


def test_attempts_count_until_they_are_known_to_succeed():
    limits = LoginLimits(3, 10, timedelta(minutes=15), timedelta(minutes=15))
    now = utcnow()
    state, verdicts = None, []
    for _ in range(4):
        state, verdict = count_attempt(state, limits.account_failures, limits, now)
        verdicts.append(verdict)
    assert verdicts == [Verdict.allowed] * 3 + [Verdict.locked_now]
    assert count_attempt(state, 3, limits, now + timedelta(minutes=14))[1] is Verdict.locked
    after = count_attempt(state, 3, limits, now + timedelta(minutes=16))
    assert after == (ThrottleState(1, now + timedelta(minutes=16)), Verdict.allowed)
    old = ThrottleState(3, now - timedelta(minutes=20))  # outside the window: counting starts again
    assert count_attempt(old, 3, limits, now) == (ThrottleState(1, now), Verdict.allowed)
