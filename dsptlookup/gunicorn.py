"""Gunicorn settings for production: `gunicorn -c python:dsptlookup.gunicorn dsptlookup.wsgi`.

Threads, not only processes: a client over its rate for expensive requests
waits its turn asleep in a thread (dsptlookup/middleware.py,
HeavyRequestThrottleMiddleware), using no CPU and leaving the other threads
free for everyone else. Each setting can be overridden by GUNICORN_* variables.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Metrics (dsptlookup/observability.py): each worker process writes its counts to files in one
# folder, and /metrics adds them up, whichever worker answers the scrape. Emptied at each start.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="dsptlookup-metrics-")


def on_starting(server):
    import glob

    for stale in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(stale)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
