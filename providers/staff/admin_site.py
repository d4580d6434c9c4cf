"""The admin site: no page without the password and a second factor (docs/adr/0025-admin-trust.md).

Signing in is two steps. The password (the rate-limited form, dsptlookup/login_limits.py), then a code from
the authenticator app, a passkey, or a recovery code (providers/staff/views.py). At the first sign-in, or after
an operator reset the factors, the second step is setting up the authenticator app. Until the session is
verified, every admin page, upload and import action sends the staff member to the second step: the check
is has_permission, which every admin view goes through. (Passkeys' own addresses: providers/staff/passkeys.py.)
"""

import logging
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.http import urlencode

from dsptlookup.login_limits import RateLimitedAdminLoginForm
from providers.staff import second_factor

logger = logging.getLogger(__name__)


class StaffAdminSite(admin.AdminSite):
    site_header = "DSPT Lookup administration"
    site_title = "DSPT Lookup admin"
    login_form = RateLimitedAdminLoginForm
    # The side menu takes a quarter of a 1280 px screen from wide lists like the import runs;
    # every model is on the admin home page.
    enable_nav_sidebar = False

    def admin_view(self, view, cacheable=False):
        """Every admin page: a form or address the admin never sends (a doctored action, an ID that is not a
        number) gets the 400 page, not a server error; it is logged with where it failed."""
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def answering(request, *args, **kwargs):
            try:
                return checked(request, *args, **kwargs)
            except (ValueError, ValidationError):
                logger.warning("Refused an admin request the admin's own forms never send: %s %s", request.method,
                               request.path, exc_info=True)
                return HttpResponseBadRequest(render_to_string("400.html", {"service_name": settings.SERVICE_NAME}))

        return answering

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        """The password step; a staff member who has given it goes on to the second step."""
        if request.method == "GET" and second_factor.password_given(request):
            return redirect(f"{reverse('admin:second_step')}?{urlencode({'next': _next(request)})}")
        return super().login(request, extra_context)

    def get_urls(self):
        from providers.staff import views

        own = [
            path("sign-in/second-step/", views.second_step, name="second_step"),
            path("sign-in/set-up/", views.set_up, name="set_up_second_factor"),
            path("sign-in/recovery-codes/", self.admin_view(views.recovery_codes), name="recovery_codes"),
            path("security/", self.admin_view(views.security), name="security"),
            path("security/passkeys/<int:passkey_id>/remove/", self.admin_view(views.remove_passkey),
                 name="remove_passkey"),
        ]
        return own + super().get_urls()


def _next(request) -> str:
    wanted = request.GET.get("next", "")
    return wanted if wanted.startswith("/admin/") else reverse("admin:index")
