"""Slow down password guessing on the admin sign-in page.

After LOGIN_FAILURE_LIMIT failed attempts from one address, or for one
username, sign-in is refused for LOGIN_LOCKOUT_SECONDS. Counts live in the
shared cache (the database), so every app process sees them.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "unknown") if request else "unknown"
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:ip:{address}", f"login-fail:user:{name}"]


def is_locked_out(request, username: str) -> bool:
    return any((cache.get(key) or 0) >= settings.LOGIN_FAILURE_LIMIT for key in _keys(request, username))


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(request, username: str) -> None:
    cache.delete_many(_keys(request, username))


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
