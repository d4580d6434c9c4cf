"""Small security middleware: headers Django 5.2 does not set itself."""

from django.conf import settings


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
