"""Following by email: who follows what, and every message we send them (docs/adr/0021-following-by-email.md).

An email address is kept only while it follows something: it is deleted with
the last thing it follows, and a sign-up nobody confirmed goes after
FOLLOW_CONFIRM_DAYS. Sent messages go after FOLLOW_KEEP_SENT_DAYS.
"""

from __future__ import annotations

import secrets

from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    """One email address. Its `token` is the secret in the links of every message we send it."""

    email = models.EmailField(unique=True, help_text="Kept only while it follows something.")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_on = models.DateField(
        null=True, blank=True, help_text="We send at most one confirmation email a day to an address.")

    def __str__(self):
        return self.email


class FollowQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def waiting(self):
        """Sign-ups whose owner has not confirmed them (yet)."""
        return self.filter(confirmed_at__isnull=True)


class Follow(models.Model):
    """One thing an address follows: a care service, a provider or an area; or renewal reminders for a service."""

    class Kind(models.TextChoices):
        SERVICE = "service", "A care service"
        PROVIDER = "provider", "A provider's care services"
        AREA = "area", "The care services in an area"
        REMINDER = "reminder", "Reminders to renew a care service's check"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=100, help_text="A CQC location ID, a CQC provider ID or an area's slug.")
    name = models.CharField(max_length=255, help_text="What it was called when it was followed.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # What we last told this address about each care service: {CQC location ID: [result, year, registered,
    # dormant]}. A digest says what differs from it, then it is updated in the same transaction.
    told = models.JSONField(default=dict, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True, help_text="Reminders sent, as 'date:stage'.")

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "kind", "key"], name="one_follow_each")]
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class Message(models.Model):
    """An email to send, or sent. `key` makes each one once only: a digest a day, each reminder once.

    A sender claims a message (state SENDING, committed) before it talks to the
    mail server, and marks it SENT after. A sender killed in between leaves it
    SENDING: the tidy-up marks it INTERRUPTED, and it is never sent again by
    itself (it may have arrived); an admin can send it again. So nothing is
    sent twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"
        INTERRUPTED = "interrupted", "Interrupted (the sender stopped; it may not have arrived)"

    key = models.CharField(max_length=120, unique=True)
    # None for an email that is not about following: a care service's reply (providers/replies/).
    subscriber = models.ForeignKey(Subscriber, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="messages")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    text = models.TextField()
    html = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(help_text="Not sent before this time (retries wait longer each time).")
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="message_due")]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} to {self.to}"
