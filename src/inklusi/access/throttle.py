"""Login throttling: every attempt counts against the account and the client address until it is known
to have succeeded; past the limits (``INKLUSI_LOGIN_*``) a key is locked out for a while.

The counts live in the database (``login_throttle``), so every worker of the server sees the same ones.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from inklusi.access import store
from inklusi.access.model import LoginLimits, Principal, Verdict, count_attempt
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.db import utcnow
from inklusi.errors import TooManyRequests
from inklusi.i18n import msg


def limits(ctx: Context) -> LoginLimits:
    settings = ctx.settings
    return LoginLimits(
        account_failures=settings.login_max_failures,
        address_failures=settings.login_max_failures_per_address,
        window=timedelta(minutes=settings.login_window_minutes),
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )


def account_key(username: str) -> str:
    """Any username, known or not, is throttled alike (a lockout must not tell which accounts exist)."""
    return "account:" + hashlib.sha256(username.encode()).hexdigest()


def address_key(address: str) -> str:
    return "address:" + address[:64]


def reserve_attempt(ctx: Context, username: str, address: str | None) -> None:
    """Count the attempt against the account and the client address before the password is checked;
    refuse it (429) while either is locked out. The lock is audited when it starts."""
    limits_, now = limits(ctx), utcnow()
    keys = {account_key(username): limits_.account_failures}
    if address:
        keys[address_key(address)] = limits_.address_failures
    with ctx.transaction() as conn:
        store.forget_stale_throttles(conn, now - limits_.window, now)  # the table stays small
        states = store.throttle_states(conn, list(keys), now)
        counted = {key: count_attempt(states[key], limit, limits_, now) for key, limit in keys.items()}
        refused = [state for state, verdict in counted.values() if verdict is not Verdict.allowed]
        for key, (state, verdict) in counted.items():
            if verdict is Verdict.locked_now:
                store.save_throttle(conn, key, state)
                kind = "account" if key.startswith("account:") else "address"
                detail = {"username": username, "address": address, "until": state.locked_until}
                event = Event(
                    kind=events.LOGIN_LOCKED,
                    actor=Principal.system().actor,
                    purpose=Purpose.authentication,
                    object_id=kind,
                    detail=detail,
                )
                audit.record(ctx, conn, event)
            elif not refused:
                store.save_throttle(conn, key, state)
    if refused:
        until = max(state.locked_until for state in refused if state.locked_until is not None)
        seconds = math.ceil((until - now).total_seconds())
        text = msg("Too many failed logins: try again in {minutes} minutes", minutes=math.ceil(seconds / 60))
        raise TooManyRequests(text, seconds)
