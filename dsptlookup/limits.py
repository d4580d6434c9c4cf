"""One limiter for every limit, shared by every app process (docs/adr/0012-hostile-traffic.md).

Each limit allows `burst` requests at once and then `per_second` a second
(the generic cell rate algorithm: one timestamp per client, no counters to
reset). A request over the rate may wait its turn for up to `max_wait`
seconds; past that it is refused. The state is one row per client and limit
in PostgreSQL (an unlogged table; `limit_take()` in migration 0023), so every
app server and process counts together: with N app servers a client still
gets the limit once, not N times. Keys are hashed: no address, IP or email,
is kept in the table.

Used for: expensive requests (dsptlookup.middleware: measured by what they cost, `ask` and `spend`), admin
sign-in and second-factor codes (dsptlookup.login_limits), problem reports (providers.reports) and sign-ups.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils import timezone

from dsptlookup.observability import LIMITED


@dataclass(frozen=True)
class Limit:
    name: str
    per_second: float  # the steady rate
    burst: float  # how many at once, before the rate applies
    max_wait: float = 0.0  # how long a request may wait for its turn (0: refuse at once)


def client_address(request) -> str:
    """The visitor's address: REMOTE_ADDR, or with trusted proxies the address the outermost one saw.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so the entry TRUSTED_PROXY_COUNT from the end was
    written by our own outermost proxy. Entries before it are the
    visitor's to forge, so they are never used.
    """
    if request is None:
        return "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def take(limit: Limit, key: str, *, now: float | None = None) -> float | None:
    """Count one request: seconds to wait for its turn (0.0: go now), or None if refused (not counted)."""
    wait = _call(limit, key, dry=False, now=now)
    if wait is None:
        LIMITED.labels(limit.name).inc()
    return wait


def ask(limit: Limit, key: str, *, now: float | None = None) -> float | None:
    """For a limit measured by cost: seconds to wait before this client's next request may start (0.0: go
    now), or None if refused. Counts nothing: `spend` counts the request's cost once it has run."""
    wait = _cost(limit, key, 0.0, now)
    if wait is None:
        LIMITED.labels(limit.name).inc()
    return wait


def spend(limit: Limit, key: str, cost: float, *, now: float | None = None) -> None:
    """Count what a request cost (in the limit's units: server seconds for heavy pages), however much."""
    if cost > 0:
        _cost(limit, key, cost, now)


def _cost(limit: Limit, key: str, cost: float, now: float | None) -> float | None:
    now = timezone.now().timestamp() if now is None else now
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT limit_cost(%s, %s, %s, %s, %s, %s)",
                       [_key(limit, key), now, 1 / limit.per_second, limit.burst, limit.max_wait, cost])
        return cursor.fetchone()[0]


def would_refuse(limit: Limit, key: str) -> bool:
    """Whether one more request would be refused now (nothing is counted)."""
    return _call(limit, key, dry=True, now=None) is None


def forget(limit: Limit, key: str) -> None:
    """Start this client's count again (a sign-in that succeeded)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("DELETE FROM dsptlookup_limit WHERE key = %s", [_key(limit, key)])


def forget_the_past() -> int:
    """Delete rows that no longer limit anyone (the worker's tidy-up). Returns how many."""
    with connections["default"].cursor() as cursor:
        cursor.execute("DELETE FROM dsptlookup_limit WHERE tat < %s", [timezone.now().timestamp()])
        return cursor.rowcount


def _call(limit: Limit, key: str, *, dry: bool, now: float | None) -> float | None:
    # Always the primary: a replica cannot count. The app's clock, so tests can move it.
    now = timezone.now().timestamp() if now is None else now
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT limit_take(%s, %s, %s, %s, %s, %s)",
                       [_key(limit, key), now, 1 / limit.per_second, limit.burst, limit.max_wait, dry])
        return cursor.fetchone()[0]


def _key(limit: Limit, key: str) -> str:
    return f"{limit.name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
