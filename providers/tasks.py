"""Work done in the background by the worker (`manage.py run_worker`), from a queue kept in PostgreSQL.

The queue is procrastinate's (docs/adr/0014-background-imports.md). Each task
is a thin wrapper: the work itself is a plain function in its domain folder,
which the command line and the tests call too. Imports take turns through a
database lock (runs.one_import_at_a_time), whichever way they were started.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from dsptlookup import limits, observability
from providers.following import sending
from providers.following import services as following
from providers.imports import refresh, runs, uploads
from providers.imports.models import ImportRun
from providers.performance import figures as performance_figures
from providers.performance import housekeeping as performance
from providers.replies import services as replies

logger = logging.getLogger(__name__)

IMPORTS = "imports"
HOUSEKEEPING = "housekeeping"
EMAIL = "email"
QUEUES = [IMPORTS, HOUSEKEEPING, EMAIL]
# A job whose worker has sent no heartbeat for this long died with it.
STALLED_AFTER_SECONDS = 60


@app.task(queue=IMPORTS)
def preview_upload(*, run_id: int, request_id: str = "-") -> str:
    """Make the preview of an uploaded file (a dry run that writes nothing).

    request_id: the id of the admin's upload request, in every log line of this job too.
    """
    with observability.for_request(request_id):
        logger.info("Previewing import run %s", run_id)
        return uploads.make_queued_preview(run_id=run_id).state


@app.task(queue=IMPORTS)
def apply_upload(*, run_id: int, preview_id: int, allow_removals: bool, request_id: str = "-") -> str:
    """Import a previewed file for real."""
    with observability.for_request(request_id):
        logger.info("Importing run %s (from preview %s)", run_id, preview_id)
        return _apply_upload(run_id=run_id, preview_id=preview_id, allow_removals=allow_removals)


def _apply_upload(*, run_id: int, preview_id: int, allow_removals: bool) -> str:
    queued = ImportRun.objects.get(pk=run_id, state=ImportRun.State.QUEUED)
    preview = ImportRun.objects.get(pk=preview_id)
    try:
        return uploads.apply_preview(preview=preview, user=queued.started_by, allow_removals=allow_removals,
                                     queued=queued).state
    except ValueError as exc:  # the preview was used or its file went; the queued run says so
        return str(exc)


@app.task(queue=IMPORTS)
def refresh_data(*, keys: list[str] | None = None, started_by: str = "refresh_data --queue") -> list[str]:
    """Download and import the configured sources (all, or those named)."""
    return [f"{record.key}: {record.outcome}" for record in refresh.refresh_sources(keys=keys, started_by=started_by)]


# The worker defers these itself, on the schedules set in settings (cron syntax).
@app.periodic(cron=settings.REFRESH_DSPT_CRON)
@app.task(queue=IMPORTS, queueing_lock="refresh-dspt")
def scheduled_refresh_dspt(timestamp: int) -> list[str]:
    return _scheduled_refresh("dspt")


@app.periodic(cron=settings.REFRESH_CQC_CRON)
@app.task(queue=IMPORTS, queueing_lock="refresh-cqc")
def scheduled_refresh_cqc(timestamp: int) -> list[str]:
    return _scheduled_refresh("cqc")


@app.periodic(cron=settings.REFRESH_ODS_CRON)
@app.task(queue=IMPORTS, queueing_lock="refresh-ods")
def scheduled_refresh_ods(timestamp: int) -> list[str]:
    return _scheduled_refresh("ods")


def _scheduled_refresh(schedule: str) -> list[str]:
    """Refresh the configured downloads that this schedule fetches (providers/imports/sources.py)."""
    records = refresh.refresh_sources(keys=refresh.on_schedule(schedule), started_by=f"scheduled refresh ({schedule})")
    return [f"{record.key}: {record.outcome}" for record in records]


@app.periodic(cron="*/5 * * * *")
@app.task(queue=HOUSEKEEPING, queueing_lock="tidy")
async def tidy(timestamp: int) -> str:
    """Every five minutes: runs and jobs left behind by a worker that died are marked failed; old uploads,
    limiter rows that no longer limit anyone, unconfirmed sign-ups and old sent emails go; emails a dead
    worker was sending are marked interrupted."""
    failed_jobs = await fail_stalled_jobs()
    return f"{failed_jobs} stalled jobs marked failed"


async def fail_stalled_jobs() -> int:
    """Jobs still 'doing' whose worker stopped sending heartbeats: mark them failed (they are not retried)."""
    from asgiref.sync import sync_to_async
    from procrastinate.jobs import Status

    await sync_to_async(tidy_runs)()
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS)
    for job in stalled:
        logger.warning("Job %s (%s) stopped with its worker; marking it failed", job.id, job.task_name)
        await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
    return len(list(stalled))


def tidy_runs() -> None:
    runs.mark_dead_runs()
    uploads.expire_uploads()
    limits.forget_the_past()
    now = timezone.now()
    sending.mark_interrupted(now)
    following.forget_what_we_no_longer_need(now)
    # A reply beside a result that has changed is never shown (replies.shown_for); here it is archived and its
    # care service told, within minutes of the import or the day that changed it.
    replies.archive_outdated(timezone.localdate())
    replies.forget(now)
    performance.forget(timezone.localdate())


@app.periodic(cron=settings.PERFORMANCE_CRON)
@app.task(queue=HOUSEKEEPING, queueing_lock="performance-figures")
def work_out_performance_figures(timestamp: int | None = None) -> str:
    """Each hour (PERFORMANCE_CRON): this week's figures for /performance/ from the day-by-day counts."""
    return f"{performance_figures.rebuild()} weeks of figures worked out"


@app.periodic(cron="40 3 * * *")
@app.task(queue=HOUSEKEEPING, queueing_lock="forget-old-history")
def forget_old_history(timestamp: int) -> str:
    """Once a day: the record of changes forgets what is older than HISTORY_KEEP_DAYS (providers/history/)."""
    from providers.history.record import forget_old_events

    return f"{forget_old_events(timezone.now())} old events forgotten"


# --- Following by email (providers/following/) -------------------------------------------------------------


@app.periodic(cron="* * * * *")
@app.task(queue=EMAIL, queueing_lock="send-messages")
def send_messages(timestamp: int | None = None) -> dict[str, int]:
    """Every minute, and straight after a sign-up: send the messages that are due (a batch at most)."""
    return sending.send_due()


def send_messages_soon() -> None:
    """Ask the worker to send now (a confirmation email); one such job waits at most."""
    from procrastinate import exceptions

    try:
        with transaction.atomic():  # a savepoint: the clash with a waiting job must not spoil the caller's transaction
            send_messages.defer()
    except exceptions.AlreadyEnqueued:
        pass


@app.periodic(cron=settings.FOLLOW_DIGEST_CRON)
@app.task(queue=EMAIL, queueing_lock="digests")
def make_digests_and_reminders(timestamp: int) -> str:
    """Once a day: a digest for each address whose followed services changed, and the renewal reminders due."""
    today = timezone.localdate()
    digests, reminders = following.make_digests(today), following.make_reminders(today)
    send_messages_soon()
    return f"{digests} digests and {reminders} reminders queued"
