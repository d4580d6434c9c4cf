"""Public reads from a read replica, everything else from the primary (docs/scaling.md).

With DATABASE_REPLICA_URL set, the database alias "replica" exists and
`PrimaryReplicaRouter` sends reads there, but only for a public GET or HEAD
request (`ReplicaMiddleware` says so for the request). Writes, the admin,
the worker, management commands and tests read from the primary, so an
admin sees their import at once.

The replica is used only while it is healthy: each process asks it at most
every REPLICA_CHECK_SECONDS whether it answers and how far behind the
primary it is. Stopped, or more than REPLICA_MAX_LAG_SECONDS behind, and
reads go to the primary until it is back, without a restart. A request whose
replica fails in the middle is run again on the primary, so the visitor
never sees it.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)
REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD")
_may_use: contextvars.ContextVar[bool] = contextvars.ContextVar("may_use_replica", default=False)
# Whether this request has read from the replica: set by the router, read when a database error comes.
_used: contextvars.ContextVar[dict | None] = contextvars.ContextVar("used_replica", default=None)

# How far behind the primary the replica is: 0 when it has replayed all it received.
LAG_SQL = """SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                    ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END"""


class _Health:
    """The last answer about the replica, shared by the threads of one process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.healthy = False
        self.reason = "not checked"

    def usable(self) -> bool:
        if time.monotonic() - self.checked_at >= settings.REPLICA_CHECK_SECONDS and self.lock.acquire(blocking=False):
            try:  # one thread checks; the others go on with the last answer
                self.check()
            finally:
                self.lock.release()
        return self.healthy

    def check(self) -> None:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
            self.healthy, self.reason = lag <= settings.REPLICA_MAX_LAG_SECONDS, f"{lag:.1f} s behind"
        except (OperationalError, InterfaceError) as error:
            connections[REPLICA].close()
            self.healthy, self.reason = False, f"not answering: {str(error).strip()[:200]}"
        if not self.healthy:
            logger.warning("Reading from the primary: the replica is %s", self.reason)
        self.checked_at = time.monotonic()

    def mark_down(self, reason: str) -> None:
        self.healthy, self.reason, self.checked_at = False, reason, time.monotonic()
        connections[REPLICA].close()


health = _Health()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def in_use() -> bool:
    """Whether this request's reads go to the replica now."""
    return _may_use.get() and configured() and health.usable()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if in_use():
            used = _used.get()
            if used is not None:
                used["replica"] = True
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Public GET and HEAD requests may read from the replica; if it fails during one, run it again
    on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured() or request.method not in SAFE_METHODS or request.path.startswith("/admin/"):
            return self.get_response(request)
        token, used = _may_use.set(True), _used.set({"replica": False})
        try:
            response = self.get_response(request)
            if getattr(request, "replica_failed", False):
                health.mark_down("failed during a request")
                _may_use.set(False)
                response = self.get_response(request)
            return response
        finally:
            _may_use.reset(token)
            _used.reset(used)


def note_failure(request) -> bool:
    """Called on a database error: True if this request read from the replica and the replica has failed,
    so the request should be run again on the primary.

    Whether it used the replica is asked of this request, not of the replica's health now: another
    thread may have marked the replica down a moment after this request began reading from it.
    """
    used = _used.get()
    if not (_may_use.get() and configured() and used and used["replica"]):
        return False
    health.check()  # was it the replica, or the primary?
    request.replica_failed = not health.healthy
    return request.replica_failed
