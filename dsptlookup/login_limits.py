"""Slow down password guessing on the admin sign-in page (docs/adr/0012-hostile-traffic.md).

Two counts, each kept for LOGIN_LOCKOUT_SECONDS after the last failure:

- one address with one username: after LOGIN_FAILURE_LIMIT failures that
  pair must wait. Someone guessing a named admin's password from their own
  address locks only themselves out; the admin can still sign in from
  their own address;
- one address with any usernames: after LOGIN_ADDRESS_FAILURE_LIMIT
  failures the address must wait, so trying many usernames from one place
  is slowed too.

The address is the visitor's, not a load balancer's: with TRUSTED_PROXY_COUNT
proxies in front of the app, it is read from X-Forwarded-For as the last of
those proxies saw it (`client_address`). Counts live in the shared cache
(the database), so every app process sees them.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache


def client_address(request) -> str:
    """The visitor's address: REMOTE_ADDR, or with trusted proxies the address the outermost one saw.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For, so the entry TRUSTED_PROXY_COUNT from the end was
    written by our own outermost proxy. Entries before it are the
    visitor's to forge, so they are never used.
    """
    if request is None:
        return "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def _limits(request, username: str) -> list[tuple[str, int]]:
    """(cache key, limit) for each count this attempt adds to."""
    address = client_address(request)
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [(f"login-fail:pair:{address}:{name}", settings.LOGIN_FAILURE_LIMIT),
            (f"login-fail:address:{address}", settings.LOGIN_ADDRESS_FAILURE_LIMIT)]


def is_locked_out(request, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _limits(request, username))


def record_failure(request, username: str) -> None:
    for key, _ in _limits(request, username):
        if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(request, username: str) -> None:
    cache.delete(_limits(request, username)[0][0])


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
