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
