"""Sending the queued messages: each once, retried with back-off when the mail server fails.

The worker runs `send_due()` every minute and straight after a sign-up
(providers/tasks.py). Each message is claimed and committed before we talk to
the mail server, and marked sent after, so two workers never send the same
message, and a worker killed mid-send leaves at most the one message it was
sending marked SENDING; the tidy-up then marks it INTERRUPTED and it is not
sent again by itself (see models.Message and docs/adr/0021-following-by-email.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from providers.following import emails
from providers.following.models import Message

logger = logging.getLogger(__name__)

# Wait before each retry, after 1, 2, 3... failed attempts; then give up.
RETRY_AFTER = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
INTERRUPTED_AFTER = dt.timedelta(minutes=10)  # longer than any one message takes


def send_due(*, batch: int | None = None) -> dict[str, int]:
    """Send up to `batch` messages that are due. Returns how many were sent and how many failed."""
    batch = settings.FOLLOW_SEND_BATCH if batch is None else batch
    counts = {"sent": 0, "failed": 0}
    connection = None
    try:
        for _ in range(batch):
            message = _claim_next()
            if message is None:
                break
            try:
                connection = connection or _open()
                connection.send_messages([as_email(message)])
            except (smtplib.SMTPException, OSError) as error:
                _failed(message, error)
                counts["failed"] += 1
                connection = _close(connection)  # start afresh with the next one
            else:
                Message.objects.filter(pk=message.pk).update(state=Message.State.SENT, sent_at=timezone.now(),
                                                             last_error="")
                counts["sent"] += 1
    finally:
        _close(connection)
    return counts


def _claim_next() -> Message | None:
    """The next message due, marked as ours (committed) before anything is sent."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(skip_locked=True)
                   .filter(state=Message.State.PENDING, next_attempt_at__lte=timezone.now())
                   .order_by("next_attempt_at", "pk").first())
        if message is None:
            return None
        message.state, message.claimed_at, message.attempts = Message.State.SENDING, timezone.now(), message.attempts + 1
        message.save(update_fields=["state", "claimed_at", "attempts"])
        return message


def _open():
    connection = get_connection(fail_silently=False)
    connection.open()
    return connection


def _close(connection) -> None:
    if connection is not None:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            pass
    return None


def _failed(message: Message, error: Exception) -> None:
    """Try again later, each time later; after the last, give up (shown in the admin)."""
    text = f"{type(error).__name__}: {error}"[:500]
    if message.attempts > len(RETRY_AFTER):
        logger.error("Gave up sending message %s after %s attempts: %s", message.pk, message.attempts, text)
        Message.objects.filter(pk=message.pk).update(state=Message.State.FAILED, last_error=text)
    else:
        logger.warning("Sending message %s failed (attempt %s): %s", message.pk, message.attempts, text)
        Message.objects.filter(pk=message.pk).update(
            state=Message.State.PENDING, last_error=text,
            next_attempt_at=timezone.now() + RETRY_AFTER[message.attempts - 1])


def as_email(message: Message) -> EmailMultiAlternatives:
    """The email: plain text and HTML, a one-click unsubscribe (RFC 8058), and a Message-ID made from its key,
    so that even a copy sent again by an admin is one message to a mail program."""
    headers = {"Message-ID": f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@dsptlookup>",
               "Auto-Submitted": "auto-generated"}
    if message.subscriber_id:  # an email about following; a reply's emails answer what the sender sent
        headers |= {"List-Unsubscribe": f"<{emails.stop_link(message.subscriber)}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    email = EmailMultiAlternatives(subject=message.subject, body=message.text, to=[message.to], headers=headers)
    email.attach_alternative(message.html, "text/html")
    return email


def mark_interrupted(now: dt.datetime) -> int:
    """Messages a stopped sender left SENDING: INTERRUPTED (the tidy-up). Returns how many."""
    return Message.objects.filter(state=Message.State.SENDING, claimed_at__lt=now - INTERRUPTED_AFTER).update(
        state=Message.State.INTERRUPTED, last_error="The sender stopped while sending it. It may have arrived.")


def send_again(messages) -> int:
    """The admin's action: send these (failed or interrupted) messages again, now."""
    return messages.exclude(state=Message.State.SENT).update(state=Message.State.PENDING,
                                                             next_attempt_at=timezone.now(), attempts=0)
