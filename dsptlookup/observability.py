"""What an operator watches (docs/operations.md): a log line per request, a request id, and metrics.

- Every request gets an id: the proxy's X-Request-ID when it is a trusted
  proxy's (TRUSTED_PROXY_COUNT > 0), otherwise a new one. It is sent back in
  the response's X-Request-ID, is in every log line written while the request
  runs (the `request_id` log filter), and is passed to the worker's jobs the
  request starts, so one id follows an upload from the browser to the import.
- One log line per request (logger `dsptlookup.requests`, level INFO):
  method, path, status, duration in milliseconds and request id. No query
  string and no client address: they can hold personal data.
- Prometheus metrics at /metrics (dsptlookup/health.py): requests by view and
  status, a latency histogram, limits refused, and, read at each scrape, import
  runs by kind and state and the age of our data. Under gunicorn each worker
  process writes its counts to PROMETHEUS_MULTIPROC_DIR (set by
  dsptlookup/gunicorn.py) and a scrape adds them up.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from prometheus_client import Counter, Histogram

logger = logging.getLogger("dsptlookup.requests")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

REQUESTS = Counter("dsptlookup_requests_total", "Requests answered, by view and status", ["view", "method", "status"])
LATENCY = Histogram("dsptlookup_request_duration_seconds", "Time to answer a request, by view", ["view"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
LIMITED = Counter("dsptlookup_limited_total", "Requests refused by a limit", ["limit"])


@contextlib.contextmanager
def for_request(given_id: str):
    """In the worker: log a job's lines under the id of the request that queued it."""
    token = request_id.set(given_id if GOOD_ID.match(given_id or "") else "-")
    try:
        yield
    finally:
        request_id.reset(token)


def current_request_id() -> str:
    """For a job a request queues (`request_id=observability.current_request_id()`)."""
    return request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (settings.LOGGING uses it in the format).

    Made when logging is set up, it also has every record made with the id from the start, so
    every handler (and a test's) sees it, not only the handlers this filter is on.
    """

    def __init__(self, name=""):
        super().__init__(name)
        make_record = logging.getLogRecordFactory()
        if not getattr(make_record, "adds_request_id", False):
            def with_request_id(*args, **kwargs):
                record = make_record(*args, **kwargs)
                record.request_id = request_id.get()
                return record

            with_request_id.adds_request_id = True
            logging.setLogRecordFactory(with_request_id)

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class RequestLogMiddleware:
    """The request id, the log line and the metrics of every request. First in MIDDLEWARE, so it
    times everything and sees every answer, including the 503 of an outage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = request_id.set(incoming_id(request) or uuid.uuid4().hex[:16])
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            duration = time.perf_counter() - started
            view = view_label(request)
            REQUESTS.labels(view, request.method, str(response.status_code)).inc()
            LATENCY.labels(view).observe(duration)
            logger.info("%s %s %s %.1fms", request.method, logged_path(request.path), response.status_code,
                        duration * 1000)
            return response
        finally:
            request_id.reset(token)


# The secret in the links of our emails (providers/following/): never written to a log.
SECRET_IN_PATH = re.compile(r"^(/follow/(?:confirm|manage|stop)/)[^/]+")


def logged_path(path: str) -> str:
    return SECRET_IN_PATH.sub(r"\1[secret]", path)


def incoming_id(request) -> str:
    """The proxy's request id, when a proxy of ours is in front (so the visitor cannot choose it)."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if settings.TRUSTED_PROXY_COUNT and GOOD_ID.match(given) else ""


def view_label(request) -> str:
    """The URL's name, never the path itself (a label per path would grow without end)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "static" if request.path.startswith(settings.STATIC_URL) else "unmatched"
    return match.view_name or "unnamed"


class SuspiciousRequestFilter(logging.Filter):
    """Django logs a refused request's reason with what the visitor typed in it ('The field 9999… cannot be
    referenced.'); we keep that it happened, and its kind, never their words (the log keeps nothing typed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = f"Refused a suspicious request ({record.name.rsplit('.', 1)[-1]})", ()
        return True
