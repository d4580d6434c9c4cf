"""Slow down password guessing on the admin sign-in page (docs/adr/0012-hostile-traffic.md).

Two limits on failed sign-ins, in the shared limiter (dsptlookup/limits.py):

- one address with one username: LOGIN_FAILURE_LIMIT failures (5), then
  one more try each LOGIN_LOCKOUT_SECONDS (15 minutes). Someone guessing a named admin's password from their
  own address locks only themselves out; the admin can still sign in from
  their own address, and a good sign-in starts that count again;
- one address with any usernames: LOGIN_ADDRESS_FAILURE_LIMIT failures
  (20), then the same, so trying many usernames from one place is slowed too.

The address is the visitor's, not a load balancer's (`limits.client_address`).
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm

from dsptlookup import limits


def _limits(request, username: str) -> list[tuple[limits.Limit, str]]:
    """(limit, key) for each count a failure adds to."""
    address = limits.client_address(request)
    one_each = 1 / settings.LOGIN_LOCKOUT_SECONDS
    pair = limits.Limit("login-pair", one_each, settings.LOGIN_FAILURE_LIMIT)
    per_address = limits.Limit("login-address", one_each, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    return [(pair, f"{address} {username.strip().lower()}"), (per_address, address)]


def is_locked_out(request, username: str) -> bool:
    return any(limits.would_refuse(limit, key) for limit, key in _limits(request, username))


def record_failure(request, username: str) -> None:
    for limit, key in _limits(request, username):
        limits.take(limit, key)


def clear_failures(request, username: str) -> None:
    limits.forget(*_limits(request, username)[0])


class RateLimitedAdminLoginForm(AdminAuthenticationForm):
    """The admin sign-in form, refusing to check passwords after too many failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if is_locked_out(self.request, username):
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise forms.ValidationError(
                f"Too many failed attempts. Wait {minutes} minutes, then try again.", code="locked_out"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(self.request, username)
            raise
        clear_failures(self.request, username)
        return cleaned
