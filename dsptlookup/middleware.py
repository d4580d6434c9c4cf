"""Small middleware: security headers Django 5.2 does not set itself, and a
friendly page when the database cannot be reached."""

import logging
import re
import time

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from dsptlookup import limits, replica
from dsptlookup.junk import JUNK_CHARACTERS, JUNK_IN_PATH

logger = logging.getLogger(__name__)


class OpenDataMiddleware:
    """The open data (the API, the JSON download, badges and QR codes) may be read by any website.

    The one place CORS headers are set (docs/adr/0015-councils-and-api.md):
    on every answer under settings.OPEN_DATA_PATHS, errors included, whether
    or not the request named an Origin, so a shared cache never keeps a copy
    without them. A browser's preflight (OPTIONS) is answered here.
    """

    HEADERS = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, Content-Type",
        "Access-Control-Max-Age": "86400",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = re.compile(settings.OPEN_DATA_PATHS)

    def __call__(self, request):
        if not self.paths.match(request.path):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=200)
        else:
            response = self.get_response(request)
        for name, value in self.HEADERS.items():
            response[name] = value
        if request.path == "/reconcile":  # reconciliation's batches may be POSTed (providers/reconcile/)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        return response


class ContentSecurityPolicyMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response.

    A view may set its own Content-Security-Policy (the embeddable badge does);
    we leave that alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class JunkInputMiddleware:
    """The one place junk in an address or a form becomes a clear answer, never a 500.

    - A path with a control character names no page: 404 (JSON under /api/).
    - A query string whose names or values hold one (dsptlookup/junk.py) is refused
      with 400 and a page that says so in words, before any view reads it.
    - A value a view passes to PostgreSQL with a NUL in it (a form field read
      as it came) would fail deep in a query: 400 with the same page. Forms
      refuse a NUL themselves, with a message beside the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if JUNK_IN_PATH.search(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "No such address."}, status=404)
            raise Http404("No such page")
        if any(JUNK_CHARACTERS.search(name) or any(JUNK_CHARACTERS.search(value) for value in values)
               for name, values in request.GET.lists()):
            return self.unreadable(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError) and "NUL" in str(exception):
            return self.unreadable(request)
        return None

    @staticmethod
    def unreadable(request):
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "A parameter holds a control character (such as NUL) that no search "
                                          "or code can contain."}, status=400)
        return HttpResponse(render_to_string("400.html", {"service_name": settings.SERVICE_NAME}), status=400)


# Where anyone may send a file: checking a list, and reconciliation's batches of queries.
LIST_PATHS = ("/check-a-list/", "/reconcile")


class RequestSizeLimitMiddleware:
    """Refuse a large request body before anything reads it (413).

    Without this an anonymous 300 MB POST to any page is parsed, and any file
    in it written to disk, before the CSRF check turns it away. Signed-in
    staff may send up to IMPORT_UPLOAD_MAX_BYTES (the admin file upload), anyone a list to check
    LIST_CHECK_MAX_BYTES, and every other request PUBLIC_MAX_BODY_BYTES, far more than any public form needs.
    Placed after AuthenticationMiddleware (to know who is signed in) and
    before any view runs (the CSRF check reads the body in process_view).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PUBLIC_MAX_BODY_BYTES and length > self._limit_for(request):
            return self._too_large(request)
        return self.get_response(request)

    @staticmethod
    def _limit_for(request) -> int:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return settings.IMPORT_UPLOAD_MAX_BYTES + 1024 * 1024  # the file and the form around it
        if request.path in LIST_PATHS:
            return settings.LIST_CHECK_MAX_BYTES + 64 * 1024  # a visitor's list (providers/checking/)
        return settings.PUBLIC_MAX_BODY_BYTES

    @staticmethod
    def _too_large(request):
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "The request body is too large."}, status=413)
        html = render_to_string("413.html", {"service_name": settings.SERVICE_NAME})
        # No Connection header: it is the web server's to set (PEP 3333 forbids hop-by-hop headers, and
        # Django's development server answers 500 to an application that sets one).
        return HttpResponse(html, status=413)


class HeavyRequestThrottleMiddleware:
    """One client cannot keep the site busy with expensive requests; a busy office can browse its area.

    Expensive requests are area pages (and their downloads) and searches with a long query. Each client
    address (dsptlookup.limits.client_address, which honours TRUSTED_PROXY_COUNT) may spend
    HEAVY_SECONDS_PER_SECOND of the app's time on them, on average, with bursts of HEAVY_BURST_SECONDS,
    counted across every app server in the shared limiter: what a request costs is measured once it has
    run (`limits.spend`), so fifty advisers behind one address opening cheap area pages never wait, while a
    client asking for costly pages as fast as it can soon does. Over its allowance a request waits its turn
    (up to HEAVY_MAX_WAIT_SECONDS: the thread sleeps, using no CPU, so run gunicorn with threads:
    dsptlookup/gunicorn.py); past that it waits as long again and gets 429 with Retry-After. Ordinary
    searches are never held up. Many clients at once (a distributed attack) need a limit in front of the
    app as well, at the proxy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_heavy(request):
            return self.get_response(request)
        client = limits.client_address(request)
        try:
            wait = limits.ask(heavy_limit(), client)
        except (OperationalError, InterfaceError):
            wait = 0.0  # the database is down: the view answers with the outage page
        if wait is None:
            # Refused, but not at once: a client looping as fast as it can would
            # otherwise spend the CPU on refusals (the sleep costs none).
            time.sleep(settings.HEAVY_MAX_WAIT_SECONDS)
            return self._too_many(request)
        if wait > 0:
            time.sleep(wait)
        started = time.perf_counter()
        response = self.get_response(request)
        try:
            limits.spend(heavy_limit(), client, time.perf_counter() - started)
        except (OperationalError, InterfaceError):
            pass
        return response

    @staticmethod
    def _too_many(request):
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": "Too many requests. Wait a moment, then try again."}, status=429)
        else:
            html = render_to_string("429.html", {"service_name": settings.SERVICE_NAME})
            response = HttpResponse(html, status=429)
        response["Retry-After"] = "5"
        return response


def heavy_limit() -> limits.Limit:
    """Measured in seconds of the app's time: a client's allowance, its burst, and how long it may wait."""
    return limits.Limit("heavy", settings.HEAVY_SECONDS_PER_SECOND, settings.HEAVY_BURST_SECONDS,
                        settings.HEAVY_MAX_WAIT_SECONDS)


# Searches longer than this (characters or words) cost more than a name or a town.
HEAVY_QUERY_CHARS = 40
HEAVY_QUERY_WORDS = 5
SEARCH_PATHS = ("/search/", "/easy-read/search/", "/api/v1/services")


def is_heavy(request) -> bool:
    """Area pages and their downloads, and searches with a long query."""
    path = request.path
    if path.startswith("/areas/") and path != "/areas/":
        return True
    if path in SEARCH_PATHS:
        query = request.GET.get("q", "")
        return len(query) > HEAVY_QUERY_CHARS or len(query.split()) > HEAVY_QUERY_WORDS
    return False


class DatabaseUnavailableMiddleware:
    """If the database is down, say so plainly (503) instead of showing an error trace.

    The page is rendered without touching the database, and asks clients to
    try again in a few minutes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        if replica.note_failure(request):  # the replica failed: ReplicaMiddleware runs it again on the primary
            logger.warning("The replica failed during %s %s; running it on the primary", request.method, request.path)
        else:
            logger.error("Database unavailable: %s", exception)
        response = self._outage_response(request)
        response["Retry-After"] = "300"
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _outage_response(request):
        """In the form the caller can use: JSON for the API, a picture for a badge, else the page."""
        path = request.path
        if path.startswith("/api/"):
            return JsonResponse({"error": "The service is not available just now. Try again in a few minutes."},
                                status=503)
        if path.endswith(("/badge.svg", "/badge.png", "/badge@2x.png")):
            from providers.results import badges

            badge = badges.outage_badge()
            if path.endswith(".svg"):
                return HttpResponse(badges.render_svg(badge), status=503, content_type="image/svg+xml; charset=utf-8")
            scale = 2 if path.endswith("@2x.png") else 1
            return HttpResponse(badges.render_png(badge, scale=scale, cached=False), status=503,
                                content_type="image/png")
        html = render_to_string("503.html", {"service_name": settings.SERVICE_NAME})
        return HttpResponse(html, status=503)
