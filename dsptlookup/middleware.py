"""Small middleware: security headers Django 5.2 does not set itself, and a
friendly page when the database cannot be reached."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.http import Http404, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


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


class JunkPathMiddleware:
    """A path with a NUL byte or another control character names no page: 404, never 500.

    PostgreSQL cannot hold a NUL in text, so such a path would otherwise fail
    deep in a query. The API answers in JSON; every other path gets the
    friendly "page not found".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(ord(character) < 32 or ord(character) == 127 for character in request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "No such address."}, status=404)
            raise Http404("No such page")
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a large request body before anything reads it (413).

    Without this an anonymous 300 MB POST to any page is parsed, and any file
    in it written to disk, before the CSRF check turns it away. Signed-in
    staff may send up to IMPORT_UPLOAD_MAX_BYTES (the admin file upload);
    everyone else PUBLIC_MAX_BODY_BYTES, far more than any public form needs.
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
        return settings.PUBLIC_MAX_BODY_BYTES

    @staticmethod
    def _too_large(request):
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "The request body is too large."}, status=413)
        html = render_to_string("413.html", {"service_name": settings.SERVICE_NAME})
        response = HttpResponse(html, status=413)
        response["Connection"] = "close"
        return response


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
            response = JsonResponse({"error": "The service is not available just now. Try again in a few minutes."},
                                    status=503)
            response["Access-Control-Allow-Origin"] = "*"
            return response
        if path.endswith(("/badge.svg", "/badge.png", "/badge@2x.png")):
            from providers import badges

            badge = badges.outage_badge()
            if path.endswith(".svg"):
                return HttpResponse(badges.render_svg(badge), status=503, content_type="image/svg+xml; charset=utf-8")
            scale = 2 if path.endswith("@2x.png") else 1
            return HttpResponse(badges.render_png(badge, scale=scale, cached=False), status=503,
                                content_type="image/png")
        html = render_to_string("503.html", {"service_name": settings.SERVICE_NAME})
        return HttpResponse(html, status=503)
