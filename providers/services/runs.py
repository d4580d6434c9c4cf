"""The record of each import run: started, finished, and never left 'running' by a dead process.

Each run notes the PostgreSQL connection (backend) its import works on. An
import's writes live in that connection's transaction, so when the process
dies (killed, out of memory, timed out) PostgreSQL ends the backend and rolls
the writes back; `mark_dead_runs` then finds runs still 'running' whose
backend is gone and marks them failed. It runs before every import, and
when an admin opens the run list or a report.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from pathlib import Path

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from providers.models import ImportRun
from providers.services.problems import clip

logger = logging.getLogger(__name__)

MAX_REASON_CHARS = 300
DEAD_RUN_MESSAGE = ("The import stopped before it finished: the program running it ended "
                    "(it may have been stopped, or run out of memory or time). Nothing was imported.")


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def start_run(*, kind: str, path: Path, file_name: str, started_by: str, dry_run: bool) -> ImportRun:
    mark_dead_runs()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        backend_pid, backend_started_at = cursor.fetchone()
    return ImportRun.objects.create(
        kind=kind,
        file_name=clip(file_name, 255),
        file_sha256=file_checksum(path),
        file_size=path.stat().st_size,
        started_by=started_by[:150],
        dry_run=dry_run,
        state=ImportRun.State.RUNNING,
        backend_pid=backend_pid,
        backend_started_at=backend_started_at,
    )


def finish_run(run: ImportRun, *, state: str, message: str = "", problems=None,
               skipped: Counter | None = None) -> ImportRun:
    """Save what the run did. If that fails, save at least 'failed' and why, so it is never left running."""
    run.state = state
    run.finished_at = timezone.now()
    if message:
        run.message = message
    if problems is not None:
        run.errors = problems.messages
        run.error_count = problems.count
    if skipped is not None:
        run.skipped = sum(skipped.values())
        run.skipped_reasons = {clip(reason, MAX_REASON_CHARS): count for reason, count in skipped.most_common(100)}
    try:
        with transaction.atomic():
            run.save()
    except Exception:
        logger.exception("Could not save the report of import run %s; saving a short one", run.pk)
        save_bare_failure(run, "The import stopped and its full report could not be saved. Nothing was imported.")
    return run


def save_bare_failure(run: ImportRun, message: str) -> None:
    """Mark a run failed with a short message.

    Tried on the import's own connection first; if that connection is the
    thing that failed, on a second one.
    """
    run.state, run.finished_at, run.message = ImportRun.State.FAILED, timezone.now(), message
    fields = {"state": run.state, "finished_at": run.finished_at, "message": message}
    try:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(**fields)
        return
    except Exception:
        logger.exception("Could not mark import run %s failed; trying a second connection", run.pk)
    with autocommit_connection() as conn:
        conn.execute("UPDATE providers_importrun SET state = %s, finished_at = %s, message = %s WHERE id = %s",
                     [run.state, run.finished_at, message, run.pk])


def mark_dead_runs() -> int:
    """Mark failed every 'running' run whose database connection has ended. Returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE providers_importrun run SET state = %s, finished_at = now(), message = %s
            WHERE run.state = %s AND NOT EXISTS (
                SELECT 1 FROM pg_stat_activity activity
                WHERE activity.pid = run.backend_pid AND activity.backend_start = run.backend_started_at)
            """,
            [ImportRun.State.FAILED, DEAD_RUN_MESSAGE, ImportRun.State.RUNNING],
        )
        return cursor.rowcount


def autocommit_connection():
    """A second connection to the same database, committing each statement at once."""
    params = {key: value for key, value in connection.get_connection_params().items()
              if key not in {"context", "cursor_factory", "prepare_threshold", "server_side_binding"}}
    return psycopg.connect(**params, autocommit=True)
