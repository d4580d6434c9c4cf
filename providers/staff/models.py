"""Recovery codes: the second factor for a staff member who has lost their phone and their passkey.

The authenticator app (django-otp's TOTPDevice) and passkeys (django-otp-webauthn's WebAuthnCredential) are the
libraries' own models. Recovery codes are ours because django-otp keeps its one-time codes as they are written;
here only a salted hash of each is kept, and each works once.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device

# 16 letters and digits a code (80 bits: a stolen copy of the table does not give them up), shown in fours.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
CODES = 10


def normalised(code: str) -> str:
    """What someone typed, as the code was made: capitals, no spaces or dashes."""
    return "".join(character for character in code.upper() if character.isalnum())


class RecoveryCodes(Device):
    """A staff member's set of recovery codes (one set each; a new set replaces the old)."""

    salt = models.CharField(max_length=32)

    class Meta:
        verbose_name = "set of recovery codes"

    @classmethod
    def replace_for(cls, user) -> list[str]:
        """A new set of codes for `user`, replacing any old set. Returns the codes, to show once."""
        codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(CODES)]
        with transaction.atomic():
            cls.objects.filter(user=user).delete()
            device = cls.objects.create(user=user, name="Recovery codes", salt=secrets.token_hex(16))
            RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=device.hash(code)) for code in codes)
        return ["-".join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4)) for code in codes]

    def hash(self, code: str) -> str:
        return hashlib.sha256(f"{self.salt}:{normalised(code)}".encode()).hexdigest()

    def verify_token(self, token) -> bool:
        """True, once, for each code of the set; the code is then used up."""
        if not isinstance(token, str) or len(normalised(token)) != CODE_LENGTH:
            return False
        used = (RecoveryCode.objects.filter(device=self, code_hash=self.hash(token), used_at__isnull=True)
                .update(used_at=timezone.now()))
        return used == 1

    @property
    def left(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="recovery_code_unique")]
