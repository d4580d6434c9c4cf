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
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from providers import freshness
from providers.imports.models import ImportRun
from providers.imports.problems import clip

logger = logging.getLogger(__name__)

MAX_REASON_CHARS = 300
# The advisory lock every import holds while it runs (any number: ours alone).
IMPORT_LOCK_KEY = 7_351_001
# What the live report says an import is doing.
WAITING_FOR_WORKER = "Waiting for the worker to pick it up"
WAITING_FOR_IMPORT = "Waiting for another import to finish"
READING = "Reading the file"
WRITING = "Checking and writing the changes"
DEAD_RUN_MESSAGE = ("The import stopped before it finished: the program running it ended "
                    "(it may have been stopped, or run out of memory or time). Nothing was imported.")


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def queue_run(*, kind: str, upload, file_name: str, started_by: str, dry_run: bool, as_of=None) -> ImportRun:
    """Record an import of an uploaded file (a StoredFile) that waits for the worker; `start_run(queued=...)`
    picks it up."""
    return ImportRun.objects.create(
        kind=kind, file_name=clip(file_name, 255), file_size=upload.size, started_by=started_by[:150],
        dry_run=dry_run, state=ImportRun.State.QUEUED, stage=WAITING_FOR_WORKER, upload=upload, data_as_of=as_of,
    )


def start_run(*, kind: str, path: Path, file_name: str, started_by: str, dry_run: bool,
              queued: ImportRun | None = None) -> ImportRun:
    """Record that an import has started, on this process's database connection.

    queued: a run recorded earlier by `queue_run`, which this import carries on.
    """
    mark_dead_runs()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        backend_pid, backend_started_at = cursor.fetchone()
    run = queued or ImportRun(file_name=clip(file_name, 255), started_by=started_by[:150], dry_run=dry_run)
    run.kind, run.state, run.stage = kind, ImportRun.State.RUNNING, READING
    run.file_sha256, run.file_size = file_checksum(path), path.stat().st_size
    run.backend_pid, run.backend_started_at = backend_pid, backend_started_at
    run.save()
    return run


@contextmanager
def one_import_at_a_time(run: ImportRun, *, poll_seconds: float = 1.0):
    """Wait until no other import is running, then hold the lock until this one ends.

    Imports change the same tables, so they take turns. The lock is a
    PostgreSQL advisory lock on this connection: if the process dies, the
    database ends the connection and the lock goes with it.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
        if not cursor.fetchone()[0]:
            set_stage(run, WAITING_FOR_IMPORT)
            while True:
                time.sleep(poll_seconds)
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
            set_stage(run, READING)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])


def set_stage(run: ImportRun, stage: str) -> None:
    """Say what the import is doing now. Committed at once, outside the import's own transaction."""
    run.stage = stage
    try:
        with autocommit_connection() as conn:
            conn.execute("UPDATE providers_importrun SET stage = %s WHERE id = %s", [stage, run.pk])
    except psycopg.Error:
        logger.warning("Could not record the stage of import run %s", run.pk)


def finish_run(run: ImportRun, *, state: str, message: str = "", problems=None,
               skipped: Counter | None = None) -> ImportRun:
    """Save what the run did. If that fails, save at least 'failed' and why, so it is never left running."""
    run.state, run.stage = state, ""
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
        if state == ImportRun.State.SUCCEEDED:
            freshness.forget()
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
    run.stage = ""
    fields = {"state": run.state, "finished_at": run.finished_at, "message": message, "stage": ""}
    try:
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(**fields)
        return
    except Exception:
        logger.exception("Could not mark import run %s failed; trying a second connection", run.pk)
    with autocommit_connection() as conn:
        conn.execute("UPDATE providers_importrun SET state = %s, finished_at = %s, message = %s, stage = '' WHERE id = %s",
                     [run.state, run.finished_at, message, run.pk])


def mark_dead_runs() -> int:
    """Mark failed every 'running' run whose database connection has ended. Returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE providers_importrun run SET state = %s, finished_at = %s, message = %s, stage = ''
            WHERE run.state = %s AND NOT EXISTS (
                SELECT 1 FROM pg_stat_activity activity
                WHERE activity.pid = run.backend_pid AND activity.backend_start = run.backend_started_at)
            """,
            [ImportRun.State.FAILED, timezone.now(), DEAD_RUN_MESSAGE, ImportRun.State.RUNNING],
        )
        return cursor.rowcount


def autocommit_connection():
    """A second connection to the same database, committing each statement at once."""
    params = {key: value for key, value in connection.get_connection_params().items()
              if key not in {"context", "cursor_factory", "prepare_threshold", "server_side_binding"}}
    return psycopg.connect(**params, autocommit=True)
