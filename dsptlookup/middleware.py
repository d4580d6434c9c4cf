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
        html = render_to_string("503.html", {"service_name": settings.SERVICE_NAME})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "300"
        return response
