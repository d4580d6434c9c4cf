"""A staff member's second factor: what they have set up, checking a code, and resetting a lost one.

Three kinds (docs/adr/0025-admin-trust.md): an authenticator app (TOTP, RFC 6238; django-otp's TOTPDevice),
passkeys (WebAuthn; django-otp-webauthn's WebAuthnCredential) and recovery codes (providers/staff/models.py).
A code counts against the same limits as a password (dsptlookup/login_limits.py), so guessing codes is as
slow as guessing passwords.
"""

from __future__ import annotations

import base64
import logging

import segno
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from dsptlookup import login_limits
from providers.history.context import recorded
from providers.staff.models import RecoveryCodes
from providers.staff.sessions import sign_out_everywhere

logger = logging.getLogger(__name__)
AUTHENTICATOR = "Authenticator app"


def has_second_factor(user) -> bool:
    """An authenticator app or a passkey is set up (recovery codes alone are not a way in to stay)."""
    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def authenticator_to_set_up(user) -> TOTPDevice:
    """The authenticator app being set up: one, kept until confirmed, so reloading the page shows the same key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def qr_code(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, named for screen readers."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=True)
    label = "QR code to scan with your authenticator app"
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def key_text(device: TOTPDevice) -> str:
    """The key for people who cannot scan: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def confirm_authenticator(request, device: TOTPDevice, code: str) -> bool:
    """The first code from a new authenticator app: it is set up, the session verified, and recovery codes made."""
    if not device.verify_token(_digits(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def check_code(request, user, code: str) -> str:
    """Check a code from the authenticator app or a recovery code. Returns 'ok', 'wrong' or 'locked'.

    On 'ok' the session is verified (django-otp's login). Every try counts against the sign-in limits.
    """
    username = user.get_username()
    if login_limits.is_locked_out(request, username):
        return "locked"
    device = _matching_device(user, code)
    if device is None:
        login_limits.record_failure(request, username)
        return "wrong"
    login_limits.clear_failures(request, username)
    otp_login(request, device)
    return "ok"


def _matching_device(user, code: str):
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(_digits(code)):
            return device
    for device in RecoveryCodes.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            logger.warning("Staff member %s signed in with a recovery code (%s left)", user.pk, device.left)
            return device
    return None


def _digits(code: str) -> str:
    return "".join(character for character in code if character.isdigit())


def reset(user, *, by: str) -> dict[str, int]:
    """Forget every second factor of `user` (who lost theirs) and sign them out everywhere; recorded.

    At their next sign-in they set one up again, as at their first. `by` says who did it, for the record.
    """
    with transaction.atomic(), recorded("command", command="reset_second_factor", by=by):
        removed = {"authenticator apps": TOTPDevice.objects.filter(user=user).delete()[0],
                   "passkeys": WebAuthnCredential.objects.filter(user=user).delete()[0],
                   "recovery codes": RecoveryCodes.objects.filter(user=user).delete()[0]}
        removed["sessions"] = sign_out_everywhere(user)
        LogEntry.objects.log_actions(
            user_id=user.pk, queryset=[user], action_flag=CHANGE, single_object=True,
            change_message=f"Second factor reset by {by}: removed {removed['authenticator apps']} authenticator "
                           f"app(s), {removed['passkeys']} passkey(s) and the recovery codes; signed out of "
                           f"{removed['sessions']} session(s).")
    logger.warning("Second factor of staff member %s reset by %s", user.pk, by)
    return removed


def password_given(request) -> bool:
    """Signed in with the password, not yet with the second factor."""
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff and not user.is_verified()
