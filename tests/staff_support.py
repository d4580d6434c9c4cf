"""Signing in as staff in tests: the password, then a TOTP code worked out here (RFC 6238), as a phone would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time

from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a long staff password 42"


def totp(key: bytes, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows for `key` (RFC 6238 with SHA-1, as every app does)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset:offset + 4], 'big') & 0x7FFFFFFF) % 10 ** digits:0{digits}d}"


def key_from_page(html: str) -> bytes:
    """The key the set-up page shows as text (for people who cannot scan), as bytes."""
    text = re.search(r'<code id="otp-key">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def sign_in_with_password(client, username: str, password: str = PASSWORD):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


def phone_for(user) -> TOTPDevice:
    """An authenticator app already set up for `user` (its key is device.bin_key)."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def verified(client, user) -> None:
    """A client signed in as `user` with the second factor given (for tests about something else)."""
    client.force_login(user)
    device = phone_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
