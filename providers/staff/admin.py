"""The second-factor libraries' own admin pages are taken away: one admin could read another's authenticator
key from django-otp's (its QR code page), and a factor is changed only by its owner ("Your sign-in security")
or by the operator (`manage.py reset_second_factor`), never by another admin."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential, WebAuthnUserHandle

for model in (TOTPDevice, WebAuthnCredential, WebAuthnAttestation, WebAuthnUserHandle):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
