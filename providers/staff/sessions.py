"""Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request and STAFF_SESSION_MAX_SECONDS in all.

Only staff have sessions (visitors never sign in), and only requests that carry a session cookie are looked
at, so a visitor's page never reads a session (and never varies on one).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.utils import timezone

STARTED, SEEN = "staff_started_at", "staff_seen_at"
SEEN_EVERY = 60  # seconds: the last request's time is written at most this often


def sign_out_everywhere(user) -> int:
    """End every session of `user` (after their second factor is reset). Returns how many ended."""
    ended = [session.pk for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if session.get_decoded().get("_auth_user_id") == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


class StaffSessionMiddleware:
    """Signs out a staff session that has been idle too long or open too long, saying why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            why = self._why_it_ended(request.session, time.time())
            if why:
                logout(request)
                messages.info(request, why)
        return self.get_response(request)

    @staticmethod
    def _why_it_ended(session, now: float) -> str:
        started, seen = session.setdefault(STARTED, now), session.get(SEEN, now)
        if now - seen > settings.STAFF_SESSION_IDLE_SECONDS:
            minutes = settings.STAFF_SESSION_IDLE_SECONDS // 60
            return f"You were signed out because nothing happened for {minutes} minutes. Sign in again."
        if now - started > settings.STAFF_SESSION_MAX_SECONDS:
            hours = settings.STAFF_SESSION_MAX_SECONDS // 3600
            return f"You were signed out because you had been signed in for {hours} hours. Sign in again."
        if now - seen >= SEEN_EVERY or SEEN not in session:
            session[SEEN] = now
        return ""
