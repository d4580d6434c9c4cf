"""Who or what made a change: the context each event of the record of changes carries (docs/adr/0025).

    with recorded("import", run=run.pk, file=run.file_name) as context:   # every change inside is the import's
        ...                                                              # context.id: find them again

`via` is one of: admin (which staff member, on which page: RecordChangesMiddleware), import and undo (which run
and file), command (a management command), migration (`manage.py migrate`), worker. A change made outside any
context (psql, say) is still recorded, with none.

The context is two settings of the database session (`pghistory.context_id`, `pghistory.context_metadata`),
which the record's triggers read (django-pghistory's `_pgh_attach_context()`). They are set for the session,
not by prefixing each statement as pghistory.context() does: that cannot work with server-side binding
(settings.py), and a session setting reaches every statement on the connection, through Django's cursor or
psycopg's own (the imports' COPY and set-based SQL). Contexts nest: the inner one holds until it ends, then
the outer one is back.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection
from django.dispatch import Signal

logger = logging.getLogger(__name__)

VIA = ("admin", "import", "undo", "command", "migration", "worker")
_stack = threading.local()
# Sent when a context ends, with its context_id: what it changed can now be read from the record
# (providers/edge/purge.py tells shared caches which pages changed).
changes_recorded = Signal()


@dataclass(frozen=True)
class Context:
    id: uuid.UUID
    metadata: dict


@contextmanager
def recorded(via: str, **details):
    """Every change made inside is recorded as made `via` this, with `details`. Yields its Context."""
    if via not in VIA:
        raise ValueError(f"Unknown context {via!r}")
    context = Context(id=uuid.uuid4(), metadata={"via": via, **details})
    contexts = _contexts()
    contexts.append(context)
    _set(context)
    try:
        yield context
    finally:
        contexts.pop()
        try:
            _set(contexts[-1] if contexts else None)
        except DatabaseError:
            # The enclosing transaction failed; rolling it back puts the session's setting back as it was.
            logger.debug("Could not restore the record's context on a failed transaction")
        else:
            changes_recorded.send(sender=Context, context_id=context.id)


def _contexts() -> list[Context]:
    if not hasattr(_stack, "contexts"):
        _stack.contexts = []
    return _stack.contexts


def _set(context: Context | None) -> None:
    """The session's context: for every statement from now on, whatever transaction (none: '')."""
    if context is None and connection.connection is None:
        return  # no connection to clear (it closed): a new one starts without a context
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pghistory.context_id', %s, false), "
                       "set_config('pghistory.context_metadata', %s, false)",
                       [str(context.id) if context else "",
                        json.dumps(context.metadata, cls=DjangoJSONEncoder) if context else ""])


class RecordChangesMiddleware:
    """A signed-in staff member's changes are recorded as theirs: which one, and on which page.

    Only requests that can change something (not GET or HEAD) with a session cookie are looked at, so a
    visitor's page never touches a session or the database for this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return self.get_response(request)
        with recorded("admin", user=user.pk, username=user.get_username(), url=request.path[:300]):
            return self.get_response(request)
