"""Run the background worker: queued imports, scheduled data refreshes and housekeeping.

`make run` starts it beside the web server. In production run it as its
own long-lived process (see README). Stop it with Ctrl+C or SIGTERM: it
finishes the job in hand first. If it is killed outright, the import in
hand is rolled back by PostgreSQL and marked failed when a worker starts again.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from procrastinate.contrib.django import app

from providers import tasks
from providers.imports import runs


class Command(BaseCommand):
    help = "Run the background worker (imports, scheduled data refresh, housekeeping) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--until-empty", action="store_true",
                            help="Stop when no job is waiting, instead of waiting for more (for scripts and tests).")
        parser.add_argument("--concurrency", type=int, default=settings.WORKER_CONCURRENCY,
                            help="How many jobs to run at once (default: WORKER_CONCURRENCY, 2). Imports take turns.")

    def handle(self, *args, until_empty: bool, concurrency: int, **options):
        dead = runs.mark_dead_runs()  # runs of a worker that was killed: failed, not 'running' for ever
        if dead:
            self.stdout.write(self.style.WARNING(f"Marked {dead} import(s) left by a stopped worker as failed."))
        self.stdout.write(f"Worker started (queues: {', '.join(tasks.QUEUES)}). Press Ctrl+C to stop.")
        self.stdout.flush()
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(queues=tasks.QUEUES, concurrency=concurrency, wait=not until_empty,
                           install_signal_handlers=True)
